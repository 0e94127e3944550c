using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>RedisFast's AOF directory and redis-server 7.0's are interchangeable (RedisFast reads RDB base files; it writes aof-use-rdb-preamble no).</summary>
public sealed class AofInteropTests
{
    private static void WriteSample(RawClient c)
    {
        Assert.Equal("+OK\r\n", c.Call("SET", "plain", "value"));
        Assert.Equal("+OK\r\n", c.Call("SET", "ttl", "v", "EX", "1000"));
        Assert.Equal(":5\r\n", c.Call("INCRBY", "counter", "5"));
        Assert.Equal("$3\r\n2.5\r\n", c.Call("INCRBYFLOAT", "float", "2.5"));
        Assert.Equal("+OK\r\n", c.Call("SELECT", "7"));
        Assert.Equal("+OK\r\n", c.Call("SET", "in7", "seven"));
        Assert.Equal(":1\r\n", c.Call("DEL", "in7"));
        Assert.Equal("+OK\r\n", c.Call("SET", "in7b", "seven"));
    }

    private static void AssertSample(RawClient c)
    {
        Assert.Equal("$5\r\nvalue\r\n", c.Call("GET", "plain"));
        Assert.Equal("$1\r\nv\r\n", c.Call("GET", "ttl"));
        Assert.Matches(@"^:(99\d|1000)\r\n$", c.Call("TTL", "ttl"));
        Assert.Equal("$1\r\n5\r\n", c.Call("GET", "counter"));
        Assert.Equal("$3\r\n2.5\r\n", c.Call("GET", "float"));
        Assert.Equal("+OK\r\n", c.Call("SELECT", "7"));
        Assert.Equal("$-1\r\n", c.Call("GET", "in7"));
        Assert.Equal("$5\r\nseven\r\n", c.Call("GET", "in7b"));
    }

    [Fact]
    public void RedisCheckAofAcceptsTheManifestAndRedisServerLoadsTheDirectoryRedisFastWrote()
    {
        // 1. RedisFast writes, including a rewrite so there is a non-empty base file and a second incr file.
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("+OK\r\n", c.Call("SET", "before-rewrite", "b"));
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
            WriteSample(c);
        }
        string manifest = Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest");
        Assert.Equal("file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", File.ReadAllText(manifest));
        // 2. redis-check-aof validates it.
        (int code, string output) = AofTestSupport.Run("redis-check-aof", manifest);
        Assert.True(code == 0, output);
        Assert.Contains("is valid", output);
        // 3. redis-server 7.0 loads it.
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", dir, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--aof-use-rdb-preamble", "no");
        using (var c = new RawClient("127.0.0.1", port))
        {
            Assert.Equal("$1\r\nb\r\n", c.Call("GET", "before-rewrite"));
            AssertSample(c);
        }
        AofTestSupport.Shutdown(port, redis);
    }

    [Fact]
    public void RedisFastLoadsTheDirectoryRedisServerWroteWithoutRdbPreamble()
    {
        // 1. redis-server writes, rewrites (base file in AOF format), writes more, shuts down.
        string dir = AofTestSupport.TempDir();
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no");
        using (var c = new RawClient("127.0.0.1", port))
        {
            Assert.Equal("+OK\r\n", c.Call("SET", "before-rewrite", "b"));
            Assert.Equal("+OK\r\n", c.Call("SET", "x", "y"));
            c.Call("BGREWRITEAOF");
            for (int i = 0; i < 100 && !c.Call("INFO", "persistence").Contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0"); i++) Thread.Sleep(50);
            Thread.Sleep(200);
            WriteSample(c);
        }
        AofTestSupport.Shutdown(port, redis);
        // 2. RedisFast starts on it and sees the same data.
        using var server = AofTestSupport.NewServer(dir);
        server.Start();
        using (var c = new RawClient("127.0.0.1", server.Port))
        {
            Assert.Equal("$1\r\nb\r\n", c.Call("GET", "before-rewrite"));
            Assert.Equal("$1\r\ny\r\n", c.Call("GET", "x"));
            AssertSample(c);
        }
    }

    [Fact]
    public void WithAofUseRdbPreambleYesBaseFilesAreRdbFilesThatRedisCheckAofAndRedisServerAccept()
    {
        // 1. RedisFast with Redis's default: the base of the first start and of every rewrite is an RDB.
        string dir = AofTestSupport.TempDir();
        string manifest = Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest");
        string expected;
        using (var server = AofTestSupport.NewServer(dir, "always", c => c.AofUseRdbPreamble = true))
        {
            server.Start();
            Assert.Equal("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", File.ReadAllText(manifest));
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("RPUSH", "list", "1", "two", "3");
            c.Call("HSET", "hash", "f", "v");
            c.Call("ZADD", "zset", "2.5", "m", "-inf", "n");
            c.Call("SADD", "set", "1", "2", "x");
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
            WriteSample(c);
            expected = KeyspaceDump.Of(c);
        }
        Assert.Equal("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", File.ReadAllText(manifest));
        Assert.StartsWith("REDIS0010", File.ReadAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.2.base.rdb")));
        // 2. redis-check-aof validates it (the RDB part too), redis-server 7.0 and RedisFast load the same data.
        (int code, string output) = AofTestSupport.Run("redis-check-aof", manifest);
        Assert.True(code == 0, output);
        Assert.Contains("RDB preamble is OK", output);
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", dir, "--appendonly", "yes");
        using (var c = new RawClient("127.0.0.1", port)) Assert.Equal(expected, KeyspaceDump.Of(c));
        AofTestSupport.Shutdown(port, redis);
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(expected, KeyspaceDump.Of(c));
        }
    }

    [Fact]
    public void RedisFastLoadsTheDirectoryRedisServerWroteWithItsDefaultRdbPreamble()
    {
        // 1. redis-server with its defaults (aof-use-rdb-preamble yes): the rewrite's base file is an RDB.
        string dir = AofTestSupport.TempDir();
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", dir, "--appendonly", "yes");
        string expected;
        using (var c = new RawClient("127.0.0.1", port))
        {
            Assert.Equal("+OK\r\n", c.Call("SET", "before-rewrite", "b"));
            c.Call("RPUSH", "list", "1", "two", "3");
            c.Call("HSET", "hash", "f", "v");
            c.Call("ZADD", "zset", "2.5", "m", "-inf", "n");
            c.Call("SADD", "set", "1", "2", "x");
            c.Call("SET", "expiring", "v", "EX", "1000");
            c.Call("BGREWRITEAOF");
            for (int i = 0; i < 100 && !c.Call("INFO", "persistence").Contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0"); i++) Thread.Sleep(50);
            Thread.Sleep(200);
            WriteSample(c);
            expected = KeyspaceDump.Of(c);
        }
        AofTestSupport.Shutdown(port, redis);
        Assert.Single(Directory.GetFiles(Path.Combine(dir, "appendonlydir"), "*.base.rdb"));
        // 2. RedisFast starts on it: the RDB base, then the incr file.
        using var server = AofTestSupport.NewServer(dir);
        server.Start();
        using (var c = new RawClient("127.0.0.1", server.Port))
        {
            Assert.Equal(expected, KeyspaceDump.Of(c));
            AssertSample(c);
        }
    }

    [Fact]
    public void AofDisableAutoGcKeepsReplacedFilesAsHistoryAndTurningItOffDeletesThemLikeRedis()
    {
        string fastDir = AofTestSupport.TempDir();
        List<string> fast;
        using (var server = AofTestSupport.NewServer(fastDir, configure: c => c.AofDisableAutoGc = true))
        {
            server.Start();
            fast = HistorySteps(server.Port, fastDir);
        }
        string realDir = AofTestSupport.TempDir();
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", realDir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--aof-disable-auto-gc", "yes");
        List<string> real = HistorySteps(port, realDir);
        AofTestSupport.Shutdown(port, redis);
        Assert.Equal(real, fast);
        // The history RedisFast kept is part of a valid directory for redis-check-aof and for redis-server (the last
        // step left it with a history list), and RedisFast itself deletes it when it starts with auto-gc on.
        string manifest = Path.Combine(fastDir, "appendonlydir", "appendonly.aof.manifest");
        Assert.Contains("type h\n", File.ReadAllText(manifest));
        (int code, string output) = AofTestSupport.Run("redis-check-aof", manifest);
        Assert.True(code == 0, output);
        using (var server = AofTestSupport.NewServer(fastDir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(":3\r\n", c.Call("DBSIZE"));
        }
        Assert.Equal("file appendonly.aof.4.base.aof seq 4 type b\nfile appendonly.aof.4.incr.aof seq 4 type i\n", File.ReadAllText(manifest));
        Assert.Equal(["appendonly.aof.4.base.aof", "appendonly.aof.4.incr.aof", "appendonly.aof.manifest"], Listing(fastDir));
    }

    /// <summary>Two rewrites with auto-gc off, auto-gc on, off again and a third rewrite: the manifest and the files after each.</summary>
    private static List<string> HistorySteps(int port, string dir)
    {
        var states = new List<string>();
        void Record() => states.Add(File.ReadAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest")) + string.Join(",", Listing(dir)));
        using var c = new RawClient("127.0.0.1", port);
        Assert.Equal("+OK\r\n", c.Call("SET", "a", "1"));
        for (int i = 1; i <= 2; i++)
        {
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
            Assert.Equal("+OK\r\n", c.Call("SET", "b" + i, "1"));
            Record();
        }
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "aof-disable-auto-gc", "no"));
        Record();
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "aof-disable-auto-gc", "yes"));
        Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
        AofTestSupport.WaitForRewrite(c);
        Record();
        return states;
    }

    private static string[] Listing(string dir) =>
        [.. Directory.GetFiles(Path.Combine(dir, "appendonlydir")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
