using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// kill -9 of the RedisFast host during a background rewrite (while the base is being written) and right after
/// one: the directory loads the full data set, and after a completed rewrite redis-check-aof and redis-server 7.0
/// accept it too.
/// </summary>
public sealed class AofRewriteCrashTests
{
    private const int Keys = 300_000;

    [Fact]
    public void KillNineWhileTheBaseIsBeingWrittenLeavesADirectoryThatLoadsEveryWrite()
    {
        string dir = AofTestSupport.TempDir();
        string appendDir = Path.Combine(dir, "appendonlydir");
        int port = RealRedisFixture.FreePort();
        string digest;
        var others = new[] { "during" };
        using (var host = AofHostProcess.Start(port, dir, "--appendfsync", "always"))
        {
            using var c = new RawClient("127.0.0.1", port);
            AofBackgroundRewriteTests.Populate(c, "k", Keys);
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            Assert.Equal("+OK\r\n", c.Call("SET", "during", "1"));
            Assert.Equal("+OK\r\n", c.Call("SET", "k:7", "changed"));
            // Kill as soon as the temp base has data: the rewrite thread is writing it.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!Directory.GetFiles(appendDir, "temp-rewriteaof-bg-*").Any(f => new FileInfo(f).Length > 0) && DateTime.UtcNow < deadline) Thread.Sleep(1);
            digest = AofBackgroundRewriteTests.Digest(c, "k", 1000, others);
            host.KillHard();
        }
        // The manifest still lists the old base and incr plus the incr opened at the rewrite start.
        Assert.Equal(
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.manifest")));
        int port2 = RealRedisFixture.FreePort();
        using (var host = AofHostProcess.Start(port2, dir))
        {
            using var c = new RawClient("127.0.0.1", port2);
            Assert.Equal($":{Keys + 1}\r\n", c.Call("DBSIZE"));
            Assert.Equal(digest, AofBackgroundRewriteTests.Digest(c, "k", 1000, others));
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "during"));
            host.KillHard();
        }
    }

    [Fact]
    public void KillNineRightAfterARewriteLeavesADirectoryThatRedisFastRedisCheckAofAndRedisServerLoad()
    {
        string dir = AofTestSupport.TempDir();
        string appendDir = Path.Combine(dir, "appendonlydir");
        int port = RealRedisFixture.FreePort();
        using (var host = AofHostProcess.Start(port, dir, "--appendfsync", "always"))
        {
            using var c = new RawClient("127.0.0.1", port);
            AofBackgroundRewriteTests.Populate(c, "k", 20_000);
            c.Call("RPUSH", "list", "a", "b");
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            c.Call("SET", "during", "1");
            AofTestSupport.WaitForRewrite(c);
            c.Call("SET", "after", "2");
            host.KillHard();
        }
        string manifest = Path.Combine(appendDir, "appendonly.aof.manifest");
        Assert.Equal("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", File.ReadAllText(manifest));
        (int code, string output) = AofTestSupport.Run("redis-check-aof", manifest);
        Assert.True(code == 0, output);
        Assert.Contains("is valid", output);
        int port2 = RealRedisFixture.FreePort();
        using (var host = AofHostProcess.Start(port2, dir))
        {
            using var c = new RawClient("127.0.0.1", port2);
            Assert.Equal(":20003\r\n", c.Call("DBSIZE"));
            Assert.Equal("$1\r\n2\r\n", c.Call("GET", "after"));
            host.KillHard();
        }
        int port3 = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port3, "--dir", dir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no");
        using (var c = new RawClient("127.0.0.1", port3))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (c.Call("PING").StartsWith("-LOADING") && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.Equal(":20003\r\n", c.Call("DBSIZE"));
            Assert.Equal("$5\r\n19999\r\n", c.Call("GET", "k:19999"));
            Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", c.Call("LRANGE", "list", "0", "-1"));
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "during"));
        }
        AofTestSupport.Shutdown(port3, redis);
    }
}
