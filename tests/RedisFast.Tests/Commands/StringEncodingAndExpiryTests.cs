using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Storage;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// What the string commands leave in the keyspace: the encoding OBJECT ENCODING will report and the expiry
/// time, inspected on the event loop. Expiry through time uses absolute times in the past or PX 1 with polling.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class StringEncodingAndExpiryTests(ServerFixture f)
{
    private (ValueKind Kind, long ExpireAt)? Inspect(string key) => StringTestHelpers.Inspect(f.Server, key);

    private ValueKind KindOf(string key) => Inspect(key)!.Value.Kind;

    private long ExpireAtOf(string key) => Inspect(key)!.Value.ExpireAt;

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public void SetPicksIntEmbstrOrRawLikeTryObjectEncoding()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        c.Call("SET", k, "12345");
        Assert.Equal(ValueKind.StringInt, KindOf(k));
        c.Call("SET", k, "012");
        Assert.Equal(ValueKind.StringEmbedded, KindOf(k));
        c.Call("SET", k, new string('a', 44));
        Assert.Equal(ValueKind.StringEmbedded, KindOf(k));
        c.Call("SET", k, new string('a', 45));
        Assert.Equal(ValueKind.StringRaw, KindOf(k));
        c.Call("GETSET", k, "-7");
        Assert.Equal(ValueKind.StringInt, KindOf(k));
        c.Call("MSET", k, "x");
        Assert.Equal(ValueKind.StringEmbedded, KindOf(k));
    }

    [Fact]
    public void AppendAndSetRangeMakeRawStringsAndIncrMakesInt()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        Assert.Equal(":2\r\n", c.Call("APPEND", k, "10"));
        Assert.Equal(ValueKind.StringInt, KindOf(k));
        Assert.Equal(":3\r\n", c.Call("APPEND", k, "0"));
        Assert.Equal(ValueKind.StringRaw, KindOf(k));
        Assert.Equal(":101\r\n", c.Call("INCR", k));
        Assert.Equal(ValueKind.StringInt, KindOf(k));
        Assert.Equal(":3\r\n", c.Call("SETRANGE", k, "0", "9"));
        Assert.Equal(ValueKind.StringRaw, KindOf(k));
        Assert.Equal("$3\r\n901\r\n", c.Call("GET", k));
        Assert.Equal(":3\r\n", c.Call("SETRANGE", k, "0", ""));
        Assert.Equal(ValueKind.StringRaw, KindOf(k));

        string n = f.Key();
        c.Call("SET", n, "5");
        Assert.Equal(":1\r\n", c.Call("APPEND", n, ""));
        Assert.Equal(ValueKind.StringRaw, KindOf(n));
    }

    [Fact]
    public void IncrByFloatStoresEmbstrEvenForWholeNumbersAndRawWhenLong()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        Assert.Equal("$4\r\n5000\r\n", c.Call("INCRBYFLOAT", k, "5.0e3"));
        Assert.Equal(ValueKind.StringEmbedded, KindOf(k));
        Assert.Equal(":5001\r\n", c.Call("INCR", k));
        Assert.Equal(ValueKind.StringInt, KindOf(k));
        c.Call("INCRBYFLOAT", k, "1e60");
        Assert.Equal(ValueKind.StringRaw, KindOf(k));
    }

    [Fact]
    public void SetRangeGrowthZeroFillsBytesLeftByAnOlderLongerValue()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        c.Call("SET", k, "abcdefghijklmnopqrstuvwxyz");
        c.Call("SET", k, "abcdefghijklmnopqrstuvwx");
        Assert.Equal(":26\r\n", c.Call("SETRANGE", k, "25", "Z"));
        Assert.Equal("$26\r\nabcdefghijklmnopqrstuvwx\0Z\r\n", c.Call("GET", k));
    }

    [Fact]
    public void RelativeExpiriesAreAddedToTheCommandClock()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        foreach (var (args, ms) in new (string[] Args, long Ms)[]
                 {
                     (["SET", k, "v", "EX", "100"], 100_000),
                     (["SET", k, "v", "PX", "12345"], 12_345),
                     (["SETEX", k, "7", "v"], 7_000),
                     (["PSETEX", k, "777", "v"], 777),
                     (["GETEX", k, "EX", "50"], 50_000),
                     (["GETEX", k, "PX", "5000"], 5_000),
                 })
        {
            long before = NowMs();
            c.Call(args);
            long after = NowMs();
            long at = ExpireAtOf(k);
            Assert.InRange(at - ms, before, after);
        }
    }

    [Fact]
    public void AbsoluteExpiriesAreStoredAsGiven()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        c.Call("SET", k, "v", "EXAT", "99999999999");
        Assert.Equal(99999999999000, ExpireAtOf(k));
        c.Call("SET", k, "v", "PXAT", "99999999999123");
        Assert.Equal(99999999999123, ExpireAtOf(k));
        c.Call("GETEX", k, "EXAT", "88888888888");
        Assert.Equal(88888888888000, ExpireAtOf(k));
        c.Call("GETEX", k, "PXAT", "88888888888777");
        Assert.Equal(88888888888777, ExpireAtOf(k));
    }

    [Fact]
    public void WritesKeepOrClearTheTtlAsRedisDoes()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        const long At = 99999999999000;
        c.Call("SET", k, "1", "EXAT", "99999999999");
        c.Call("INCR", k);
        Assert.Equal(At, ExpireAtOf(k));
        c.Call("INCRBYFLOAT", k, "0.5");
        Assert.Equal(At, ExpireAtOf(k));
        c.Call("APPEND", k, "0");
        Assert.Equal(At, ExpireAtOf(k));
        c.Call("SETRANGE", k, "0", "9");
        Assert.Equal(At, ExpireAtOf(k));
        c.Call("SET", k, "2", "KEEPTTL");
        Assert.Equal(At, ExpireAtOf(k));
        c.Call("GETEX", k);
        Assert.Equal(At, ExpireAtOf(k));
        c.Call("SET", k, "3");
        Assert.Equal(KeyTable.NoExpiry, ExpireAtOf(k));

        c.Call("SET", k, "1", "EXAT", "99999999999");
        c.Call("GETSET", k, "2");
        Assert.Equal(KeyTable.NoExpiry, ExpireAtOf(k));

        c.Call("SET", k, "1", "EXAT", "99999999999");
        c.Call("MSET", k, "2");
        Assert.Equal(KeyTable.NoExpiry, ExpireAtOf(k));

        c.Call("SET", k, "1", "EXAT", "99999999999");
        Assert.Equal("$1\r\n1\r\n", c.Call("GETEX", k, "PERSIST"));
        Assert.Equal(KeyTable.NoExpiry, ExpireAtOf(k));

        c.Call("SET", k, "1", "EXAT", "99999999999");
        Assert.Equal("$-1\r\n", c.Call("SET", k, "2", "NX", "EX", "5"));
        Assert.Equal(At, ExpireAtOf(k));
    }

    [Fact]
    public void GetExWithAnAbsoluteTimeInThePastDeletesTheKeyAtOnce()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        c.Call("SET", k, "v");
        Assert.Equal("$1\r\nv\r\n", c.Call("GETEX", k, "PXAT", "1"));
        int index = StringTestHelpers.OnLoop(f.Server, ks => ks.Databases[0].Table.Find(Encoding.UTF8.GetBytes(k)));
        Assert.Equal(-1, index);
        Assert.Equal("$-1\r\n", c.Call("GET", k));
    }

    [Fact]
    public void AKeySetWithPx1IsGoneAfterItsMillisecond()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        Assert.Equal("+OK\r\n", c.Call("SET", k, "v", "PX", "1"));
        string reply = "";
        for (int i = 0; i < 200; i++)
        {
            reply = c.Call("GET", k);
            if (reply == "$-1\r\n") break;
            Thread.Sleep(5);
        }
        Assert.Equal("$-1\r\n", reply);
        Assert.Equal(":1\r\n", c.Call("INCR", k));
        Assert.Equal(KeyTable.NoExpiry, ExpireAtOf(k));
    }

    [Fact]
    public void GetDelRemovesTheKeyFromTheTable()
    {
        using RawClient c = f.Connect();
        string k = f.Key();
        c.Call("SET", k, "v");
        Assert.Equal("$1\r\nv\r\n", c.Call("GETDEL", k));
        Assert.Null(Inspect(k));
    }

    [Fact]
    public void Resp3RepliesUseTheNullTypeAndBulkStrings()
    {
        var server = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        try
        {
            var conn = new Connection(server, null);
            conn.Client.Reply.Protocol = 3;
            string Run(params string[] args) => Encoding.Latin1.GetString(conn.ExecuteDetachedWithReply(RawClient.Encode(args)));
            Assert.Equal("_\r\n", Run("GET", "r3:missing"));
            Assert.Equal("+OK\r\n", Run("MSET", "r3:a", "1", "r3:b", "2"));
            Assert.Equal("*3\r\n$1\r\n1\r\n_\r\n$1\r\n2\r\n", Run("MGET", "r3:a", "r3:missing", "r3:b"));
            Assert.Equal("_\r\n", Run("SET", "r3:a", "x", "NX"));
            Assert.Equal("_\r\n", Run("SET", "r3:new", "x", "GET"));
            Assert.Equal("_\r\n", Run("GETSET", "r3:new2", "x"));
            Assert.Equal("_\r\n", Run("GETDEL", "r3:missing"));
            Assert.Equal("_\r\n", Run("GETEX", "r3:missing", "EX", "5"));
            Assert.Equal("$3\r\n1.5\r\n", Run("INCRBYFLOAT", "r3:f", "1.5"));
            Assert.Equal("$0\r\n\r\n", Run("GETRANGE", "r3:missing", "0", "-1"));
            Assert.Equal(":0\r\n", Run("SETNX", "r3:a", "y"));
            Assert.Equal("%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n",
                Run("LCS", "r3:a", "r3:a", "IDX"));
        }
        finally
        {
            server.Dispose();
        }
    }
}
