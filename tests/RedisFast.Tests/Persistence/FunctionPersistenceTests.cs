using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Persistence.FastServers;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// Function libraries outlive restarts as in Redis 7.0: in RDB files (each server loads the other's), in AOF bases of
/// both kinds, and as the FUNCTION commands logged in the incr file.
/// </summary>
public sealed class FunctionPersistenceTests
{
    private const string Code = "#!lua name=kept\nredis.register_function('kept_f', function(keys, args) return 'kept:' .. (args[1] or '') end)";

    private const string Other = "#!lua name=other\nredis.register_function{function_name='other_f', callback=function() return 1 end, flags={'no-writes'}}";

    [Fact]
    public void LibrariesInADumpComeBackAndEachServerLoadsTheOthersDump()
    {
        // 1. RedisFast saves two libraries and a key.
        string dir = TestDirectory.Create();
        using (var server = NewServer(dir, ""))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("FUNCTION", "LOAD", Code);
            c.Call("FUNCTION", "LOAD", Other);
            c.Call("SET", "k", "v");
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
        }
        // 2. redis-check-rdb accepts it; redis-server loads it and runs the functions.
        (int code, string output) = AofTestSupport.Run("redis-check-rdb", Path.Combine(dir, "dump.rdb"));
        Assert.True(code == 0, output);
        using (RedisChild redis = RedisChild.Start(dir, "dump.rdb"))
        {
            using RawClient c = redis.Connect();
            Assert.Equal("$7\r\nkept:x1\r\n", c.Call("FCALL", "kept_f", "0", "x1"));
            Assert.Equal(":1\r\n", c.Call("FCALL_RO", "other_f", "0"));
            // 3. redis-server saves them again, with a third library: RedisFast starts on its dump.
            c.Call("FUNCTION", "LOAD", "#!lua name=third\nredis.register_function('third_f', function() return 3 end)");
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
        }
        using (var server = NewServer(dir, ""))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$7\r\nkept:x2\r\n", c.Call("FCALL", "kept_f", "0", "x2"));
            Assert.Equal(":1\r\n", c.Call("FCALL_RO", "other_f", "0"));
            Assert.Equal(":3\r\n", c.Call("FCALL", "third_f", "0"));
            Assert.Equal("$1\r\nv\r\n", c.Call("GET", "k"));
            Assert.Contains("number_of_libraries:3\r\n", c.Call("INFO", "memory"));
        }
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    public void LibrariesSurviveAnAofRewriteAndARestart(string preamble)
    {
        // 1. Libraries loaded, one replaced, one deleted; then a rewrite makes them part of the base.
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, "always", cfg => cfg.AofUseRdbPreamble = preamble == "yes"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("FUNCTION", "LOAD", Code);
            c.Call("FUNCTION", "LOAD", Other);
            c.Call("FUNCTION", "LOAD", "REPLACE", Code.Replace("kept:", "kept2:"));
            c.Call("FUNCTION", "LOAD", "#!lua name=gone\nredis.register_function('gone_f', function() return 0 end)");
            c.Call("FUNCTION", "DELETE", "gone");
            c.Call("BGREWRITEAOF");
            AofTestSupport.WaitForRewrite(c);
            // After the rewrite, the incr file gets what changes next.
            c.Call("FUNCTION", "LOAD", "#!lua name=late\nredis.register_function('late_f', function() return 'late' end)");
        }
        string baseFile = Directory.GetFiles(Path.Combine(dir, "appendonlydir"), "*.base.*").Single();
        if (preamble == "no") Assert.Contains("$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n", File.ReadAllText(baseFile));
        // 2. Restart: the libraries as they were, and none that was deleted.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$7\r\nkept2:y\r\n", c.Call("FCALL", "kept_f", "0", "y"));
            Assert.Equal(":1\r\n", c.Call("FCALL", "other_f", "0"));
            Assert.Equal("$4\r\nlate\r\n", c.Call("FCALL", "late_f", "0"));
            Assert.Equal("-ERR Function not found\r\n", c.Call("FCALL", "gone_f", "0"));
        }
    }

    [Fact]
    public void FunctionCommandsReachTheAofAsRedisServerWritesThem() => AofTestSupport.AssertSameIncrAsRedis(
    [
        // Loads, a refused load (not logged), a replace, an FCALL's effects, a delete, a flush.
        ["FUNCTION", "LOAD", Code], ["FUNCTION", "LOAD", Code], ["FUNCTION", "LOAD", "REPLACE", Code],
        ["FUNCTION", "LOAD", "#!lua name=w\nredis.register_function('w_f', function(keys) redis.call('set', keys[1], 'a') return redis.call('incr', keys[2]) end)"],
        ["FCALL", "w_f", "2", "a", "b"], ["FCALL", "kept_f", "0"], ["FUNCTION", "DELETE", "kept"], ["FUNCTION", "DELETE", "kept"],
        ["FUNCTION", "FLUSH"],
    ]);
}
