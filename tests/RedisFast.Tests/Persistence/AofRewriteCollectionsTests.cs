using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>A rewrite writes every value type; RedisFast and redis-server 7.0 load the same data from it.</summary>
public sealed class AofRewriteCollectionsTests
{
    private static void WriteEveryType(RawClient c)
    {
        // Lists, sets, hashes and sorted sets past the 64-item batch of AOF_REWRITE_ITEMS_PER_CMD, in both encodings.
        var push = new List<string> { "RPUSH", "list" };
        for (int i = 0; i < 150; i++) push.Add("e" + i);
        c.Call(push.ToArray());
        var ints = new List<string> { "SADD", "intset" };
        for (int i = 0; i < 100; i++) ints.Add(i.ToString());
        c.Call(ints.ToArray());
        c.Call("SADD", "strset", "a", "b", "c");
        var fields = new List<string> { "HSET", "bighash" };
        for (int i = 0; i < 100; i++) fields.AddRange(["f" + i, "v" + i]);
        c.Call(fields.ToArray());
        c.Call("HSET", "smallhash", "name", "x", "age", "42");
        var zadd = new List<string> { "ZADD", "zset" };
        for (int i = 0; i < 200; i++) zadd.AddRange([(i * 0.1).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "m" + i]);
        c.Call(zadd.ToArray());
        c.Call("ZADD", "zinf", "inf", "top", "-inf", "bottom", "1.1", "mid");
        c.Call("SET", "string", "s");
        c.Call("PEXPIREAT", "zinf", "4000000000000");
    }

    /// <summary>Everything readable about the data set, with unordered collections sorted.</summary>
    private static string Snapshot(RawClient c)
    {
        var s = new StringBuilder();
        s.Append(c.Call("LRANGE", "list", "0", "-1"));
        foreach (string key in new[] { "intset", "strset" }) s.Append(Sorted(c.Call("SMEMBERS", key)));
        foreach (string key in new[] { "bighash", "smallhash" }) s.Append(Sorted(c.Call("HGETALL", key)));
        foreach (string key in new[] { "zset", "zinf" }) s.Append(c.Call("ZRANGE", key, "0", "-1", "WITHSCORES"));
        s.Append(c.Call("GET", "string")).Append(c.Call("PEXPIRETIME", "zinf")).Append(c.Call("DBSIZE"));
        return s.ToString();
    }

    private static string Sorted(string reply) => string.Join("|", reply.Split("\r\n").Order(StringComparer.Ordinal));

    [Fact]
    public void BgrewriteaofOfEveryTypeReloadsInRedisFastAndInRedisServer()
    {
        // 1. Write every type, rewrite, note the data set.
        string dir = AofTestSupport.TempDir();
        string before;
        using (var server = AofTestSupport.NewServer(dir, "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            WriteEveryType(c);
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
            before = Snapshot(c);
        }
        string baseFile = File.ReadAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.2.base.aof"));
        Assert.Contains("$5\r\nHMSET\r\n", baseFile);
        Assert.Contains("$3\r\ninf\r\n$3\r\ntop\r\n", baseFile);
        // 2. RedisFast loads it back.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(before, Snapshot(c));
        }
        // 3. redis-check-aof accepts it and redis-server 7.0 loads the same data.
        (int code, string output) = AofTestSupport.Run("redis-check-aof", Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest"));
        Assert.True(code == 0, output);
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no");
        using (var c = new RawClient("127.0.0.1", port)) Assert.Equal(before, Snapshot(c));
        AofTestSupport.Shutdown(port, redis);
    }
}
