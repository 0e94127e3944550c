using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Server;

/// <summary>
/// Keyspace notifications against redis-server 7.0: the same commands on a RedisFast and a redis-server of this test's
/// own, each with a client subscribed to every __keyspace@ and __keyevent@ channel, must publish the same messages in
/// the same order.
/// </summary>
public sealed class KeyspaceEventsTests
{
    /// <summary>Runs <paramref name="script"/> with notify-keyspace-events <paramref name="classes"/>; the messages published.</summary>
    private static List<string> Notifications(int port, string classes, string[][] script)
    {
        using var subscriber = new RawClient("127.0.0.1", port);
        using var c = new RawClient("127.0.0.1", port);
        Assert.Equal("+OK\r\n", c.Call("FLUSHALL"));
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "notify-keyspace-events", classes));
        subscriber.Call("PSUBSCRIBE", "__key*__:*");
        subscriber.Call("SUBSCRIBE", "end-of-script");
        using var blocked = new RawClient("127.0.0.1", port);
        foreach (string[] command in script)
        {
            // Steps that are not commands: a pause (for keys to expire), a command sent on a second connection that
            // blocks (waited for until the server counts it blocked), and the reply that serves it.
            if (command[0] == "pause")
            {
                Thread.Sleep(int.Parse(command[1]));
            }
            else if (command[0] == "blocked")
            {
                blocked.Send(RawClient.Encode(command[1..]));
                for (int i = 0; i < 500 && !c.Call("INFO", "clients").Contains("blocked_clients:1\r\n"); i++) Thread.Sleep(10);
            }
            else if (command[0] == "served")
            {
                blocked.ReadReply();
            }
            else
            {
                c.Call(command);
            }
        }
        c.Call("PUBLISH", "end-of-script", "end");
        var messages = new List<string>();
        while (true)
        {
            string message = subscriber.ReadReply();
            if (message.Contains("end-of-script", StringComparison.Ordinal)) break;
            // *4 $8 pmessage $10 __key*__:* $n <channel> $m <message>: "channel message".
            string[] parts = message.Split("\r\n");
            messages.Add(parts[6] + " " + parts[8]);
        }
        c.Call("CONFIG", "SET", "notify-keyspace-events", "");
        return messages;
    }

    /// <summary>The script with every class but new and keymiss ("KEA"), then with those two as well ("KEAnm").</summary>
    private static void AssertSameNotifications(string[][] script)
    {
        using var fast = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var real = new RealRedisFixture();
        foreach (string classes in new[] { "KEA", "KEAnm" })
        {
            List<string> expected = Notifications(real.Port, classes, script);
            List<string> actual = Notifications(fast.Port, classes, script);
            Assert.True(expected.SequenceEqual(actual),
                $"{classes}\nredis-server:\n  {string.Join("\n  ", expected)}\nredisfast:\n  {string.Join("\n  ", actual)}");
        }
    }

    [Fact]
    public void GenericAndStringCommandsNotifyLikeRedis() => AssertSameNotifications(
    [
        ["SET", "s", "1"], ["SET", "s", "2", "NX"], ["SET", "s", "3", "XX", "EX", "100"], ["SETEX", "e", "100", "v"], ["PSETEX", "p", "100000", "v"],
        ["SETNX", "s", "x"], ["SETNX", "n", "x"], ["MSET", "a", "1", "b", "2"], ["MSETNX", "a", "1", "c", "3"], ["MSETNX", "d", "1", "f", "3"],
        ["APPEND", "s", "x"], ["SETRANGE", "s", "1", "yy"], ["INCR", "i"], ["INCRBY", "i", "5"], ["DECR", "i"], ["DECRBY", "i", "2"],
        ["INCRBYFLOAT", "i", "1.5"], ["GETSET", "s", "new"], ["GETDEL", "s"], ["GETDEL", "s"], ["GETEX", "a", "EX", "100"], ["GETEX", "a", "PERSIST"],
        ["EXPIRE", "b", "100"], ["PEXPIRE", "b", "100000"], ["EXPIREAT", "b", "4102444800"], ["PERSIST", "b"], ["PERSIST", "b"],
        ["EXPIRE", "b", "0"], ["SET", "b", "2"], ["EXPIRE", "b", "-1"],
        ["RENAME", "a", "a2"], ["RENAMENX", "a2", "c"], ["RENAMENX", "a2", "a3"], ["COPY", "a3", "a4"], ["MOVE", "a4", "3"],
        ["DEL", "a3", "c", "missing"], ["UNLINK", "d", "f"], ["SET", "t", "v", "PX", "1"], ["pause", "50"], ["GET", "t"],
        ["SETBIT", "bits", "7", "1"], ["BITOP", "NOT", "bits2", "bits"], ["BITFIELD", "bits", "SET", "u8", "0", "255"],
        ["PFADD", "h", "a"], ["PFMERGE", "h2", "h"], ["FLUSHDB"],
    ]);

    [Fact]
    public void CollectionCommandsNotifyLikeRedis() => AssertSameNotifications(
    [
        ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "l", "d"], ["RPUSHX", "nol", "d"], ["LINSERT", "l", "BEFORE", "a", "x"],
        ["LSET", "l", "0", "y"], ["LPOP", "l"], ["RPOP", "l", "2"], ["LREM", "l", "0", "x"], ["LTRIM", "l", "0", "0"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
        ["RPUSH", "l", "1", "2", "3"], ["LPOP", "l", "3"],
        ["SADD", "s", "a", "b", "c"], ["SREM", "s", "a"], ["SMOVE", "s", "s2", "b"], ["SPOP", "s"], ["SMOVE", "s2", "s3", "b"], ["SADD", "x", "1"], ["SINTERSTORE", "d", "x", "x"],
        ["SUNIONSTORE", "d2", "x", "s2"], ["SDIFFSTORE", "d3", "x", "x"],
        ["HSET", "h", "f", "v", "g", "w"], ["HSETNX", "h", "f", "v"], ["HSETNX", "h", "k", "v"], ["HDEL", "h", "f"], ["HINCRBY", "h", "n", "2"],
        ["HINCRBYFLOAT", "h", "n", "1.5"], ["HDEL", "h", "g", "k", "n"],
        ["ZADD", "z", "1", "a", "2", "b"], ["ZINCRBY", "z", "5", "a"], ["ZREM", "z", "a"], ["ZADD", "z", "3", "c", "4", "d"], ["ZPOPMIN", "z"],
        ["ZREMRANGEBYSCORE", "z", "0", "3"], ["ZADD", "z", "1", "m", "2", "n"], ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZREMRANGEBYLEX", "z", "-", "+"],
        ["ZADD", "za", "1", "a"], ["ZUNIONSTORE", "zu", "1", "za"], ["ZINTERSTORE", "zi", "1", "missing"], ["ZRANGESTORE", "zr", "za", "0", "-1"],
        ["SORT", "l2", "STORE", "sorted"], ["GEOADD", "g", "13.36", "38.11", "p"], ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "13", "38", "BYRADIUS", "100", "km"],
        ["GEORADIUS", "g", "13", "38", "100", "km", "STORE", "gr"], ["GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"],
        ["RPUSH", "q", "1", "2", "3", "4"], ["RPOPLPUSH", "q", "q2"], ["LMPOP", "2", "none", "q", "LEFT", "COUNT", "2"], ["BLPOP", "q", "0"],
        ["BLMOVE", "q2", "q3", "RIGHT", "LEFT", "0"], ["SORT", "q3", "STORE", "q4"], ["SORT", "none", "STORE", "q4"],
        ["HMSET", "hm", "a", "1"], ["ZADD", "zz", "INCR", "1", "m"], ["ZINCRBY", "zz", "2", "m"], ["ZADD", "zz", "1", "n", "2", "o"],
        ["ZMPOP", "1", "zz", "MAX"], ["BZPOPMIN", "zz", "0"], ["BZMPOP", "0", "1", "zz", "MIN", "COUNT", "5"],
        ["SADD", "ss", "1", "2", "3"], ["SPOP", "ss", "2"], ["SPOP", "ss", "5"], ["SPOP", "ss", "0"],
        ["LPUSH", "t1", "a"], ["LTRIM", "t1", "1", "0"], ["SETRANGE", "sr", "3", "abc"], ["SETRANGE", "sr", "0", ""],
    ]);

    [Fact]
    public void ServedBlockedClientsAndExpiredKeysNotifyLikeRedis() => AssertSameNotifications(
    [
        // A client blocked on a list, served by a push: the push's event, then the pop's, then del.
        ["blocked", "BLPOP", "bq", "0"], ["LPUSH", "bq", "a"], ["served"],
        ["blocked", "BZPOPMAX", "bz", "0"], ["ZADD", "bz", "1", "m", "2", "n"], ["served"],
        ["blocked", "BLMOVE", "bm", "bm2", "LEFT", "RIGHT", "0"], ["RPUSH", "bm", "x"], ["served"],
        // Keys expiring: found by the active cycle or at the access after the pause, at the same point in both.
        // (One key: the active cycles of the two servers could find two in different orders.)
        ["HSET", "e", "f", "v"], ["PEXPIRE", "e", "1"], ["pause", "50"], ["EXISTS", "e"], ["SET", "e", "v"],
        // Read lookups that miss are keymiss events (m), except OBJECT's.
        ["GET", "nokey"], ["TTL", "nokey"], ["EXISTS", "nokey"], ["TYPE", "nokey"], ["OBJECT", "ENCODING", "nokey"], ["LRANGE", "nokey", "0", "-1"],
    ]);
}
