using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Commands;

/// <summary>
/// FUNCTION and FCALL compared byte for byte with redis-server 7.0 on the shared differential servers. Libraries are
/// server-wide: each test flushes them first, and lists one library at a time (redis-server lists several in its
/// dict order).
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class FunctionDifferentialTests(DifferentialFixture f)
{
    private static string[] Load(string code, bool replace = false) =>
        replace ? ["FUNCTION", "LOAD", "REPLACE", code] : ["FUNCTION", "LOAD", code];

    private const string Library = """
        #!lua name=fdlib
        redis.register_function('fd_pair', function(keys, args) return {keys[1], args[1], #keys, #args} end)
        redis.register_function{function_name='fd_ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='read only'}
        redis.register_function('fd_set', function(keys, args) return redis.call('set', keys[1], args[1]) end)
        redis.register_function('fd_err', function(keys, args) return redis.call('nosuch') end)
        redis.register_function('fd_rt', function(keys, args) error('boom') end)
        redis.register_function('fd_keys', function(keys, args) return type(KEYS) end)
        redis.register_function('fd_api', function() return {type(redis.register_function), type(redis.call), string.format('%d', 5)} end)
        redis.register_function{function_name='fd_flags', callback=function() return 1 end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}
        """;

    [Fact]
    public void FcallRunsFunctionsLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            ["FUNCTION", "FLUSH"],
            Load(Library),
            ["FCALL", "fd_pair", "1", "fd:k", "a", "b"],
            ["FCALL", "fd_set", "1", "fd:k", "v"],
            ["FCALL", "fd_ro", "1", "fd:k"],
            ["FCALL_RO", "fd_ro", "1", "fd:k"],
            ["FCALL_RO", "fd_set", "1", "fd:k", "w"],
            ["FCALL", "fd_err", "0"],
            ["FCALL", "fd_rt", "0"],
            ["FCALL", "fd_keys", "0"],
            ["FCALL", "fd_api", "0"],
            ["FCALL", "fd_flags", "0"],
            ["FCALL", "nosuch", "0"],
            ["FCALL", "fd_pair", "x"],
            ["FCALL", "fd_pair", "-1"],
            ["FCALL", "fd_pair", "5"],
            ["FCALL", "fd_pair"],
            // One function per listed library: redis-server lists a library's functions in its dict order.
            Load("#!lua name=fdone\nredis.register_function{function_name='fd_one', callback=function() return 1 end, flags={'allow-stale', 'no-writes'}, description='the one'}"),
            ["FUNCTION", "LIST", "LIBRARYNAME", "fdone"],
            ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "FDO*"],
            ["FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"],
            ["FUNCTION", "LIST", "LIBRARYNAME"],
            ["FUNCTION", "LIST", "bogus"],
            ["FUNCTION", "STATS"],
            ["FUNCTION", "KILL"],
            ["FUNCTION", "HELP"],
            ["FUNCTION", "DELETE", "fdlib"],
            ["FUNCTION", "DELETE", "fdlib"],
            ["FCALL", "fd_pair", "0"],
            ["FUNCTION", "STATS"],
            ["FUNCTION", "LIST"],
        ]);
    }

    [Fact]
    public void LoadingALibraryChecksItLikeRedis()
    {
        string[] bodies =
        [
            "redis.register_function()",
            "redis.register_function(1, 2)",
            "redis.register_function('a', 2)",
            "redis.register_function('a b', function() end)",
            "redis.register_function({})",
            "redis.register_function{function_name='a'}",
            "redis.register_function{callback=function() end}",
            "redis.register_function{function_name='a', callback=function() end, flags={'bad'}}",
            "redis.register_function{function_name='a', callback=function() end, flags={'NO-WRITES'}}",
            "redis.register_function{function_name='a', callback=function() end, flags='x'}",
            "redis.register_function{function_name='a', callback=function() end, other=1}",
            "redis.register_function{function_name='a', callback=function() end, description={}}",
            "redis.register_function{function_name='a', callback=function() end, flags={1}}",
            "redis.register_function{[1]='x'}",
            "redis.register_function('a', function() end) redis.register_function('a', function() end)",
            "redis.register_function('a', function() end, 3)",
            "redis.register_function('x')",
            "local s = string.format('x')",
            "return redis.setresp",
            "return redis.call('ping')",
            "x = 5",
            "error('at load')",
            "error({err = 'MY load error'})",
            "",
            "syntax error here",
            // Stopped after 500 ms (LOAD_TIMEOUT_MS), even when the code catches errors.
            "while true do pcall(function() while true do end end) end",
        ];
        var script = new List<string[]> { new[] { "FUNCTION", "FLUSH" } };
        foreach (string body in bodies) script.Add(Load("#!lua name=chk\n" + body));
        script.AddRange(
        [
            Load("#!lua name=chk\nredis.register_function{function_name=1, callback=function() return 'one' end}"),
            ["FCALL", "1", "0"],
            Load("#!lua name=chk\nredis.register_function('other', function() end)"),
            Load("#!lua name=chk\nredis.register_function('other', function() return 'replaced' end)", replace: true),
            ["FCALL", "other", "0"],
            ["FCALL", "1", "0"],
            Load("#!lua name=chk2\nredis.register_function('other', function() end)"),
            Load("#!lua name=chk2\nredis.register_function{function_name='d', callback=function() end, description=5}"),
            ["FUNCTION", "LIST", "LIBRARYNAME", "chk2"],
            Load("#!lua name=bad-name\nredis.register_function('a', function() end)"),
            Load("#!LUA name=upper\nredis.register_function('upper_f', function() return 'u' end)"),
            ["FCALL", "upper_f", "0"],
            Load("#!lua name=x name=y\n"),
            Load("#!lua foo=bar\n"),
            Load("#!js name=x\n"),
            Load("#!lua\nreturn 1"),
            Load("return 1"),
            Load("#!lua name=nonewline"),
            ["FUNCTION", "LOAD", "BOGUS", "#!lua name=q\n"],
            ["FUNCTION", "LOAD", "REPLACE"],
            ["FUNCTION", "FLUSH", "bad"],
            ["FUNCTION", "FLUSH", "ASYNC"],
            ["FUNCTION", "STATS"],
        ]);
        Differential.AssertSameReplies(f, script);
    }

    [Fact]
    public void DumpAndRestoreMoveLibrariesBetweenServersLikeRedis()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        foreach (RawClient c in new[] { fast, real })
        {
            c.Call("FUNCTION", "FLUSH");
            c.Call(Load("#!lua name=dumped\nredis.register_function('dumped_f', function() return 'restored' end)"));
        }
        // Each server's payload restores on the other (the bytes are the same: an RDB string, LZF or not, version, CRC).
        byte[] fastPayload = (byte[])Exec(fast, "FUNCTION", "DUMP")!;
        byte[] realPayload = (byte[])Exec(real, "FUNCTION", "DUMP")!;
        Assert.Equal(realPayload, fastPayload);
        foreach ((RawClient c, byte[] payload) in new[] { (fast, realPayload), (real, fastPayload) })
        {
            Assert.Equal("-ERR Library dumped already exists\r\n", Call(c, B("FUNCTION"), B("RESTORE"), payload));
            Assert.Equal("+OK\r\n", Call(c, B("FUNCTION"), B("RESTORE"), payload, B("REPLACE")));
            Assert.Equal("+OK\r\n", c.Call("FUNCTION", "FLUSH"));
            Assert.Equal("+OK\r\n", Call(c, B("FUNCTION"), B("RESTORE"), payload));
            Assert.Equal("$8\r\nrestored\r\n", c.Call("FCALL", "dumped_f", "0"));
            Assert.Equal("+OK\r\n", Call(c, B("FUNCTION"), B("RESTORE"), payload, B("FLUSH")));
        }
        Differential.AssertSameReplies(f,
        [
            ["FUNCTION", "RESTORE", "abc"],
            ["FUNCTION", "RESTORE", S(realPayload), "bogus"],
            ["FUNCTION", "RESTORE", S(realPayload), "APPEND", "extra"],
            ["FUNCTION", "DUMP", "extra"],
        ]);
    }

    [Fact]
    public void CommandInfoDescribesTheFunctionCommandsLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            ["COMMAND", "INFO", "fcall", "fcall_ro"],
            ["COMMAND", "INFO", "function|load", "function|delete", "function|flush", "function|restore", "function|dump"],
            ["COMMAND", "INFO", "function|list", "function|stats", "function|kill", "function|help"],
            ["COMMAND", "GETKEYS", "FCALL", "f", "2", "a", "b", "c"],
        ]);
    }
}
