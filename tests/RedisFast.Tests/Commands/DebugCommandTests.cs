using RedisFast.Tests.Infrastructure;
using RedisFast.Tests.Persistence;

namespace RedisFast.Tests.Commands;

/// <summary>
/// DEBUG and MODULE against redis-server 7.0: refused by default (enable-debug-command and enable-module-command no)
/// with Redis's text, and, where allowed, the DEBUG subcommands RedisFast offers and MODULE of a server without modules.
/// </summary>
public sealed class DebugCommandTests
{
    [Fact]
    public void DebugAndModuleLoadingAreRefusedByDefaultLikeRedis()
    {
        (string, string[])[] steps =
        [
            ("c", ["DEBUG", "SLEEP", "0"]), ("c", ["DEBUG"]), ("c", ["DEBUG", "HELP"]), ("c", ["MODULE", "LIST"]),
            ("c", ["MODULE", "HELP"]), ("c", ["MODULE", "NOSUCH"]), ("c", ["MODULE"]), ("c", ["MODULE", "LOAD", "/x.so"]),
            ("c", ["MODULE", "UNLOAD", "x"]), ("c", ["MODULE", "LOADEX", "/x.so"]),
            ("c", ["COMMAND", "INFO", "debug", "module|list", "module|load", "module|unload", "module|help"]),
        ];
        Differential.AssertSameRepliesOnOwnServers(steps, static reply => reply);
    }

    [Fact]
    public void AllowedDebugAndModuleSubcommandsAnswerLikeRedis()
    {
        string[][] script =
        [
            ["DEBUG", "HELP"], ["DEBUG", "SLEEP", "0"], ["DEBUG", "SLEEP", "x"], ["DEBUG", "SLEEP", "0.01"],
            ["DEBUG", "LOG", "from a test"], ["DEBUG", "SET-ACTIVE-EXPIRE", "0"], ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
            ["DEBUG", "OBJECT", "dbg:missing"], ["DEBUG", "NOSUCH"], ["DEBUG", "SLEEP"], ["DEBUG", "RELOAD", "BOGUS"],
            ["MODULE", "LIST"], ["MODULE", "LOAD", "/nonexistent.so"], ["MODULE", "LOADEX", "/nonexistent.so"],
            ["MODULE", "UNLOAD", "foo"],
        ];
        string dir = TestDirectory.Create();
        using RedisFast.Server.RedisServer fast = StartWithDebug(dir);
        using RedisChild real = RedisChild.Start(dir, "real.rdb", "--enable-debug-command", "yes", "--enable-module-command", "yes");
        using var fastClient = new RawClient("127.0.0.1", fast.Port);
        using RawClient realClient = real.Connect();
        foreach (string[] command in script) Assert.Equal(realClient.Call(command), fastClient.Call(command));

        // DEBUG OBJECT: the fields that do not depend on the process (encoding, serializedlength, refcount).
        string[][] setup =
        [
            ["SET", "dbg:s", "hello"], ["SET", "dbg:n", "12345"], ["SET", "dbg:r", new string('x', 100)],
            ["RPUSH", "dbg:l", "a", "b"], ["HSET", "dbg:h", "f", "v"], ["SADD", "dbg:i", "1", "2"], ["ZADD", "dbg:z", "1", "m"],
        ];
        foreach (string[] command in setup)
        {
            fastClient.Call(command);
            realClient.Call(command);
        }
        foreach (string key in new[] { "dbg:s", "dbg:n", "dbg:r", "dbg:l", "dbg:h", "dbg:i", "dbg:z" })
            Assert.Equal(Fields(realClient.Call("DEBUG", "OBJECT", key)), Fields(fastClient.Call("DEBUG", "OBJECT", key)));
    }

    [Fact]
    public void DebugReloadSavesAndLoadsTheDataSetAgain()
    {
        using RedisFast.Server.RedisServer server = StartWithDebug(TestDirectory.Create());
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "k", "v");
        c.Call("RPUSH", "l", "a", "b");
        Assert.Equal("+OK\r\n", c.Call("DEBUG", "RELOAD"));
        Assert.Equal("$1\r\nv\r\n", c.Call("GET", "k"));
        Assert.Equal(":2\r\n", c.Call("LLEN", "l"));
        c.Call("SET", "after", "x");
        // NOSAVE: the file of the last save comes back, without what was written since.
        Assert.Equal("+OK\r\n", c.Call("DEBUG", "RELOAD", "NOSAVE"));
        Assert.Equal(":0\r\n", c.Call("EXISTS", "after"));
        Assert.Equal("$1\r\nv\r\n", c.Call("GET", "k"));
    }

    private static RedisFast.Server.RedisServer StartWithDebug(string dir)
    {
        var server = new RedisFast.Server.RedisServer(new RedisFast.Server.ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = dir, LogLevel = "warning" });
        Assert.Null(server.Config.Registry.Find("enable-debug-command")!.Set(["yes"]));
        Assert.Null(server.Config.Registry.Find("enable-module-command")!.Set(["yes"]));
        server.Start();
        return server;
    }

    /// <summary>The fields of a DEBUG OBJECT reply that do not depend on the process.</summary>
    private static string Fields(string reply) =>
        string.Join(' ', reply.TrimEnd().Split(' ').Where(field => field.StartsWith("encoding:") || field.StartsWith("serializedlength:") || field.StartsWith("refcount:")));
}
