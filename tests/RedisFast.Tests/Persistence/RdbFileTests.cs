using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Persistence.FastServers;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// dump.rdb as a Redis 7.0 user relies on it: SAVE, BGSAVE (a snapshot of one instant while writes go on), the final
/// save of SHUTDOWN, FLUSHALL, the save points, the load at start, and the files redis-server and redis-check-rdb
/// accept. redis-server 7.0 is the oracle for replies and for the file.
/// </summary>
public sealed class RdbFileTests
{
    /// <summary>Redis's default save points.</summary>
    private const string SavePoints = "3600 1 300 100 60 10000";

    /// <summary>Every type, small and large encodings, TTLs, several databases.</summary>
    private static void WriteData(RawClient c, string tag = "")
    {
        c.Call("SET", "s" + tag, "plain");
        c.Call("SET", "n" + tag, "12345");
        c.Call("SET", "big" + tag, new string('x', 5000));
        c.Call("SET", "ttl" + tag, "v", "EX", "1000");
        c.Call("RPUSH", "l" + tag, "a", "b", "1", "c");
        c.Send(RawClient.Encode(["RPUSH", "biglist" + tag, .. Enumerable.Range(0, 2000).Select(i => "item" + i)]));
        c.ReadReply();
        c.Call("SADD", "ints" + tag, "1", "-70000", "5000000000");
        c.Send(RawClient.Encode(["SADD", "bigset" + tag, .. Enumerable.Range(0, 700).Select(i => "m" + i)]));
        c.ReadReply();
        c.Call("HSET", "h" + tag, "f1", "v1", "f2", "2");
        c.Send(RawClient.Encode(["HSET", "bighash" + tag, .. Enumerable.Range(0, 300).SelectMany(i => new[] { "f" + i, "v" + i })]));
        c.ReadReply();
        c.Call("ZADD", "z" + tag, "1.5", "a", "-inf", "b", "inf", "c");
        c.Send(RawClient.Encode(["ZADD", "bigz" + tag, .. Enumerable.Range(0, 300).SelectMany(i => new[] { (i * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture), "m" + i })]));
        c.ReadReply();
        c.Call("SELECT", "5");
        c.Call("SET", "in5" + tag, "five");
        c.Call("SELECT", "0");
    }

    private static KeyspaceDump Dump(int port)
    {
        using var c = new RawClient("127.0.0.1", port);
        return KeyspaceDump.Read(c);
    }

    private static void WaitForBgsave(RawClient c)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!c.Call("INFO", "persistence").Contains("rdb_bgsave_in_progress:0"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("BGSAVE still running");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void SaveWritesADumpThatRedisCheckRdbAcceptsAndRedisServerLoadsWithTheSameData()
    {
        string dir = TestDirectory.Create();
        KeyspaceDump expected;
        using (var server = NewServer(dir, SavePoints))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            WriteData(c);
            Assert.Contains("rdb_changes_since_last_save:", c.Call("INFO", "persistence"));
            Assert.DoesNotContain("rdb_changes_since_last_save:0\r\n", c.Call("INFO", "persistence"));
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
            string info = c.Call("INFO", "persistence");
            Assert.Contains("rdb_changes_since_last_save:0\r\n", info);
            Assert.Contains("rdb_saves:1\r\n", info);
            expected = KeyspaceDump.Read(c);
        }
        string file = Path.Combine(dir, "dump.rdb");
        (int code, string output) = AofTestSupport.Run("redis-check-rdb", file);
        Assert.True(code == 0, output);
        Assert.Contains("RDB looks OK", output);
        using RedisChild redis = RedisChild.Start(dir, "dump.rdb");
        KeyspaceDump.AssertSame(expected, Dump(redis.Port));
    }

    [Fact]
    public void AServerStartedOnADumpRedisServerWroteHasTheSameData()
    {
        string dir = TestDirectory.Create();
        KeyspaceDump expected;
        using (RedisChild redis = RedisChild.Start(dir, "dump.rdb"))
        {
            using RawClient c = redis.Connect();
            WriteData(c);
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
            expected = KeyspaceDump.Read(c);
        }
        using var server = NewServer(dir, SavePoints);
        server.Start();
        KeyspaceDump.AssertSame(expected, Dump(server.Port));
        using var client = new RawClient("127.0.0.1", server.Port);
        Assert.Contains("rdb_last_load_keys_loaded:13\r\n", client.Call("INFO", "persistence"));
        // The commands that rebuilt the data set are not clients' commands (Redis runs them without call()).
        Assert.DoesNotContain("cmdstat_set", client.Call("INFO", "commandstats"));
        Assert.Equal("*0\r\n", client.Call("SLOWLOG", "GET"));
    }

    [Fact]
    public async Task ShutdownSavesWhenSavePointsAreSetAndNosaveOrNoSavePointsSkipIt()
    {
        string dir = TestDirectory.Create();
        using (var server = NewServer(dir, SavePoints))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "kept", "1");
            c.Send(RawClient.Encode("SHUTDOWN"));
            Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
        }
        using (var server = NewServer(dir, SavePoints))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "kept"));
            c.Call("SET", "lost", "1");
            c.Send(RawClient.Encode("SHUTDOWN", "NOSAVE"));
            Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
        }
        using (var server = NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "kept"));
            Assert.Equal("$-1\r\n", c.Call("GET", "lost"));
            c.Call("SET", "lost-too", "1");
            c.Send(RawClient.Encode("SHUTDOWN"));
            Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
        }
        using (var server = NewServer(dir, SavePoints))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$-1\r\n", c.Call("GET", "lost-too"));
        }
    }

    [Fact]
    public void BgsaveWritesTheDataSetOfItsInstantWhileWritesGoOn()
    {
        string dir = TestDirectory.Create();
        KeyspaceDump before;
        using (var server = NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            WriteData(c);
            for (int i = 0; i < 20_000; i += 500)
            {
                c.Send(RawClient.Encode(["MSET", .. Enumerable.Range(i, 500).SelectMany(k => new[] { "key:" + k, "v" + k })]));
                c.ReadReply();
            }
            before = KeyspaceDump.Read(c);
            Assert.Equal("+Background saving started\r\n", c.Call("BGSAVE"));
            // Change everything right away: the file must still hold the values of the BGSAVE instant.
            for (int i = 0; i < 20_000; i += 500)
            {
                c.Send(RawClient.Encode(["MSET", .. Enumerable.Range(i, 500).SelectMany(k => new[] { "key:" + k, "changed" })]));
                c.ReadReply();
            }
            c.Call("DEL", "s", "l", "bighash");
            c.Call("RPUSH", "biglist", "more");
            c.Call("ZADD", "bigz", "7", "new");
            c.Call("FLUSHDB");
            WaitForBgsave(c);
            string info = c.Call("INFO", "persistence");
            Assert.Contains("rdb_last_bgsave_status:ok\r\n", info);
            Assert.Contains("rdb_saves:1\r\n", info);
        }
        using (var server = NewServer(dir))
        {
            server.Start();
            KeyspaceDump.AssertSame(before, Dump(server.Port));
        }
        Assert.Empty(Directory.GetFiles(dir, "temp-*"));
    }

    [Fact]
    public void BgsaveRepliesAsRedisDoes()
    {
        string dir = TestDirectory.Create();
        using var server = NewServer(dir);
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        Assert.Equal("-ERR syntax error\r\n", c.Call("BGSAVE", "NOW"));
        Assert.Equal("-ERR syntax error\r\n", c.Call("BGSAVE", "SCHEDULE", "X"));
        long before = long.Parse(c.Call("LASTSAVE")[1..].Trim());
        Thread.Sleep(1100);
        Assert.Equal("+Background saving started\r\n", c.Call("BGSAVE", "SCHEDULE"));
        WaitForBgsave(c);
        Assert.True(long.Parse(c.Call("LASTSAVE")[1..].Trim()) > before);
        // Inside EXEC a BGSAVE is only scheduled (the cron starts it after the transaction).
        c.Call("MULTI");
        c.Call("BGSAVE");
        Assert.Equal("*1\r\n+Background saving scheduled\r\n", c.Call("EXEC"));
        WaitForBgsave(c);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!c.Call("INFO", "persistence").Contains("rdb_saves:2\r\n") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Contains("rdb_saves:2\r\n", c.Call("INFO", "persistence"));
        Assert.Equal("-ERR Command not allowed inside a transaction\r\n", MultiReply(c, "SAVE"));
    }

    private static string MultiReply(RawClient c, string command)
    {
        c.Call("MULTI");
        string reply = c.Call(command);
        c.Call("DISCARD");
        return reply;
    }

    [Fact]
    public void BgsaveWhileAnAofRewriteRunsIsRefusedOrScheduled()
    {
        string dir = TestDirectory.Create();
        using var gate = new ManualResetEventSlim(false);
        using var server = NewServer(dir);
        server.Aof.TestRewriteGate = gate;
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "a", "1");
        Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
        Assert.Equal("-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n", c.Call("BGSAVE"));
        Assert.Equal("+Background saving scheduled\r\n", c.Call("BGSAVE", "SCHEDULE"));
        gate.Set();
        AofTestSupport.WaitForRewrite(c);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Path.Combine(dir, "dump.rdb")) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        WaitForBgsave(c);
        Assert.True(File.Exists(Path.Combine(dir, "dump.rdb")));
    }

    [Fact]
    public void WhileABgsaveRunsSaveAndBgsaveAreRefusedAndBgrewriteaofIsScheduledAfterIt()
    {
        string dir = TestDirectory.Create();
        using var gate = new ManualResetEventSlim(false);
        using var server = NewServer(dir);
        server.Rdb.TestSaveGate = gate;
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "a", "1");
        Assert.Equal("+Background saving started\r\n", c.Call("BGSAVE"));
        Assert.Contains("rdb_bgsave_in_progress:1\r\n", c.Call("INFO", "persistence"));
        Assert.Equal("-ERR Background save already in progress\r\n", c.Call("BGSAVE"));
        Assert.Equal("-ERR Background save already in progress\r\n", c.Call("BGSAVE", "SCHEDULE"));
        Assert.Equal("-ERR Background save already in progress\r\n", c.Call("SAVE"));
        // aof.c bgrewriteaofCommand: another child is active, so the rewrite waits for it.
        Assert.Equal("+Background append only file rewriting scheduled\r\n", c.Call("BGREWRITEAOF"));
        Assert.Contains("aof_rewrite_scheduled:1\r\n", c.Call("INFO", "persistence"));
        Assert.Contains("aof_rewrite_in_progress:0\r\n", c.Call("INFO", "persistence"));
        gate.Set();
        WaitForBgsave(c);
        AofTestSupport.WaitForRewrite(c);
        string info = c.Call("INFO", "persistence");
        Assert.Contains("rdb_last_bgsave_status:ok\r\n", info);
        Assert.Contains("aof_last_bgrewrite_status:ok\r\n", info);
        Assert.Contains("aof_rewrites:1\r\n", info);
    }

    [Fact]
    public async Task AppendonlyYesDuringABgsaveStartsItsFirstRewriteWhenTheBgsaveEnds()
    {
        string dir = TestDirectory.Create();
        using var gate = new ManualResetEventSlim(false);
        using var server = NewServer(dir);
        server.Config.AofUseRdbPreamble = false;
        server.Rdb.TestSaveGate = gate;
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "before", "1");
        Assert.Equal("+Background saving started\r\n", c.Call("BGSAVE"));
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "appendonly", "yes"));
        Assert.Equal("+OK\r\n", c.Call("SET", "during", "2"));
        Assert.Contains("aof_rewrite_scheduled:1\r\n", c.Call("INFO", "persistence"));
        gate.Set();
        WaitForBgsave(c);
        AofTestSupport.WaitForRewrite(c);
        Assert.Contains("aof_last_bgrewrite_status:ok\r\n", c.Call("INFO", "persistence"));
        c.Call("SET", "after", "3");
        server.Stop();
        Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
        using var again = AofTestSupport.NewServer(dir);
        again.Start();
        using var d = new RawClient("127.0.0.1", again.Port);
        Assert.Equal("$1\r\n1\r\n", d.Call("GET", "before"));
        Assert.Equal("$1\r\n2\r\n", d.Call("GET", "during"));
        Assert.Equal("$1\r\n3\r\n", d.Call("GET", "after"));
    }

    [Fact]
    public async Task ShutdownDuringABgsaveStopsItAndSavesInTheForeground()
    {
        string dir = TestDirectory.Create();
        using var gate = new ManualResetEventSlim(false);
        using (var server = NewServer(dir, SavePoints))
        {
            server.Rdb.TestSaveGate = gate;
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "a", "1");
            Assert.Equal("+Background saving started\r\n", c.Call("BGSAVE"));
            c.Call("SET", "b", "2");
            c.Send(RawClient.Encode("SHUTDOWN"));
            Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
        }
        Assert.Empty(Directory.GetFiles(dir, "temp-*"));
        using var again = StartFast(dir);
        using var d = new RawClient("127.0.0.1", again.Port);
        Assert.Equal("$1\r\n2\r\n", d.Call("GET", "b"));
    }

    [Fact]
    public async Task AShutdownWhoseFinalSaveFailsKeepsTheServerRunningUnlessForced()
    {
        string root = TestDirectory.Create();
        string dir = Path.Combine(root, "data");
        Directory.CreateDirectory(dir);
        using var server = NewServer(dir, SavePoints);
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "a", "1");
        Directory.Delete(dir);
        Assert.Equal("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.Call("SHUTDOWN"));
        Assert.Equal("$1\r\n1\r\n", c.Call("GET", "a"));
        c.Send(RawClient.Encode("SHUTDOWN", "FORCE"));
        Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
    }

    [Fact]
    public void AFailedBackgroundSaveRefusesWritesWithMisconfUntilASaveSucceeds()
    {
        string root = TestDirectory.Create();
        string dir = Path.Combine(root, "data");
        Directory.CreateDirectory(dir);
        using var server = NewServer(dir, "3600 1");
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        Assert.Equal("+OK\r\n", c.Call("SET", "a", "1"));
        Directory.Delete(dir);
        Assert.Equal("+Background saving started\r\n", c.Call("BGSAVE"));
        WaitForBgsave(c);
        const string misconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n";
        Assert.Equal(misconf, c.Call("SET", "a", "2"));
        Assert.Equal(misconf, c.Call("PING"));
        Assert.Equal("$1\r\n1\r\n", c.Call("GET", "a"));
        Assert.Contains("rdb_last_bgsave_status:err\r\n", c.Call("INFO", "persistence"));
        Assert.Equal("-ERR\r\n", c.Call("SAVE"));
        // Without save points (or with stop-writes-on-bgsave-error no) the failure does not stop writes.
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"));
        Assert.Equal("+OK\r\n", c.Call("SET", "a", "2"));
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"));
        Assert.Equal(misconf, c.Call("SET", "a", "3"));
        Directory.CreateDirectory(dir);
        Assert.Equal("+OK\r\n", c.Call("SAVE"));
        Assert.Equal("+OK\r\n", c.Call("SET", "a", "3"));
        Assert.Contains("rdb_last_bgsave_status:ok\r\n", c.Call("INFO", "persistence"));
    }

    [Fact]
    public void FlushallWithSavePointsSavesTheEmptyDataSet()
    {
        string dir = TestDirectory.Create();
        using (var server = NewServer(dir, SavePoints))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "a", "1");
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
            Assert.Equal("+OK\r\n", c.Call("FLUSHALL"));
            Assert.Contains("rdb_changes_since_last_save:1\r\n", c.Call("INFO", "persistence"));
        }
        // Disposed without SHUTDOWN: only the FLUSHALL's save is on disk.
        using (var server = NewServer(dir, SavePoints))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(":0\r\n", c.Call("DBSIZE"));
        }
    }

    [Fact]
    public void ASavePointThatIsReachedSavesInTheBackground()
    {
        string dir = TestDirectory.Create();
        using var server = NewServer(dir, "1 2");
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "2");
        string file = Path.Combine(dir, "dump.rdb");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!File.Exists(file) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.True(File.Exists(file), "no dump.rdb after the save point was reached");
        WaitForBgsave(c);
        Assert.Contains("rdb_changes_since_last_save:0\r\n", c.Call("INFO", "persistence"));
    }

    [Fact]
    public void AStartOnACorruptDumpFailsWithRedisMessage()
    {
        string dir = TestDirectory.Create();
        File.WriteAllText(Path.Combine(dir, "dump.rdb"), "NOT AN RDB FILE");
        using var server = NewServer(dir, SavePoints);
        var e = Assert.Throws<RedisFast.Persistence.Rdb.RdbLoadException>(server.Start);
        Assert.Contains("Wrong signature", e.Message);
    }
}
