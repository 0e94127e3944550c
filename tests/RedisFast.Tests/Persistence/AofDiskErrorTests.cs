using System.Diagnostics;
using RedisFast.Persistence;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// A full disk: writes are refused with MISCONF, reads are served, the write that hit the error is not
/// acknowledged until it is on disk, and everything recovers when space comes back. Runs on a 1 MB tmpfs
/// (the tests run as root in CI); where mounting is not permitted it falls back to injecting ENOSPC into the
/// AOF's write and fsync calls, which exercises the same code after the system call.
/// </summary>
[Collection(AofDiskErrorCollection.Name)]
public sealed class AofDiskErrorTests
{
    [Fact]
    public void DiskFullRefusesWritesWithMisconfServesReadsAndRecoversWithoutLosingAcknowledgedWrites()
    {
        // 1. Start on a small file system.
        string dir = AofTestSupport.TempDir();
        bool mounted = AofTestSupport.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).Code == 0;
        string filler = Path.Combine(dir, "filler");
        try
        {
            using (var server = AofTestSupport.NewServer(dir, "always"))
            {
                server.Start();
                using var writer = new RawClient("127.0.0.1", server.Port);
                using var other = new RawClient("127.0.0.1", server.Port);
                Assert.Equal("+OK\r\n", writer.Call("SET", "before", "1"));
                // 2. Fill the disk, then write: the reply is held since the bytes cannot be made durable.
                if (mounted) FillDisk(filler);
                else NativeFile.InjectedWriteErrno = 28;
                string big = new('x', 200_000);
                writer.Send(RawClient.Encode("SET", "big", big));
                WaitFor(() => other.Call("INFO", "persistence").Contains("aof_last_write_status:err"));
                // 3. Writes (and PING) are refused with Redis's MISCONF text; reads are served.
                Assert.Equal("-MISCONF Errors writing to the AOF file: No space left on device\r\n", other.Call("SET", "during", "x"));
                Assert.Equal("-MISCONF Errors writing to the AOF file: No space left on device\r\n", other.Call("PING"));
                Assert.Equal("$1\r\n1\r\n", other.Call("GET", "before"));
                // 4. Space comes back: the held write is acknowledged and writes are accepted again.
                if (mounted) File.Delete(filler);
                else NativeFile.InjectedWriteErrno = 0;
                Assert.Equal("+OK\r\n", writer.ReadReply());
                WaitFor(() => other.Call("SET", "after", "y") == "+OK\r\n");
                Assert.Contains("aof_last_write_status:ok", other.Call("INFO", "persistence"));
            }
            // 5. Restart: everything acknowledged is there.
            using (var server = AofTestSupport.NewServer(dir))
            {
                server.Start();
                using var c = new RawClient("127.0.0.1", server.Port);
                Assert.Equal("$1\r\n1\r\n", c.Call("GET", "before"));
                Assert.Equal(":200000\r\n", c.Call("STRLEN", "big"));
                Assert.Equal("$-1\r\n", c.Call("GET", "during"));
                Assert.Equal("$1\r\ny\r\n", c.Call("GET", "after"));
            }
        }
        finally
        {
            NativeFile.InjectedWriteErrno = 0;
            if (mounted) AofTestSupport.Run("umount", "-l", dir);
        }
    }

    [Fact]
    public void ARewriteThatRunsOutOfDiskFailsKeepsEveryWriteAndTheNextRewriteSucceeds()
    {
        // 1. A server on a small file system, with data in its first incr file.
        string dir = AofTestSupport.TempDir();
        bool mounted = AofTestSupport.Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).Code == 0;
        string filler = Path.Combine(dir, "filler");
        string appendDir = Path.Combine(dir, "appendonlydir");
        try
        {
            using (var server = AofTestSupport.NewServer(dir))
            {
                server.Start();
                using var c = new RawClient("127.0.0.1", server.Port);
                Assert.Equal("+OK\r\n", c.Call("SET", "before", "1"));
                Assert.Equal(":3\r\n", c.Call("RPUSH", "list", "a", "b", "c"));
                // 2. The rewrite starts, then the disk fills before it writes anything.
                var gate = new ManualResetEventSlim(false);
                server.Aof.TestRewriteGate = gate;
                Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
                if (mounted) FillDisk(filler);
                else NativeFile.InjectedWriteErrno = 28;
                gate.Set();
                AofTestSupport.WaitForRewrite(c);
                string info = c.Call("INFO", "persistence");
                Assert.Contains("aof_last_bgrewrite_status:err", info);
                Assert.Contains("aof_rewrites_consecutive_failures:1", info);
                // 3. Space comes back: no temp file is left, writes go on, and the next rewrite succeeds.
                if (mounted) File.Delete(filler);
                else NativeFile.InjectedWriteErrno = 0;
                Assert.Empty(Directory.GetFiles(appendDir, "temp-*"));
                Assert.Equal("+OK\r\n", c.Call("SET", "after", "2"));
                server.Aof.TestRewriteGate = null;
                Assert.Equal("+Background append only file rewriting started\r\n", c.Call("BGREWRITEAOF"));
                AofTestSupport.WaitForRewrite(c);
                info = c.Call("INFO", "persistence");
                Assert.Contains("aof_last_bgrewrite_status:ok", info);
                Assert.Contains("aof_rewrites_consecutive_failures:0", info);
                Assert.Equal("+OK\r\n", c.Call("SET", "last", "3"));
            }
            // 4. Restart: everything is there.
            using (var server = AofTestSupport.NewServer(dir))
            {
                server.Start();
                using var c = new RawClient("127.0.0.1", server.Port);
                Assert.Equal("$1\r\n1\r\n", c.Call("GET", "before"));
                Assert.Equal("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", c.Call("LRANGE", "list", "0", "-1"));
                Assert.Equal("$1\r\n2\r\n", c.Call("GET", "after"));
                Assert.Equal("$1\r\n3\r\n", c.Call("GET", "last"));
            }
        }
        finally
        {
            NativeFile.InjectedWriteErrno = 0;
            if (mounted) AofTestSupport.Run("umount", "-l", dir);
        }
    }

    [Fact]
    public void AFailedInitialAofRewriteIsRetriedByTheCronUntilItSucceeds()
    {
        string dir = AofTestSupport.TempDir();
        try
        {
            using (var server = AofTestSupport.NewServer(dir, configure: c => c.AppendOnly = false))
            {
                server.Start();
                using var c = new RawClient("127.0.0.1", server.Port);
                Assert.Equal("+OK\r\n", c.Call("SET", "before", "1"));
                // CONFIG SET appendonly yes starts the rewrite that writes the first base; it fails (ENOSPC).
                var gate = new ManualResetEventSlim(false);
                server.Aof.TestRewriteGate = gate;
                Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "appendonly", "yes"));
                NativeFile.InjectedWriteErrno = 28;
                gate.Set();
                WaitFor(() => c.Call("INFO", "persistence").Contains("aof_last_bgrewrite_status:err"));
                // aof.c: with AOF_WAIT_REWRITE a failed rewrite is scheduled again; the cron retries it.
                server.Aof.TestRewriteGate = null;
                NativeFile.InjectedWriteErrno = 0;
                WaitFor(() => c.Call("INFO", "persistence").Contains("aof_last_bgrewrite_status:ok"));
                AofTestSupport.WaitForRewrite(c);
                Assert.Contains("aof_enabled:1", c.Call("INFO", "persistence"));
                Assert.Equal("+OK\r\n", c.Call("SET", "after", "2"));
            }
            // The directory the retried rewrite made loads everything.
            using (var server = AofTestSupport.NewServer(dir))
            {
                server.Start();
                using var c = new RawClient("127.0.0.1", server.Port);
                Assert.Equal("$1\r\n1\r\n", c.Call("GET", "before"));
                Assert.Equal("$1\r\n2\r\n", c.Call("GET", "after"));
            }
        }
        finally
        {
            NativeFile.InjectedWriteErrno = 0;
        }
    }

    [Fact]
    public void AfterThreeFailedRewritesInARowTheCronWaitsBeforeTheNextAsRedisDoes()
    {
        string dir = AofTestSupport.TempDir();
        try
        {
            using var server = AofTestSupport.NewServer(dir, configure: c => c.AppendOnly = false);
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "k", "v");
            NativeFile.InjectedWriteErrno = 28;
            // The initial rewrite of appendonly yes fails and is rescheduled by every cron tick until the limit.
            Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "appendonly", "yes"));
            WaitFor(() => c.Call("INFO", "persistence").Contains("aof_rewrites_consecutive_failures:3"));
            // aof.c aofRewriteLimited: the fourth waits a minute (hz 10 would otherwise retry ten times a second).
            Thread.Sleep(1000);
            string info = c.Call("INFO", "persistence");
            Assert.Contains("aof_rewrites_consecutive_failures:3", info);
            Assert.Contains("aof_rewrite_scheduled:1", info);
        }
        finally
        {
            NativeFile.InjectedWriteErrno = 0;
        }
    }

    private static void FillDisk(string path)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        byte[] block = new byte[4096];
        try
        {
            while (true) f.Write(block);
        }
        catch (IOException)
        {
        }
        try
        {
            f.Flush();
        }
        catch (IOException)
        {
        }
    }

    private static void WaitFor(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > 10_000) throw new TimeoutException("condition not reached");
            Thread.Sleep(20);
        }
    }
}

/// <summary>The ENOSPC injection is process-wide: these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AofDiskErrorCollection
{
    public const string Name = "aof-disk-error";
}
