using System.Text;
using RedisFast.Tests.Infrastructure;
using Xunit.Sdk;

namespace RedisFast.Tests.Commands;

/// <summary>
/// MULTI/EXEC/DISCARD/WATCH against redis-server 7.0, driven over two connections per server so that another
/// client's writes, expiries and lazy deletions reach the watcher exactly as they do in Redis.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class TransactionDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void QueuingRepliesQueuedAndExecRepliesEachResultIncludingErrors() => TwoClientScript.AssertSame(f, """
        A DEL txq:a txq:s
        A MULTI
        A SET txq:a 1
        A INCR txq:a
        A SET txq:s notanumber
        A INCR txq:s
        A SET txq:a 1 EX 0
        A GET txq:a
        A EXEC
        A GET txq:a
        A EXEC
        A DISCARD
        A MULTI
        A SET txq:a 2
        A DISCARD
        A GET txq:a
        A MULTI
        A EXEC
        """);

    [Fact]
    public void RefusedCommandsWhileQueuingAbortTheTransactionButNestedMultiAndWatchDoNot() => TwoClientScript.AssertSame(f, """
        A MULTI
        A MULTI
        A WATCH txe:x
        A SET txe:k 1
        A EXEC
        A GET txe:k
        A MULTI
        A GET
        A SET txe:k 2
        A EXEC
        A GET txe:k
        A MULTI
        A NOSUCHCOMMAND a b
        A EXEC
        A MULTI
        A OBJECT NOSUCHSUB x
        A EXEC
        A MULTI
        A SET txe:k 3
        A PING a b
        A EXEC
        A GET txe:k
        """);

    [Fact]
    public void WatchedKeyChangedByAnotherClientOrByItselfMakesExecReturnNull() => TwoClientScript.AssertSame(f, """
        A SET txw:a 1
        A WATCH txw:a
        B SET txw:a 2
        A MULTI
        A SET txw:a 3
        A EXEC
        A GET txw:a
        A WATCH txw:b
        A SET txw:b 1
        A MULTI
        A PING
        A EXEC
        A WATCH txw:c txw:d
        B INCR txw:d
        A MULTI
        A PING
        A EXEC
        A WATCH txw:e
        B DEL txw:e
        B PERSIST txw:e
        B EXPIRE txw:e 10
        A MULTI
        A PING
        A EXEC
        A WATCH txw:e
        B SET txw:e 1
        B DEL txw:e
        A MULTI
        A PING
        A EXEC
        A WATCH txw:f
        B SET txw:f 1
        A UNWATCH
        A MULTI
        A PING
        A EXEC
        A WATCH txw:g
        A WATCH txw:g
        A MULTI
        A SET txw:g mine
        A EXEC
        A MULTI
        A SET txw:g again
        A EXEC
        """);

    [Fact]
    public void OnlyWritesThatChangeSomethingTouchAWatchedKey() => TwoClientScript.AssertSame(f, """
        A SET txn:k v
        A WATCH txn:k
        B SET txn:k other NX
        B SET txn:missing x XX
        B PERSIST txn:k
        B GETEX txn:k
        B SETRANGE txn:k 0 ""
        B EXPIRE txn:k 100 XX
        B MSETNX txn:k a txn:z b
        B RENAME txn:k txn:k
        B INCR txn:k
        A MULTI
        A GET txn:k
        A EXEC
        A WATCH txn:k
        B APPEND txn:k ""
        A MULTI
        A GET txn:k
        A EXEC
        A WATCH txn:k
        B GETEX txn:k PX 100000
        A MULTI
        A GET txn:k
        A EXEC
        A WATCH txn:r
        B SET txn:r1 1
        B RENAME txn:r1 txn:r
        A MULTI
        A GET txn:r
        A EXEC
        A WATCH txn:r
        B RENAME txn:r txn:r2
        A MULTI
        A GET txn:r
        A EXEC
        A WATCH txn:c
        B COPY txn:r2 txn:c
        A MULTI
        A GET txn:c
        A EXEC
        A WATCH txn:m
        B MSET txn:m 1 txn:m2 2
        A MULTI
        A GET txn:m
        A EXEC
        A WATCH txn:m
        B INCRBYFLOAT txn:m 1.5
        A MULTI
        A GET txn:m
        A EXEC
        A WATCH txn:m
        B GETDEL txn:m
        A MULTI
        A GET txn:m
        A EXEC
        """);

    [Fact]
    public void WatchedKeysThatExpireFailExecUnlessAlreadyExpiredWhenWatched() => TwoClientScript.AssertSame(f, """
        A SET txx:alive v PX 100
        A WATCH txx:alive
        sleep 200
        A MULTI
        A PING
        A EXEC
        A SET txx:dead v PX 50
        sleep 100
        A WATCH txx:dead
        A MULTI
        A PING
        A EXEC
        A SET txx:dead2 v PX 50
        sleep 100
        A WATCH txx:dead2
        B GET txx:dead2
        A MULTI
        A PING
        A EXEC
        A SET txx:dead3 v PX 50
        sleep 100
        A WATCH txx:dead3
        B SET txx:dead3 new
        A MULTI
        A PING
        A EXEC
        A SET txx:lazy v PX 100
        A WATCH txx:lazy
        sleep 200
        B GET txx:lazy
        A MULTI
        A PING
        A EXEC
        """);

    [Fact]
    public void TransactionsWorkTheSameInResp3() => TwoClientScript.AssertSame(f, """
        A HELLO 3
        A MULTI
        A SET txr:a 1
        A GET txr:a
        A GET txr:none
        A INCR txr:none2
        A EXEC
        A WATCH txr:a
        B SET txr:a 2
        A MULTI
        A GET txr:a
        A EXEC
        A MULTI
        A GET
        A EXEC
        """);

    [Fact]
    public void SelectInsideExecKeepsItsEffectAndCommandsRunInTheSelectedDatabase() => TwoClientScript.AssertSame(f, """
        A SELECT 9
        A DEL txs:a
        A MULTI
        A SET txs:a 9
        A SELECT 0
        A GET txs:a
        A EXEC
        A SELECT 9
        A GET txs:a
        A DEL txs:a
        """);
}

/// <summary>
/// A script over two connections, A and B, run on RedisFast and on redis-server with every reply compared
/// byte for byte. Lines: "A cmd args", "B cmd args", "read A" (one pushed message), "sleep ms". HELLO replies
/// differ in the client id and are not compared.
/// </summary>
internal static class TwoClientScript
{
    public static void AssertSame(DifferentialFixture f, string script)
    {
        using RawClient fastA = f.Fast.Connect(), fastB = f.Fast.Connect();
        using RawClient realA = f.Real.Connect(), realB = f.Real.Connect();
        var diffs = new StringBuilder();
        int i = 0;
        foreach (string raw in script.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            i++;
            if (line.StartsWith("sleep ", StringComparison.Ordinal))
            {
                Thread.Sleep(int.Parse(line.AsSpan(6)));
                continue;
            }
            string a, b;
            if (line.StartsWith("read ", StringComparison.Ordinal))
            {
                bool first = line[5] == 'A';
                a = (first ? fastA : fastB).ReadReply();
                b = (first ? realA : realB).ReadReply();
            }
            else
            {
                bool first = line[0] == 'A';
                string[] command = Differential.SplitArgs(line[2..]);
                a = (first ? fastA : fastB).Call(command);
                b = (first ? realA : realB).Call(command);
                if (command[0].Equals("HELLO", StringComparison.OrdinalIgnoreCase)) continue;
            }
            if (a != b) diffs.AppendLine($"#{i} {line}\n  redisfast: {Differential.Escape(a)}\n  redis:     {Differential.Escape(b)}");
        }
        if (diffs.Length > 0) throw new XunitException("Replies differ from redis-server:\n" + diffs);
    }
}
