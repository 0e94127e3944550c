using System.Text;
using RedisFast.Persistence;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>Start-up replay: whole files, torn tails at every byte offset, aof-load-truncated yes and no.</summary>
public sealed class AofLoaderTests
{
    private static byte[] Resp(params string[] args) => RawClient.Encode(args);

    [Fact]
    public void ScanReportsTheEndOfTheLastWholeCommandForACutAtEveryByteOffset()
    {
        byte[] first = Resp("SET", "a", "1");
        byte[] second = Resp("SET", "b", "22");
        byte[] whole = [.. first, .. second];
        for (int cut = 0; cut <= whole.Length; cut++)
        {
            AofScan scan = AofLoader.Scan(whole.AsSpan(0, cut), "f");
            int expectedValid = cut < first.Length ? 0 : cut < whole.Length ? first.Length : whole.Length;
            Assert.Equal(expectedValid, scan.ValidLength);
            Assert.Equal(cut != 0 && cut != first.Length && cut != whole.Length, scan.Truncated);
        }
    }

    [Fact]
    public void ScanCutsAnUnfinishedMultiBlockBackToBeforeMulti()
    {
        byte[] set = Resp("SET", "a", "1");
        byte[] data = [.. set, .. Resp("MULTI"), .. Resp("SET", "b", "2")];
        AofScan scan = AofLoader.Scan(data, "f");
        Assert.True(scan.Truncated);
        Assert.Equal(set.Length, scan.ValidLength);
        Assert.Single(scan.Commands);
    }

    [Fact]
    public void ScanRefusesAFileThatIsNotRespWithRedisMessage()
    {
        var e = Assert.Throws<AofLoadException>(() => AofLoader.Scan("SET a 1\r\n"u8, "appendonly.aof.1.incr.aof"));
        Assert.Equal("Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>", e.Message);
    }

    [Fact]
    public void RestartAfterATornLastCommandAtEveryByteOffsetKeepsEveryWholeCommand()
    {
        // 1. Start and write: the last command is the one that gets torn.
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "a", "1");
            c.Call("SELECT", "2");
            c.Call("SET", "b", "2");
            c.Call("SET", "last", "value");
        }
        // 2. Damage: cut the last command at each offset.
        string incr = AofTestSupport.IncrFile(dir);
        byte[] full = File.ReadAllBytes(incr);
        int lastLength = Resp("SET", "last", "value").Length;
        for (int cut = full.Length - lastLength + 1; cut < full.Length; cut++)
        {
            File.WriteAllBytes(incr, full.AsSpan(0, cut).ToArray());
            // 3. Restart and assert: every whole command is there, the torn one is not, the file was cut back.
            using var server = AofTestSupport.NewServer(dir, "always");
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "a"));
            c.Call("SELECT", "2");
            Assert.Equal("$1\r\n2\r\n", c.Call("GET", "b"));
            Assert.Equal("$-1\r\n", c.Call("GET", "last"));
            Assert.Equal(full.Length - lastLength, new FileInfo(incr).Length);
            // New writes append after the cut and load next time.
            Assert.Equal("+OK\r\n", c.Call("SET", "after", "x"));
        }
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SELECT", "2");
            Assert.Equal("$1\r\nx\r\n", c.Call("GET", "after"));
        }
    }

    [Fact]
    public void ATornTailIsRefusedWithRedisMessageWhenAofLoadTruncatedIsNo()
    {
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "a", "1");
        }
        string incr = AofTestSupport.IncrFile(dir);
        File.WriteAllBytes(incr, File.ReadAllBytes(incr)[..^3]);
        using var again = AofTestSupport.NewServer(dir, configure: c => c.AofLoadTruncated = false);
        var e = Assert.Throws<AofLoadException>(again.Start);
        Assert.StartsWith("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a backup", e.Message);
    }

    [Fact]
    public void TheHostExitsWithStatusOneAndNamesTheFileAndOffsetWhenItRefusesATornTail()
    {
        string dir = AofTestSupport.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "appendonlydir"));
        File.WriteAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        byte[] set = Resp("SET", "a", "1");
        File.WriteAllBytes(AofTestSupport.IncrFile(dir), [.. set, .. set[..5]]);
        int port = RealRedisFixture.FreePort();
        string dll = Path.Combine(AppContext.BaseDirectory, "RedisFast.Server.dll");
        (int code, string output) = AofTestSupport.Run("dotnet", dll, "--port", port.ToString(), "--dir", dir, "--appendonly", "yes", "--aof-load-truncated", "no");
        Assert.Equal(1, code);
        Assert.Contains($"AOF file appendonly.aof.1.incr.aof ends with an incomplete command: the last whole command ends at offset {set.Length} of {set.Length + 5}.", output);
        Assert.Contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof.", output);
    }

    [Fact]
    public void AnUnknownCommandInTheAofIsRefusedWithRedisMessage()
    {
        string dir = AofTestSupport.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "appendonlydir"));
        File.WriteAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        File.WriteAllBytes(AofTestSupport.IncrFile(dir), Resp("NOSUCHCMD", "a"));
        using var server = AofTestSupport.NewServer(dir);
        var e = Assert.Throws<AofLoadException>(server.Start);
        Assert.Equal("Unknown command 'NOSUCHCMD' reading the append only file appendonly.aof.1.incr.aof", e.Message);
    }

    [Fact]
    public void ScriptsInAnAofWrittenByAnOlderRedisReplay()
    {
        // Redis 6 logged EVAL and EVALSHA themselves (script replication); the script cache is rebuilt as they replay.
        string dir = AofTestSupport.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "appendonlydir"));
        File.WriteAllText(Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest"), "file appendonly.aof.1.incr.aof seq 1 type i\n");
        const string Body = "redis.call('rpush', KEYS[1], ARGV[1]) return 1";
        File.WriteAllBytes(AofTestSupport.IncrFile(dir),
        [
            .. Resp("SELECT", "0"), .. Resp("EVAL", Body, "1", "l", "a"),
            .. Resp("EVALSHA", "31bdfd725c1c65dcaa60b72c5bf868ea0bee108a", "1", "l", "b"),
        ]);
        using var server = AofTestSupport.NewServer(dir);
        server.Start();
        using var c = new RawClient("127.0.0.1", server.Port);
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", c.Call("LRANGE", "l", "0", "-1"));
    }
}
