using RedisFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>
/// What EVAL promises beyond single replies: a script is atomic (clients blocked on keys it fills are served after it),
/// errors of every kind leave the server healthy, the cache shows in INFO, and StackExchange.Redis's script API works.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ScriptingTests(ServerFixture f)
{
    [Fact]
    public void AClientBlockedOnAKeyIsServedAfterTheScriptNotBetweenItsCommands()
    {
        string key = f.Key("list");
        using RawClient blocked = f.Connect();
        using RawClient c = f.Connect();
        blocked.Send(RawClient.Encode("BLPOP", key, "0"));
        WaitUntilBlocked(c);

        // The script pushes two elements and pops one itself: the popped one is the first, and the blocked client gets
        // the second once the script is over.
        Assert.Equal("$1\r\na\r\n", c.Call("EVAL", "redis.call('rpush', KEYS[1], 'a', 'b') return redis.call('lpop', KEYS[1])", "1", key));
        Assert.Equal($"*2\r\n${key.Length}\r\n{key}\r\n$1\r\nb\r\n", blocked.ReadReply());
    }

    [Fact]
    public void ErrorsOfEveryKindLeaveTheServerServing()
    {
        using RawClient c = f.Connect();
        string[] scripts =
        [
            "return redis.call('nosuch')",
            "for i = 1, 100 do pcall(redis.call, 'nosuch') end return redis.call('incr', 'x', 'y')",
            "local function f(n) if n == 0 then return redis.call('get') end return f(n - 1) + 1 end return f(150)",
            "local function f() return pcall(f) end return f()",
            "local function f() return f() + 1 end return f()",
            "local t = {} for i = 1, 100000 do t[i] = tostring(i) end return #t",
            "return redis.sha1hex({})",
            "return redis.call('get', string.rep('x', 1000000))",
            "error(setmetatable({}, {__tostring = function() error('again') end}))",
            "return math.random(1, 2, 3)",
            "return coroutine.wrap(function() redis.call('nosuch') end)()",
        ];
        for (int round = 0; round < 20; round++)
        {
            foreach (string script in scripts) Assert.NotEqual("", c.Call("EVAL", script, "0"));
        }
        Assert.Equal("+PONG\r\n", c.Call("PING"));
        Assert.Equal(":3\r\n", c.Call("EVAL", "return 1 + 2", "0"));
    }

    [Fact]
    public void TheScriptCacheShowsInInfoAndScriptFlushEmptiesIt()
    {
        using var server = new RedisFast.Server.RedisServer(new RedisFast.Server.ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create() });
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        Assert.Contains("number_of_cached_scripts:0\r\n", c.Call("INFO", "memory"));
        string sha = c.Call("SCRIPT", "LOAD", "return 'one'").Split("\r\n")[1];
        c.Call("EVAL", "return 'two'", "0");
        string info = c.Call("INFO", "memory");
        Assert.Contains("number_of_cached_scripts:2\r\n", info);
        Assert.DoesNotContain("used_memory_lua:0\r\n", info);
        Assert.DoesNotContain("used_memory_scripts_eval:0\r\n", info);

        Assert.Equal("+OK\r\n", c.Call("SCRIPT", "FLUSH"));
        Assert.Contains("number_of_cached_scripts:0\r\n", c.Call("INFO", "memory"));
        Assert.Equal("-NOSCRIPT No matching script. Please use EVAL.\r\n", c.Call("EVALSHA", sha, "0"));
        // A new Lua state: what scripts left behind is gone, and scripts run again.
        Assert.Equal("$3\r\none\r\n", c.Call("EVAL", "return 'one'", "0"));
        Assert.Equal("+OK\r\n", c.Call("SCRIPT", "FLUSH", "ASYNC"));
    }

    [Fact]
    public async Task AShutdownSignalStopsAScriptThatNeverEndsAndTheServerShutsDown()
    {
        // 1. A script that never ends, even catching errors, and a busy-reply-threshold it passes at once.
        string dir = TestDirectory.Create();
        var server = new RedisFast.Server.RedisServer(new RedisFast.Server.ServerConfig
        {
            Port = 0, Bind = ["127.0.0.1"], Dir = dir, LogFile = Path.Combine(dir, "log"), BusyReplyThreshold = 50,
        });
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Send(RawClient.Encode("EVAL", "while true do pcall(function() while true do end end) end", "0"));
        await Task.Delay(300);

        // 2. SIGTERM's path: the script gets Redis's kill error at its position, then the server shuts down.
        server.RequestShutdown("SIGTERM");
        Assert.Equal("-ERR Script killed by user with SCRIPT KILL... script: 3d7b0cfd4124d0a72b8a39e531e7c806bc453d3e, on @user_script:1.\r\n", c.ReadReply());
        await server.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
        server.Dispose();
        string log = File.ReadAllText(Path.Combine(dir, "log"));
        Assert.Contains("Slow script detected: still in execution after ", log);
        Assert.Single(log.Split('\n'), line => line.Contains("Lua script killed by user with SCRIPT KILL."));
    }

    [Fact]
    public void ErrorsOfScriptCommandsAreCountedOnceAsInRedis()
    {
        // A command's error inside a script counts where the command replied it; EVAL's reply that carries it does not
        // count it again, but EVAL is a failed call. Errors of the script itself count at EVAL's reply.
        (string, string[])[] steps =
        [
            ("c", ["CONFIG", "RESETSTAT"]),
            ("c", ["SET", "s", "abc"]),
            ("c", ["EVAL", "return redis.call('incr', 's')", "0"]),
            ("c", ["EVAL", "return redis.pcall('incr', 's')", "0"]),
            ("c", ["EVAL", "return redis.call('nosuch')", "0"]),
            ("c", ["EVAL", "error('x')", "0"]),
            ("c", ["EVAL", "return {err = 'MY x'}", "0"]),
            ("c", ["INFO", "errorstats"]),
            ("c", ["INFO", "commandstats"]),
            ("c", ["INFO", "stats"]),
        ];
        Differential.AssertSameRepliesOnOwnServers(steps, static reply =>
        {
            // Redis lists commands in its dict order, which changes from run to run.
            if (reply.Contains("# Commandstats"))
                return string.Join("\n", reply.Split("\r\n").Where(line => line.StartsWith("cmdstat_eval") || line.StartsWith("cmdstat_incr"))
                    .Select(line => System.Text.RegularExpressions.Regex.Replace(line, @"usec=\d+,usec_per_call=[\d.]+,", "")).Order());
            if (reply.Contains("# Stats"))
                return string.Join("\n", reply.Split("\r\n").Where(line => line.StartsWith("total_error_replies") || line.StartsWith("unexpected_error_replies")));
            return reply;
        });
    }

    [Fact]
    public void StackExchangeRedisEvaluatesLoadsAndPreparesScripts()
    {
        using ConnectionMultiplexer mux = ConnectionMultiplexer.Connect($"127.0.0.1:{f.Port},allowAdmin=true,connectTimeout=15000,syncTimeout=15000");
        IDatabase db = mux.GetDatabase();
        string key = f.Key("se-lua");
        RedisResult set = db.ScriptEvaluate("return redis.call('set', KEYS[1], ARGV[1])", [key], ["value"]);
        Assert.Equal("OK", set.ToString());
        Assert.Equal("value", (string?)db.ScriptEvaluate("return redis.call('get', KEYS[1])", [key]));
        Assert.Equal(42, (long)db.ScriptEvaluate("return 42"));
        RedisResult[] array = (RedisResult[])db.ScriptEvaluate("return {1, 'two', {3}}")!;
        Assert.Equal(3, array.Length);
        Assert.Equal("two", (string?)array[1]);

        byte[] sha = mux.GetServer($"127.0.0.1:{f.Port}").ScriptLoad("return ARGV[1] .. '!'");
        Assert.Equal("hi!", (string?)db.ScriptEvaluate(sha, [], ["hi"]));

        LuaScript prepared = LuaScript.Prepare("return redis.call('incrby', @key, @amount)");
        Assert.Equal(5, (long)db.ScriptEvaluate(prepared, new { key = (RedisKey)f.Key("counter"), amount = 5 }));

        var error = Assert.Throws<RedisServerException>(() => db.ScriptEvaluate("return redis.call('nosuch')"));
        Assert.StartsWith("ERR Unknown Redis command called from script", error.Message);
    }

    private static void WaitUntilBlocked(RawClient c)
    {
        for (int i = 0; i < 500 && !c.Call("INFO", "clients").Contains("blocked_clients:1\r\n"); i++) Thread.Sleep(10);
    }
}
