using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// BGREWRITEAOF from a copy-on-write snapshot: the base file holds the data set of the instant the rewrite started,
/// whatever the loop changed while the rewrite thread read it, and base + the incr file opened at that instant
/// replay to the live data set.
/// </summary>
public sealed class AofBackgroundRewriteTests
{
    private static string Big(string tag) => tag + new string('x', 60);

    /// <summary>Keys of every type and encoding, with and without TTL, in databases 0, 1 and 2.</summary>
    private static void Fill(RawClient c, long shortTtlAt)
    {
        for (int db = 0; db < 3; db++)
        {
            c.Call("SELECT", db.ToString());
            for (int i = 0; i < 30; i++)
            {
                c.Call("SET", $"int:{i}", (i * 7).ToString());
                c.Call("SET", $"emb:{i}", $"short-{i}");
                c.Call("SET", $"raw:{i}", Big($"raw-{i}"));
                c.Call("RPUSH", $"list:{i}", "a", "b", $"c{i}");
                c.Call("SADD", $"iset:{i}", "1", "2", (i + 3).ToString());
                c.Call("SADD", $"hset:{i}", "m1", "m2", $"m{i}");
                c.Call("HSET", $"lphash:{i}", "f1", "v1", "f2", $"v{i}");
                c.Call("HSET", $"hthash:{i}", "f1", Big("v"), "f2", "v2");
                c.Call("ZADD", $"lpz:{i}", "1", "one", "2.5", "two", (i + 10).ToString(), "ten");
                c.Call("ZADD", $"slz:{i}", "1", Big("member"), "2", "b");
                if (i % 3 == 0)
                {
                    c.Call("PEXPIREAT", $"raw:{i}", "4000000000000");
                    c.Call("PEXPIREAT", $"lphash:{i}", "4000000000123");
                    c.Call("PEXPIREAT", $"slz:{i}", "4000000000456");
                }
                if (i % 5 == 0)
                {
                    c.Call("SET", $"soon:{i}", $"gone-{i}", "PXAT", shortTtlAt.ToString());
                    c.Call("RPUSH", $"soonlist:{i}", "x");
                    c.Call("PEXPIREAT", $"soonlist:{i}", shortTtlAt.ToString());
                }
            }
        }
        c.Call("SELECT", "0");
    }

    /// <summary>Changes of every kind to the keys <see cref="Fill"/> made (round picks which ones).</summary>
    private static void Hammer(RawClient c, int round)
    {
        for (int db = 0; db < 2; db++)
        {
            c.Call("SELECT", db.ToString());
            for (int i = round; i < 30; i += 3)
            {
                c.Call("SET", $"emb:{i}", $"SHORT-{i}"); // same size: the buffer is reused in place
                c.Call("APPEND", $"raw:{i}", "-appended");
                c.Call("SETRANGE", $"emb:{(i + 1) % 30}", "0", "ZZ");
                c.Call("INCR", $"int:{i}");
                c.Call("LPUSH", $"list:{i}", "pushed");
                c.Call("HSET", $"lphash:{i}", "f1", "changed", "f3", "new");
                c.Call("HSET", $"hthash:{i}", "f9", "new");
                c.Call("SADD", $"iset:{i}", "999");
                c.Call("SADD", $"hset:{i}", "added");
                c.Call("ZADD", $"lpz:{i}", "100", "one", "7", "new");
                c.Call("ZADD", $"slz:{i}", "5", "b");
                c.Call("DEL", $"list:{(i + 1) % 30}");
                c.Call("EXPIRE", $"hset:{i}", "100000");
                c.Call("PERSIST", $"raw:{(i + 3) % 30}");
                c.Call("RENAME", $"hthash:{(i + 2) % 30}", $"renamed:{round}:{i}");
                c.Call("HSET", $"renamed:{round}:{i}", "after-rename", "1");
                c.Call("SET", $"new:{round}:{i}", "fresh");
            }
        }
        if (round == 0)
        {
            c.Call("SELECT", "2");
            c.Call("FLUSHDB");
            c.Call("SET", "after-flush", "1");
            c.Call("SELECT", "0");
            c.Call("SWAPDB", "0", "1");
        }
        c.Call("SELECT", "0");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheNewBaseHoldsTheDataSetOfTheRewriteInstantWhileEveryKindOfWriteRacesTheRewriter(bool rdbPreamble)
    {
        string dir = AofTestSupport.TempDir();
        var gate = new ManualResetEventSlim(false);
        SortedDictionary<string, string> atInstant;
        SortedDictionary<string, string> live;
        string info;
        string baseName = rdbPreamble ? "appendonly.aof.2.base.rdb" : "appendonly.aof.2.base.aof";
        using (var server = AofTestSupport.NewServer(dir, configure: c => c.AofUseRdbPreamble = rdbPreamble))
        {
            server.Config.Hz = 100;
            server.Start();
            server.Aof.TestRewriteGate = gate;
            server.Aof.TestRewritePauseEveryKeys = 2;
            using var c = new RawClient("127.0.0.1", server.Port);
            long shortTtlAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 2500;
            Fill(c, shortTtlAt);
            atInstant = AofModel.Read(c);
            // On a loaded machine filling and reading can outlast the short TTL: keys expired before the instant are
            // not part of it (the rewrite skips them).
            long instantAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var (key, value) in atInstant.ToList())
                if (long.TryParse(value[(value.LastIndexOf('|') + 1)..], out long at) && at > 0 && at <= instantAt) atInstant.Remove(key);
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            Assert.Contains("aof_rewrite_in_progress:1\r\n", c.Call("INFO", "persistence"));
            // Everything changes before the rewriter read anything, then while it reads (1 ms pause every 2 keys).
            Hammer(c, 0);
            gate.Set();
            Hammer(c, 1);
            Hammer(c, 2);
            // Lazy and active expiry of keys that were live at the instant.
            while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < shortTtlAt + 50) Thread.Sleep(10);
            c.Call("SELECT", "1");
            Assert.Equal("$-1\r\n", c.Call("GET", "soon:0"));
            c.Call("SELECT", "0");
            Thread.Sleep(200);
            AofTestSupport.WaitForRewrite(c);
            info = c.Call("INFO", "persistence");
            Assert.Contains("aof_last_bgrewrite_status:ok\r\n", info);
            live = AofModel.Read(c);
        }
        string appendDir = Path.Combine(dir, "appendonlydir");
        Assert.Equal(
            $"file {baseName} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.manifest")));
        Assert.False(File.Exists(Path.Combine(appendDir, "appendonly.aof.1.incr.aof")));
        Assert.Empty(Directory.GetFiles(appendDir, "appendonly.aof.1.base.*"));
        // The base alone is the data set of the instant.
        SortedDictionary<string, string> inBase = rdbPreamble
            ? ReadRdb(Path.Combine(appendDir, baseName))
            : AofModel.FromBase(File.ReadAllBytes(Path.Combine(appendDir, baseName)));
        if (rdbPreamble)
        {
            // Loading an RDB drops the keys that expired since (the soon:* keys): compare what is still live.
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var (key, value) in atInstant.ToList())
                if (long.TryParse(value[(value.LastIndexOf('|') + 1)..], out long at) && at > 0 && at < now) atInstant.Remove(key);
        }
        Assert.Empty(AofModel.Diff(atInstant, inBase));
        // The loop copied what it changed (strings, collections) rather than the rewriter seeing the changes.
        Assert.DoesNotContain("aof_last_cow_size:0\r\n", info);
        // Base + incr replay to the live data set.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Empty(AofModel.Diff(live, AofModel.Read(c)));
        }
    }

    /// <summary>The data set of an RDB file, loaded by a server of its own as its dump.rdb.</summary>
    private static SortedDictionary<string, string> ReadRdb(string path)
    {
        string dir = TestDirectory.Create();
        File.Copy(path, Path.Combine(dir, "dump.rdb"));
        using var server = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = dir, LogLevel = "warning", Save = "" });
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        return AofModel.Read(c);
    }

    [Fact]
    public void AWriteToABigCollectionDuringARewriteCopiesOneSegmentOfItNotTheWholeCollection()
    {
        const int Elements = 50_000;
        string dir = AofTestSupport.TempDir();
        var gate = new ManualResetEventSlim(false);
        SortedDictionary<string, string> atInstant;
        SortedDictionary<string, string> live;
        string info;
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            server.Aof.TestRewriteGate = gate;
            using var c = new RawClient("127.0.0.1", server.Port);
            for (int start = 0; start < Elements; start += 1000)
            {
                var hash = new List<string> { "HSET", "bighash" };
                var set = new List<string> { "SADD", "bigset" };
                var zset = new List<string> { "ZADD", "bigzset" };
                var list = new List<string> { "RPUSH", "biglist" };
                for (int i = start; i < start + 1000; i++)
                {
                    hash.AddRange(["f" + i, "v" + i]);
                    set.Add("m" + i);
                    zset.AddRange([i.ToString(), "m" + i]);
                    list.Add("e" + i);
                }
                c.Call([.. hash]);
                c.Call([.. set]);
                c.Call([.. zset]);
                c.Call([.. list]);
            }
            atInstant = AofModel.Read(c);
            // On a loaded machine filling and reading can outlast the short TTL: keys expired before the instant are
            // not part of it (the rewrite skips them).
            long instantAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var (key, value) in atInstant.ToList())
                if (long.TryParse(value[(value.LastIndexOf('|') + 1)..], out long at) && at > 0 && at <= instantAt) atInstant.Remove(key);
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            // The rewriter has read nothing yet: each first write hands the collection over.
            Assert.Equal(":0\r\n", c.Call("HSET", "bighash", "f7", "changed"));
            Assert.Equal(":1\r\n", c.Call("SADD", "bigset", "new"));
            Assert.Equal(":0\r\n", c.Call("ZADD", "bigzset", "-1", "m7"));
            Assert.Equal("+OK\r\n", c.Call("LSET", "biglist", "7", "changed"));
            gate.Set();
            AofTestSupport.WaitForRewrite(c);
            info = c.Call("INFO", "persistence");
            Assert.Contains("aof_last_bgrewrite_status:ok\r\n", info);
            live = AofModel.Read(c);
        }
        string appendDir = Path.Combine(dir, "appendonlydir");
        Assert.Empty(AofModel.Diff(atInstant, AofModel.FromBase(File.ReadAllBytes(Path.Combine(appendDir, "appendonly.aof.2.base.aof")))));
        // Four directories of ~64 references and a few segments of 8-24 KB per write (a doubling of the buckets under
        // way moves chain links too): copying the collections whole would be several MB (50,000 slots of 24 bytes,
        // four times).
        long cow = long.Parse(info.Split("\r\n").Single(l => l.StartsWith("aof_last_cow_size:")).Split(':')[1]);
        Assert.InRange(cow, 4 * 8 * 1024, 4 * 3 * 24 * 1024);
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Empty(AofModel.Diff(live, AofModel.Read(c)));
        }
    }

    /// <summary>MSET of <paramref name="count"/> keys prefix:i = i, pipelined 1000 keys per command.</summary>
    internal static void Populate(RawClient c, string prefix, int count)
    {
        const int PerCommand = 1000;
        int commands = 0;
        var batch = new System.Text.StringBuilder();
        for (int start = 0; start < count; start += PerCommand)
        {
            int n = Math.Min(PerCommand, count - start);
            batch.Append('*').Append(1 + 2 * n).Append("\r\n$4\r\nMSET\r\n");
            for (int i = start; i < start + n; i++)
            {
                string k = prefix + ":" + i, v = i.ToString();
                batch.Append('$').Append(k.Length).Append("\r\n").Append(k).Append("\r\n");
                batch.Append('$').Append(v.Length).Append("\r\n").Append(v).Append("\r\n");
            }
            commands++;
            if (commands % 50 == 0 || start + n >= count)
            {
                c.Send(batch.ToString());
                batch.Clear();
                for (int r = 0; r < (commands % 50 == 0 ? 50 : commands % 50); r++) Assert.Equal("+OK\r\n", c.ReadReply());
            }
        }
    }

    /// <summary>A digest of the values of prefix:0..count-1 (pipelined MGETs) and of every other key's value.</summary>
    internal static string Digest(RawClient c, string prefix, int count, IEnumerable<string> others)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        const int PerCommand = 1000;
        for (int start = 0; start < count; start += PerCommand * 20)
        {
            int sent = 0;
            for (int b = start; b < Math.Min(count, start + PerCommand * 20); b += PerCommand)
            {
                var args = new List<string> { "MGET" };
                for (int i = b; i < Math.Min(count, b + PerCommand); i++) args.Add(prefix + ":" + i);
                c.Send(RawClient.Encode([.. args]));
                sent++;
            }
            for (int r = 0; r < sent; r++) sha.AppendData(System.Text.Encoding.Latin1.GetBytes(c.ReadReply()));
        }
        foreach (string k in others)
        {
            sha.AppendData(System.Text.Encoding.Latin1.GetBytes(c.Call("TYPE", k)));
            string type = c.Call("TYPE", k);
            string value = type == "+string\r\n" ? c.Call("GET", k) : type == "+hash\r\n" ? c.Call("HLEN", k) : "";
            sha.AppendData(System.Text.Encoding.Latin1.GetBytes(value));
        }
        sha.AppendData(System.Text.Encoding.Latin1.GetBytes(c.Call("DBSIZE")));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    [Fact]
    public void ARewriteOfAMillionKeysUnderWritesFromSeveralClientsLosesNothingAcrossARestart()
    {
        const int Keys = 1_000_000;
        const int Writers = 4;
        string dir = AofTestSupport.TempDir();
        string before;
        var others = new List<string>();
        for (int t = 0; t < Writers; t++)
        {
            others.Add($"counter:{t}");
            others.Add($"hash:{t}");
            for (int n = 0; n < 50; n++) others.Add($"w:{t}:{n}");
        }
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Config.Hz = 100;
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Populate(c, "k", Keys);
            using var stop = new ManualResetEventSlim(false);
            long writes = 0;
            var threads = new List<Thread>();
            for (int t = 0; t < Writers; t++)
            {
                int id = t;
                var thread = new Thread(() =>
                {
                    using var w = new RawClient("127.0.0.1", server.Port);
                    var random = new Random(id);
                    for (int n = 0; !stop.IsSet; n++)
                    {
                        w.Call("SET", $"w:{id}:{n % 50}", n.ToString());
                        w.Call("INCR", $"counter:{id}");
                        w.Call("HSET", $"hash:{id}", $"f{n % 1000}", n.ToString());
                        int k = random.Next(Keys);
                        if (n % 3 == 0) w.Call("DEL", $"k:{k}");
                        else w.Call("SET", $"k:{k}", $"over-{id}-{n}");
                        Interlocked.Add(ref writes, 4);
                    }
                });
                thread.Start();
                threads.Add(thread);
            }
            Thread.Sleep(50);
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
            Thread.Sleep(50);
            stop.Set();
            foreach (Thread thread in threads) thread.Join();
            Assert.True(Interlocked.Read(ref writes) > 100, "the writers ran");
            Assert.Contains("aof_last_bgrewrite_status:ok\r\n", c.Call("INFO", "persistence"));
            before = Digest(c, "k", Keys, others);
        }
        Assert.Equal(
            "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            File.ReadAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest")));
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(before, Digest(c, "k", Keys, others));
        }
    }

    [Fact]
    public void TheActiveExpiryCycleSamplingKeysDuringARewriteCopiesNothing()
    {
        // Keys with a TTL far away: the cycle (100 times a second here) samples them while the rewrite is held at its
        // start, and only reads them, so the loop must not copy any for the rewrite.
        string dir = AofTestSupport.TempDir();
        var gate = new ManualResetEventSlim(false);
        using var server = AofTestSupport.NewServer(dir, configure: c => c.Hz = 100);
        server.Start();
        server.Aof.TestRewriteGate = gate;
        using var c = new RawClient("127.0.0.1", server.Port);
        for (int i = 0; i < 200; i++) c.Call("SET", $"ttl:{i}", "value-with-a-ttl", "PXAT", "4000000000000");
        Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
        Thread.Sleep(300);
        gate.Set();
        AofTestSupport.WaitForRewrite(c);
        string info = c.Call("INFO", "persistence");
        Assert.Contains("aof_last_bgrewrite_status:ok\r\n", info);
        Assert.Contains("aof_last_cow_size:0\r\n", info);
        Assert.Equal(":200\r\n", c.Call("DBSIZE"));
    }

    [Fact]
    public void WhileARewriteRunsInfoReportsItAndASecondBgrewriteaofIsRefusedWithRedisError()
    {
        string dir = AofTestSupport.TempDir();
        string log = Path.Combine(dir, "server.log");
        var gate = new ManualResetEventSlim(false);
        using var server = AofTestSupport.NewServer(dir, configure: c => { c.LogFile = log; c.LogLevel = "notice"; c.Hz = 100; });
        server.Start();
        server.Aof.TestRewriteGate = gate;
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "a", "1");
        Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
        string running = c.Call("INFO", "persistence");
        Assert.Contains("aof_rewrite_in_progress:1\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:0\r\n", running);
        Assert.Contains("aof_rewrites:1\r\n", running);
        // The text redis-server 7.0.15 answers (checked by hand: a rewrite cannot be held open on it from a test).
        Assert.Equal("-ERR Background append only file rewriting already in progress\r\n", c.Call("BGREWRITEAOF"));
        // Writes during the rewrite go to the incr file opened at its start, already listed in the manifest.
        Assert.Equal("+OK\r\n", c.Call("SET", "b", "2"));
        string appendDir = Path.Combine(dir, "appendonlydir");
        string manifest = Path.Combine(appendDir, "appendonly.aof.manifest");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadAllText(manifest).Contains("appendonly.aof.2.incr.aof") && DateTime.UtcNow < deadline) Thread.Sleep(5);
        Assert.Equal(
            "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            File.ReadAllText(manifest));
        gate.Set();
        AofTestSupport.WaitForRewrite(c);
        string done = c.Call("INFO", "persistence");
        Assert.Contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:0\r\naof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\naof_rewrites:1\r\n", done);
        long baseSize = new FileInfo(Path.Combine(appendDir, "appendonly.aof.2.base.aof")).Length;
        long incrSize = new FileInfo(Path.Combine(appendDir, "appendonly.aof.2.incr.aof")).Length;
        Assert.Contains($"aof_base_size:{baseSize}\r\n", done);
        Assert.Contains($"aof_current_size:{baseSize + incrSize}\r\n", done);
        Assert.Equal("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n", File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.2.base.aof")));
        Assert.Equal("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n", File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.2.incr.aof")));
        string text = File.ReadAllText(log);
        foreach (string line in (string[])[
            "Creating AOF incr file appendonly.aof.2.incr.aof on background rewrite",
            "Background append only file rewriting started by thread",
            "Background AOF rewrite terminated with success",
            "Successfully renamed the temporary AOF base file temp-rewriteaof-bg-",
            "Removing the history file appendonly.aof.1.incr.aof in the background",
            "Removing the history file appendonly.aof.1.base.aof in the background",
            "Background AOF rewrite finished successfully"])
            Assert.Contains(line, text);
    }

    [Fact]
    public void BgrewriteaofInsideExecIsScheduledAndTheCronStartsItAfterTheTransaction()
    {
        string dir = AofTestSupport.TempDir();
        using var server = AofTestSupport.NewServer(dir, configure: c => c.Hz = 100);
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("MULTI");
        c.Call("SET", "in-tx", "1");
        c.Call("BGREWRITEAOF");
        c.Call("SET", "in-tx-2", "2");
        Assert.Equal("*3\r\n+OK\r\n+Background append only file rewriting scheduled\r\n+OK\r\n", c.Call("EXEC"));
        AofTestSupport.WaitForRewrite(c);
        Assert.Contains("aof_rewrites:1\r\n", c.Call("INFO", "persistence"));
        string baseText = File.ReadAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.2.base.aof"));
        Assert.Contains("in-tx-2", baseText);
    }

    [Fact]
    public void BgrewriteaofWithTheAofOffWritesABaseAloneAsRedisServerDoesAndItLoadsWithTheAofOn()
    {
        // redis-server 7.0, appendonly no, aof-use-rdb-preamble no: the manifest lists the new base only.
        string realDir = AofTestSupport.TempDir();
        int port = RealRedisFixture.FreePort();
        var redis = AofTestSupport.StartRedis(port, "--dir", realDir, "--appendonly", "no", "--aof-use-rdb-preamble", "no");
        using (var c = new RawClient("127.0.0.1", port))
        {
            c.Call("SET", "k", "v");
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
        }
        AofTestSupport.Shutdown(port, redis);
        string expected = File.ReadAllText(Path.Combine(realDir, "appendonlydir", "appendonly.aof.manifest"));
        Assert.Equal("file appendonly.aof.1.base.aof seq 1 type b\n", expected);

        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, configure: c => c.AppendOnly = false))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "k", "v");
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            AofTestSupport.WaitForRewrite(c);
        }
        string appendDir = Path.Combine(dir, "appendonlydir");
        Assert.Equal(expected, File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.manifest")));
        Assert.Equal(["appendonly.aof.1.base.aof", "appendonly.aof.manifest"], Directory.GetFiles(appendDir).Select(Path.GetFileName).Order());
        // Started with the AOF on, the directory loads and gets its first incr file, as redis-server does.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$1\r\nv\r\n", c.Call("GET", "k"));
        }
        Assert.Equal(
            "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
            File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.manifest")));
    }

    [Fact]
    public async Task ShutdownWhileTheInitialAofIsWrittenIsRefusedUnlessForced()
    {
        string dir = AofTestSupport.TempDir();
        var gate = new ManualResetEventSlim(false);
        using var server = AofTestSupport.NewServer(dir, configure: c => c.AppendOnly = false);
        server.Start();
        server.Aof.TestRewriteGate = gate;
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "k", "v");
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "appendonly", "yes"));
        // As redis-server 7.0 (finishShutdown, AOF_WAIT_REWRITE with a child): the data set is not on disk yet.
        Assert.Equal("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.Call("SHUTDOWN"));
        Assert.Equal("+PONG\r\n", c.Call("PING"));
        Assert.Equal("$1\r\nv\r\n", c.Call("GET", "k"));
        c.Send(RawClient.Encode("SHUTDOWN", "FORCE"));
        Assert.Same(server.Stopped, await Task.WhenAny(server.Stopped, Task.Delay(10_000)));
        gate.Set();
    }

    [Fact]
    public void ShutdownDuringARewriteAbandonsItRemovesTheTempFileAndKeepsEveryWrite()
    {
        string dir = AofTestSupport.TempDir();
        var gate = new ManualResetEventSlim(false);
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            server.Aof.TestRewriteGate = gate;
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "before", "1");
            Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
            c.Call("SET", "during", "2");
            c.Call("FLUSHALL");
            c.Call("SET", "after-flush", "3");
        }
        string appendDir = Path.Combine(dir, "appendonlydir");
        Assert.Empty(Directory.GetFiles(appendDir, "temp-*"));
        Assert.Equal(
            "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            File.ReadAllText(Path.Combine(appendDir, "appendonly.aof.manifest")));
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$-1\r\n", c.Call("GET", "before"));
            Assert.Equal("$1\r\n3\r\n", c.Call("GET", "after-flush"));
            Assert.Equal(":1\r\n", c.Call("DBSIZE"));
        }
    }

    [Fact]
    public void TheAutomaticRewriteStartsOnGrowthOverMinSizeAndMovesTheManifestToANewBase()
    {
        string dir = AofTestSupport.TempDir();
        string log = Path.Combine(dir, "server.log");
        using var server = AofTestSupport.NewServer(dir, configure: c => { c.LogFile = log; c.LogLevel = "notice"; c.Hz = 100; });
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "auto-aof-rewrite-min-size", "2000"));
        Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "auto-aof-rewrite-percentage", "100"));
        for (int i = 0; i < 60; i++) c.Call("SET", "key:" + i, new string('v', 40));
        string manifest = Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.ReadAllText(manifest).StartsWith("file appendonly.aof.2.base.aof") && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal("file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", File.ReadAllText(manifest));
        AofTestSupport.WaitForRewrite(c);
        Assert.Matches(@"Starting automatic rewriting of AOF on \d+% growth", File.ReadAllText(log));
        // After the rewrite the base is the reference: the same writes again do not trigger another one at once.
        Assert.Contains("aof_rewrites:1\r\n", c.Call("INFO", "persistence"));
    }

    [Fact]
    public void TheRewriterThreadRunsAtTheLowestPriorityAndTheLoopAtTheNormalOne()
    {
        string dir = AofTestSupport.TempDir();
        var gate = new ManualResetEventSlim(false);
        using var server = AofTestSupport.NewServer(dir);
        server.Start();
        server.Aof.TestRewriteGate = gate;
        using var c = new RawClient("127.0.0.1", server.Port);
        c.Call("SET", "k", "v");
        Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
        // Held at the gate, after it lowered its priority: thread names are cut to 15 characters in /proc.
        Dictionary<string, List<int>> niceByName = [];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        // Other tests' servers may run in this process too, and a rewriter thread that just started has not lowered
        // its priority yet: scan until every rewriter thread shows it (or the deadline).
        while (!(niceByName.TryGetValue("redisfast-aof-r", out List<int>? seen) && seen.All(n => n == RedisFast.Persistence.NativeThread.BackgroundNice))
               && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
            niceByName.Clear();
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                string name, stat;
                try
                {
                    name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                    stat = File.ReadAllText(Path.Combine(task, "stat"));
                }
                catch (IOException)
                {
                    // A thread of another test ended between the listing and the read.
                    continue;
                }
                // Fields after "pid (comm) ": state is field 3, nice field 19.
                int nice = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
                niceByName.TryAdd(name, []);
                niceByName[name].Add(nice);
            }
        }
        gate.Set();
        AofTestSupport.WaitForRewrite(c);
        Assert.All(niceByName["redisfast-aof-r"], nice => Assert.Equal(RedisFast.Persistence.NativeThread.BackgroundNice, nice));
        Assert.All(niceByName["redisfast-aof"], nice => Assert.Equal(0, nice));
        Assert.All(niceByName[".NET Sockets"], nice => Assert.Equal(0, nice));
    }
}
