using System.Text.RegularExpressions;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Server;

/// <summary>
/// maxmemory: OOM refusals as redis-server 7.0 answers them, evictions under each policy that keep the memory used
/// within the limit (the port of Redis's tests/unit/maxmemory.tcl checks), what they choose, and what they tell the
/// rest of the server (evicted_keys, WATCH, the evicted event, the AOF).
/// </summary>
public sealed class MaxMemoryTests
{
    private static readonly string[] Policies =
        ["allkeys-random", "allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"];

    private static RedisServer StartServer(Action<ServerConfig>? configure = null)
    {
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" };
        configure?.Invoke(config);
        var server = new RedisServer(config);
        server.Start();
        return server;
    }

    private static long Info(RawClient c, string field)
    {
        Match m = Regex.Match(c.Call("INFO", "everything"), $"\r\n{field}:(\\d+)\r\n");
        Assert.True(m.Success, field);
        return long.Parse(m.Groups[1].Value);
    }

    [Fact]
    public void OutOfMemoryRefusalsAnswerAsRedisServer()
    {
        const string OomScript = "return redis.call('set','x','y')";
        var steps = new List<(string, string[])>
        {
            ("a", ["SET", "a", "b"]),
            ("a", ["CONFIG", "SET", "maxmemory", "1"]),
            // Commands flagged denyoom are refused; reads and deletes are served.
            ("a", ["SET", "c", "d"]),
            ("a", ["APPEND", "a", "x"]),
            ("a", ["LPUSH", "l", "x"]),
            ("a", ["GET", "a"]),
            ("a", ["EXISTS", "a"]),
            // A transaction queues nothing while memory is short, and its EXEC fails.
            ("a", ["MULTI"]),
            ("a", ["GET", "a"]),
            ("a", ["EXEC"]),
            ("a", ["MULTI"]),
            ("a", ["DISCARD"]),
            // Scripts: the first write that may add memory fails; a script declaring its flags is refused whole
            // unless it says no-writes or allow-oom.
            ("a", ["EVAL", OomScript, "0"]),
            ("a", ["EVAL", "return redis.pcall('set','x','y')", "0"]),
            ("a", ["EVAL", "redis.call('del','nothing') return redis.call('get','a')", "0"]),
            ("a", ["EVAL", "#!lua\nreturn 1", "0"]),
            ("a", ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"]),
            ("a", ["EVAL", "#!lua flags=allow-oom\n" + OomScript, "0"]),
            ("a", ["DEL", "x"]),
            // A transaction queued before memory ran short: its EXEC is refused when it holds a denyoom command.
            ("a", ["CONFIG", "SET", "maxmemory", "0"]),
            ("a", ["MULTI"]),
            ("a", ["SET", "q", "1"]),
            ("b", ["CONFIG", "SET", "maxmemory", "1"]),
            ("a", ["EXEC"]),
            ("a", ["MULTI"]),
            ("a", ["DEL", "q"]),
            ("b", ["CONFIG", "SET", "maxmemory", "1"]),
            ("b", ["CONFIG", "SET", "maxmemory", "0"]),
            ("b", ["CONFIG", "SET", "maxmemory", "1"]),
            ("a", ["EXEC"]),
            ("a", ["DEL", "a"]),
            ("a", ["INFO", "errorstats"]),
            // With a policy, every key goes and then writes are refused all the same.
            ("a", ["CONFIG", "SET", "maxmemory", "0"]),
            ("a", ["MSET", "k1", "v1", "k2", "v2", "k3", "v3"]),
            ("a", ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]),
            ("a", ["CONFIG", "SET", "maxmemory", "1"]),
            ("a", ["SET", "k4", "v4"]),
            ("a", ["DBSIZE"]),
            ("a", ["CONFIG", "SET", "maxmemory", "0"]),
            ("a", ["INFO", "errorstats"]),
        };
        Differential.AssertSameRepliesOnOwnServers(steps, static reply => reply);
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void EvictionKeepsTheMemoryUsedWithinTheLimit(string policy)
    {
        using RedisServer server = StartServer();
        using var c = new RawClient("127.0.0.1", server.Port);
        // maxmemory.tcl "is the memory limit honoured?": 100 KB above what is used now.
        long limit = Info(c, "used_memory") + 100 * 1024;
        c.Call("CONFIG", "SET", "maxmemory", limit.ToString());
        c.Call("CONFIG", "SET", "maxmemory-policy", policy);
        var random = new Random(1);
        int keys = 0;
        while (true)
        {
            Assert.Equal("+OK\r\n", c.Call("SETEX", "key:" + random.Next(), "10000", "x"));
            keys++;
            if (Info(c, "used_memory") + 4096 > limit) break;
        }
        Assert.True(keys > 10, $"{keys} keys filled the limit");
        for (int j = 0; j < keys; j++) Assert.Equal("+OK\r\n", c.Call("SETEX", "key:" + random.Next(), "10000", "x"));
        Assert.True(Info(c, "used_memory") < limit + 4096);
        Assert.True(Info(c, "evicted_keys") > 0);
    }

    public static TheoryData<string> PolicyNames() => [.. Policies];

    [Theory]
    [InlineData("volatile-lru")]
    [InlineData("volatile-lfu")]
    [InlineData("volatile-random")]
    [InlineData("volatile-ttl")]
    public void VolatilePoliciesEvictOnlyKeysWithAnExpiryAndThenRefuseWrites(string policy)
    {
        using RedisServer server = StartServer();
        using var c = new RawClient("127.0.0.1", server.Port);
        for (int i = 0; i < 50; i++) c.Call("SET", "persistent:" + i, new string('p', 100));
        long limit = Info(c, "used_memory") + 50 * 1024;
        c.Call("CONFIG", "SET", "maxmemory", limit.ToString());
        c.Call("CONFIG", "SET", "maxmemory-policy", policy);
        string reply = "";
        for (int i = 0; i < 5000 && reply != "-OOM command not allowed when used memory > 'maxmemory'.\r\n"; i++)
            reply = i % 2 == 0 ? c.Call("SETEX", "key:" + i, "10000", new string('x', 100)) : c.Call("SET", "key:" + i, new string('x', 100));
        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", reply);
        for (int i = 0; i < 50; i++) Assert.Equal(":1\r\n", c.Call("EXISTS", "persistent:" + i));
        Assert.True(Info(c, "evicted_keys") > 0);
        // Over the limit since the OOM at least: the period shows in both counters until the memory comes back.
        Thread.Sleep(100);
        Assert.True(Info(c, "current_eviction_exceeded_time") >= 90);
        c.Call("CONFIG", "SET", "maxmemory", (limit * 10).ToString());
        c.Call("PING");
        Assert.Equal(0, Info(c, "current_eviction_exceeded_time"));
        Assert.True(Info(c, "total_eviction_exceeded_time") >= 90);
    }

    [Fact]
    public void AllKeysLruEvictsTheKeysNotAccessedLately()
    {
        using RedisServer server = StartServer();
        using var c = new RawClient("127.0.0.1", server.Port);
        const int Keys = 3000;
        for (int i = 0; i < Keys; i++) c.Call("SET", "key:" + i, new string('v', 100));
        // The LRU clock counts seconds, as Redis's: the keys read after the pause are more recent.
        Thread.Sleep(2100);
        for (int i = 0; i < Keys; i += 2) c.Call("GET", "key:" + i);
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        AssertAThirdGoesMostlyFromTheOthers(c, Keys, static i => i % 2 == 0, "the keys read");
    }

    [Fact]
    public void VolatileTtlEvictsTheKeysThatExpireSoonestFirst()
    {
        using RedisServer server = StartServer();
        using var c = new RawClient("127.0.0.1", server.Port);
        const int Keys = 2000;
        for (int i = 0; i < Keys; i++) c.Call("SETEX", "key:" + i, (10_000 + i).ToString(), new string('v', 100));
        c.Call("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
        AssertAThirdGoesMostlyFromTheOthers(c, Keys, static i => i >= Keys / 2, "the keys expiring last");
    }

    [Fact]
    public void AllKeysLfuKeepsTheKeysReadOften()
    {
        // lfu-decay-time 0: no point lost when the test crosses a minute boundary (it did, under load).
        using RedisServer server = StartServer(static config =>
        {
            config.MaxMemoryPolicy = "allkeys-lfu";
            config.LfuDecayTime = 0;
        });
        using var c = new RawClient("127.0.0.1", server.Port);
        const int Keys = 2000;
        for (int i = 0; i < Keys; i++) c.Call("SET", "key:" + i, new string('v', 100));
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < Keys; i += 2) c.Call("GET", "key:" + i);
        }
        Assert.True(long.Parse(c.Call("OBJECT", "FREQ", "key:0")[1..^2]) > 5);
        Assert.Equal(":5\r\n", c.Call("OBJECT", "FREQ", "key:1"));
        AssertAThirdGoesMostlyFromTheOthers(c, Keys, static i => i % 2 == 0, "the keys read");
    }

    /// <summary>
    /// Lowers maxmemory by a third of the data set, lets a command evict, and checks the policy chose: more than 95% of
    /// the <paramref name="favoured"/> half of the keys stay, less than half of the others (random choice would keep
    /// two thirds of each).
    /// </summary>
    private static void AssertAThirdGoesMostlyFromTheOthers(RawClient c, int keys, Func<int, bool> favoured, string what)
    {
        long dataset = Info(c, "used_memory_dataset");
        c.Call("CONFIG", "SET", "maxmemory", (Info(c, "used_memory") - dataset / 3).ToString());
        c.Call("PING");
        int favouredKept = 0, othersKept = 0;
        for (int i = 0; i < keys; i++)
        {
            if (c.Call("EXISTS", "key:" + i) != ":1\r\n") continue;
            if (favoured(i)) favouredKept++;
            else othersKept++;
        }
        Assert.True(favouredKept > keys / 2 * 95 / 100, $"kept {favouredKept} of {what}, {othersKept} of the others");
        Assert.True(othersKept < keys / 2 * 50 / 100, $"kept {favouredKept} of {what}, {othersKept} of the others");
    }

    [Fact]
    public void AnEvictedKeyIsCountedSignalledPublishedAndLoggedAsADel()
    {
        using RedisServer server = StartServer(static config => config.AppendOnly = true);
        using var c = new RawClient("127.0.0.1", server.Port);
        using var watcher = new RawClient("127.0.0.1", server.Port);
        using var subscriber = new RawClient("127.0.0.1", server.Port);
        c.Call("CONFIG", "SET", "notify-keyspace-events", "Ee");
        subscriber.Call("SUBSCRIBE", "__keyevent@0__:evicted");
        c.Call("SET", "victim", "v");
        watcher.Call("WATCH", "victim");
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        c.Call("CONFIG", "SET", "maxmemory", "1");
        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", c.Call("SET", "other", "v"));
        Assert.Equal(":0\r\n", c.Call("DBSIZE"));
        Assert.Equal(1, Info(c, "evicted_keys"));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$6\r\nvictim\r\n", subscriber.ReadReply());
        c.Call("CONFIG", "SET", "maxmemory", "0");
        watcher.Call("MULTI");
        watcher.Call("PING");
        Assert.Equal("*-1\r\n", watcher.Call("EXEC"));
        c.Call("CONFIG", "SET", "lazyfree-lazy-eviction", "yes");
        c.Call("SET", "second", "v");
        c.Call("CONFIG", "SET", "maxmemory", "1");
        c.Call("PING");
        // The AOF thread writes behind the replies (appendfsync everysec): wait for the last DEL.
        string incrPath = Directory.GetFiles(Path.Combine(server.Config.Dir, "appendonlydir"), "*.incr.aof").Single();
        string incr = "";
        for (int i = 0; i < 500 && !incr.Contains("UNLINK\r\n$6\r\nsecond", StringComparison.Ordinal); i++)
        {
            Thread.Sleep(10);
            incr = File.ReadAllText(incrPath);
        }
        Assert.Contains("*3\r\n$3\r\nSET\r\n$6\r\nvictim\r\n$1\r\nv\r\n", incr, StringComparison.Ordinal);
        Assert.Contains("*2\r\n$3\r\nDEL\r\n$6\r\nvictim\r\n", incr, StringComparison.Ordinal);
        Assert.Contains("*2\r\n$6\r\nUNLINK\r\n$6\r\nsecond\r\n", incr, StringComparison.Ordinal);
    }

    [Fact]
    public void LoweringMaxmemoryEvictsAtOnceWithoutWaitingForACommand()
    {
        using RedisServer server = StartServer();
        using var c = new RawClient("127.0.0.1", server.Port);
        using var subscriber = new RawClient("127.0.0.1", server.Port);
        c.Call("CONFIG", "SET", "notify-keyspace-events", "Ee");
        subscriber.Call("SUBSCRIBE", "__keyevent@0__:evicted");
        c.Call("SET", "only", "v");
        c.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        // config.c updateMaxmemory starts the eviction timer: the key goes before any other command arrives.
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "maxmemory", "1"));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$4\r\nonly\r\n", subscriber.ReadReply());
    }

    [Fact]
    public void AnAppendOnlyFileLoadsWholeUnderAMaxmemoryItExceedsAndEvictionStartsAfter()
    {
        string dir = TestDirectory.Create();
        using (RedisServer first = StartServer(config => { config.Dir = dir; config.AppendOnly = true; }))
        {
            using var c = new RawClient("127.0.0.1", first.Port);
            for (int i = 0; i < 500; i++) c.Call("SET", "key:" + i, new string('v', 200));
        }
        using RedisServer second = StartServer(config => { config.Dir = dir; config.AppendOnly = true; config.MaxMemory = 1; });
        using var d = new RawClient("127.0.0.1", second.Port);
        // DBSIZE is the first command: nothing was evicted while loading, and a read may run.
        Assert.Equal(":500\r\n", d.Call("DBSIZE"));
        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", d.Call("SET", "more", "v"));
        Assert.Equal(":500\r\n", d.Call("DBSIZE"));
    }
}
