using System.Text.RegularExpressions;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>CONFIG SET appendonly at run time, BGREWRITEAOF and INFO persistence.</summary>
public sealed class AofRuntimeTests
{
    private static string[] FieldNames(string info) =>
        Regex.Matches(info, @"^([a-z_]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();

    [Fact]
    public void ConfigSetAppendonlyYesWritesABaseOfTheDataSetAndTheLogContinuesInANewIncrFile()
    {
        // 1. Start without the AOF and write.
        string dir = AofTestSupport.TempDir();
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = dir, LogLevel = "warning", Save = "", AofUseRdbPreamble = false };
        using (var server = new RedisServer(config))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "s", "text");
            c.Call("SET", "n", "42");
            c.Call("SET", "t", "v", "PXAT", "4000000000000");
            c.Call("SELECT", "5");
            c.Call("SET", "in5", "x");
            Assert.Contains("aof_enabled:0", c.Call("INFO", "persistence"));
            // 2. Turn it on: a base file with the data set, an empty incr file, the manifest.
            Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "appendonly", "yes"));
            Assert.Contains("aof_enabled:1", c.Call("INFO", "persistence"));
            AofTestSupport.WaitForRewrite(c);
            string baseText = File.ReadAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.1.base.aof"));
            const string Select0 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n", Select5 = "*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n";
            const string SN = "*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$4\r\ntext\r\n*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$2\r\n42\r\n";
            const string T = "*3\r\n$3\r\nSET\r\n$1\r\nt\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nt\r\n$13\r\n4000000000000\r\n";
            const string In5 = "*3\r\n$3\r\nSET\r\n$3\r\nin5\r\n$1\r\nx\r\n";
            // In slot order; or with t last, re-selecting db 0, when the active expiry cycle sampled t (the only key
            // with a TTL) during the rewrite: a slot the loop touches first is written from the preserved queue.
            Assert.Contains(baseText, (string[])[Select0 + SN + T + Select5 + In5, Select0 + SN + Select5 + In5 + Select0 + T]);
            Assert.Equal("+OK\r\n", c.Call("SET", "later", "y"));
            // 3. Turn it off: nothing more is logged.
            Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "appendonly", "no"));
            Assert.Equal("+OK\r\n", c.Call("SET", "not-logged", "z"));
            Assert.Contains("aof_enabled:0", c.Call("INFO", "persistence"));
        }
        // 4. A server started on the directory sees the data set and the write made while the AOF was on.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$2\r\n42\r\n", c.Call("GET", "n"));
            c.Call("SELECT", "5");
            Assert.Equal("$1\r\ny\r\n", c.Call("GET", "later"));
            Assert.Equal("$-1\r\n", c.Call("GET", "not-logged"));
        }
    }

    [Fact]
    public void InfoPersistenceListsTheSameFieldsInTheSameOrderAsRedisServerWithAppendonlyYes()
    {
        string dir = AofTestSupport.TempDir();
        using var server = AofTestSupport.NewServer(dir);
        server.Start();
        using var fast = new RawClient("127.0.0.1", server.Port);
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", AofTestSupport.TempDir(), "--appendonly", "yes", "--aof-use-rdb-preamble", "no");
        try
        {
            using var real = new RawClient("127.0.0.1", port);
            Assert.Equal(FieldNames(real.Call("INFO", "persistence")), FieldNames(fast.Call("INFO", "persistence")));
            Assert.Contains("aof_last_write_status:ok\r\n", fast.Call("INFO", "persistence"));
            Assert.Contains("aof_delayed_fsync:0\r\n", fast.Call("INFO", "persistence"));
            Assert.Equal("+Background append only file rewriting started\r\n", fast.Call("BGREWRITEAOF"));
            Assert.Contains("aof_rewrites:1\r\n", fast.Call("INFO", "persistence"));
        }
        finally
        {
            AofTestSupport.Shutdown(port, redis);
        }
    }
}
