using System.Text.RegularExpressions;
using RedisFast.Networking;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;
using static RedisFast.Tests.Persistence.FastServers;
using static RedisFast.Tests.Persistence.RdbBlobs;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// Damaged and unsupported files fail with an <see cref="RdbLoadException"/> whose message is Redis's log line plus
/// where the problem is, never another exception, a hang or a huge allocation.
/// </summary>
public sealed class RdbLoaderErrorTests(RdbRedisFixture redis) : IClassFixture<RdbRedisFixture>, IDisposable
{
    private readonly RedisServer _server = NewServer();

    private RdbLoadException Fails(byte[] image, string name = "dump.rdb") =>
        Assert.Throws<RdbLoadException>(() => FlushAndLoad(_server, image, name));

    /// <summary>Loads <paramref name="image"/> into <paramref name="server"/> after FLUSHALL (the tests load many images into one server).</summary>
    private static RdbLoadResult FlushAndLoad(RedisServer server, byte[] image, string name = "dump.rdb")
    {
        var c = new Connection(server, null);
        Call(c, "FLUSHALL");
        c.Close();
        return RdbLoader.Load(server, image, name);
    }

    /// <summary>A small file from redis-server with a key of each type, a TTL and a second database.</summary>
    private byte[] SmallRealFile()
    {
        using RawClient real = redis.Fresh();
        real.Call("SET", "str", "a string value");
        real.Call("SET", "num", "12345");
        real.Call("SET", "lzf", new string('z', 60));
        real.Call("RPUSH", "list", "a", "1", "b");
        real.Call("SADD", "ints", "1", "2", "300");
        real.Call("SADD", "members", "x", "y");
        real.Call("HSET", "hash", "f", "v", "g", "7");
        real.Call("ZADD", "zset", "1.5", "m", "-inf", "n");
        real.Call("SET", "ttl", "v", "EX", "1000");
        real.Call("SELECT", "2");
        real.Call("SET", "in2", "v");
        return redis.Save(real);
    }

    /// <summary>The log lines of redis-server 7.0 starting on <paramref name="dump"/> (it fails and exits).</summary>
    private static string RedisServerLog(byte[] dump)
    {
        string dir = TestDirectory.Create();
        File.WriteAllBytes(Path.Combine(dir, "dump.rdb"), dump);
        (int code, string output) = AofTestSupport.Run("redis-server", "--port", RealRedisFixture.FreePort().ToString(), "--bind", "127.0.0.1", "--dir", dir, "--save", "");
        Assert.NotEqual(0, code);
        Directory.Delete(dir, true);
        return output;
    }

    /// <summary>What redis-server 7.0 does with <paramref name="dump"/> when it loads it: its HLEN of key h, and its log.</summary>
    private static (string HLen, string Log) RedisServerLoads(byte[] dump)
    {
        string dir = TestDirectory.Create();
        File.WriteAllBytes(Path.Combine(dir, "dump.rdb"), dump);
        using RedisChild real = RedisChild.Start(dir, "dump.rdb");
        using RawClient client = real.Connect();
        return (client.Call("HLEN", "h"), real.Log);
    }

    /// <summary>The text of the first log line containing <paramref name="start"/>, from there on.</summary>
    private static string LogLine(string log, string start)
    {
        Match m = Regex.Match(log, Regex.Escape(start) + "[^\n]*");
        Assert.True(m.Success, $"no line with '{start}' in:\n{log}");
        return m.Value;
    }

    [Fact]
    public void ACutAtEveryByteOffsetFailsWithAShortReadAndTheWholeFileLoads()
    {
        byte[] dump = SmallRealFile();
        for (int cut = 0; cut < dump.Length; cut++)
        {
            RdbLoadException e = Fails(dump[..cut]);
            Assert.StartsWith("Short read or OOM loading DB. Unrecoverable error, aborting now.", e.Message);
            Assert.Contains("dump.rdb at offset ", e.Message);
        }
        Assert.Equal(10, FlushAndLoad(_server, dump).KeysLoaded);
    }

    [Fact]
    public void AnyFlippedByteEitherLoadsOrFailsCleanly()
    {
        // Checksum off, so the damage reaches the decoders instead of being caught at the end.
        byte[] dump = SmallRealFile();
        Array.Clear(dump, dump.Length - 8, 8);
        foreach (byte mask in (byte[])[0x01, 0x04, 0x20, 0x80, 0xFF])
        {
            for (int i = 0; i < dump.Length - 8; i++)
            {
                byte[] damaged = (byte[])dump.Clone();
                damaged[i] ^= mask;
                try
                {
                    FlushAndLoad(_server, damaged);
                }
                catch (RdbLoadException)
                {
                }
            }
        }
    }

    [Fact]
    public void ErrorMessagesBeginWithTheLineRedisServerLogsForTheSameFile()
    {
        byte[] dump = SmallRealFile();
        int value = IndexOf(dump, B("a string value"));
        byte[] flipped = (byte[])dump.Clone();
        flipped[value + 3] ^= 0x01;
        byte[] wrongVersion = (byte[])dump.Clone();
        B("0011").CopyTo(wrongVersion, 5);
        byte[] wrongMagic = (byte[])dump.Clone();
        wrongMagic[1] = (byte)'X';
        foreach ((byte[] file, string line) in ((byte[], string)[])[
            (flipped, "Wrong RDB checksum"),
            (dump[..(dump.Length - 20)], "Short read or OOM"),
            (wrongVersion, "Can't handle RDB format version"),
            (wrongMagic, "Wrong signature")])
        {
            string expected = LogLine(RedisServerLog(file), line);
            Assert.StartsWith(expected, Fails(file).Message);
        }
    }

    [Fact]
    public void AWrongSignatureOrVersionIsRefusedWithRedisMessages()
    {
        Assert.Equal("Wrong signature trying to load DB from file", Fails(B("REDIX0010\xff")).Message);
        Assert.Equal("Can't handle RDB format version 11", Fails(B("REDIS0011\xff")).Message);
        Assert.Equal("Can't handle RDB format version 0", Fails(B("REDIS0000\xff")).Message);
        Assert.Equal("Can't handle RDB format version 0", Fails(B("REDISabcd\xff")).Message);
        Assert.StartsWith("Short read", Fails(B("REDIS")).Message);
    }

    [Fact]
    public void ADatabaseNumberBeyondTheConfiguredCountIsFatal()
    {
        RdbLoadException e = Fails(new RdbImage().SelectDb(16).Key(0, "k").String("v").End());
        Assert.Equal("FATAL: Data file was created with a Redis server configured to handle more than 16 databases. Exiting", e.Message);
    }

    [Fact]
    public void ADuplicatedKeyInTheFileOrAKeyAlreadyInTheKeyspaceFails()
    {
        byte[] twice = new RdbImage().SelectDb(3).Key(0, "dup").String("1").Key(1, "dup").Length(1).String("x").End();
        Assert.Equal("RDB has duplicated key 'dup' in DB 3", Fails(twice).Message);

        // Many keys in between, so the first copy may or may not have been applied yet: the check sees it either way.
        var many = new RdbImage();
        for (int i = 0; i < 5000; i++) many.Key(0, "k" + i).String("value");
        Assert.Equal("RDB has duplicated key 'k10' in DB 0", Fails(many.Key(0, "k10").String("again").End()).Message);

        byte[] one = new RdbImage().Key(2, "existing").Length(1).String("m").End();
        var c = new Connection(_server, null);
        Call(c, "FLUSHALL");
        Call(c, "SET", "existing", "already");
        Assert.Equal("RDB has duplicated key 'existing' in DB 0", Assert.Throws<RdbLoadException>(() => RdbLoader.Load(_server, one, "dump.rdb")).Message);
        Assert.Equal("$7\r\nalready\r\n", Call(c, "GET", "existing"));
        c.Close();
    }

    [Fact]
    public void AMemberTwiceInASetOrSortedSetFailsWithRedisReason()
    {
        byte[] Double(double d) => BitConverter.GetBytes(d);
        foreach (RdbImage image in (RdbImage[])[
            new RdbImage().Key(2, "k").Length(2).String("a").String("a"),
            new RdbImage().Key(2, "k").Length(3).String("1").String("2").String("1"),
            new RdbImage().Key(5, "k").Length(2).String("m").Raw(Double(1)).String("m").Raw(Double(2)),
            new RdbImage().Key(3, "k").Length(2).String("m").String("1").String("m").String("2")])
        {
            byte[] file = image.End(checksum: false);
            // redis-server: "Internal error in RDB reading offset 0, function at rdb.c:1829 -> Duplicate set members detected"
            string reason = LogLine(RedisServerLog(file), "Duplicate ");
            RdbLoadException e = Fails(file);
            Assert.StartsWith("Internal error in RDB reading offset ", e.Message);
            Assert.EndsWith($"-> {reason} in the value of key 'k'", e.Message);
        }
    }

    [Fact]
    public void AHashFieldTwiceLoadsWithTheLastValueWhereRedisServerLoadsTheFileToo()
    {
        // redis-server 7.0 does not check hash fields for duplicates (it keeps both); RedisFast keeps one field.
        byte[] file = new RdbImage().Key(4, "h").Length(3).String("f").String("v").String("g").String("1").String("f").String("w").End();
        (string redisHLen, string log) = RedisServerLoads(file);
        Assert.Contains("Done loading RDB, keys loaded: 1", log);
        Assert.Equal(":3\r\n", redisHLen);
        Assert.Equal(1, FlushAndLoad(_server, file).KeysLoaded);
        var c = new Connection(_server, null);
        Assert.Equal("$1\r\nw\r\n", Call(c, "HGET", "h", "f"));
        Assert.Equal(":2\r\n", Call(c, "HLEN", "h"));
        c.Close();
    }

    [Fact]
    public void ResizeDbSizesTheTableFromTheFileButNoMoreThanTheFileCanHold()
    {
        var image = new RdbImage().ResizeDb(int.MaxValue, int.MaxValue);
        for (int i = 0; i < 1000; i++) image.Key(0, "k" + i).String("v");
        byte[] file = image.End();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(1000, FlushAndLoad(_server, file).KeysLoaded);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated more than 16 MB");
        var c = new Connection(_server, null);
        Assert.Equal("$1\r\nv\r\n", Call(c, "GET", "k999"));
        c.Close();
    }

    [Fact]
    public void AStreamKeyFailsNamingTheKeyAndTheType()
    {
        using RawClient real = redis.Fresh();
        real.Call("SET", "before", "v");
        real.Call("XADD", "events", "*", "field", "value");
        RdbLoadException e = Assert.Throws<RdbLoadException>(() => FlushAndLoad(_server, redis.Save(real)));
        Assert.Matches(@"^Key 'events' in DB 0 is a stream \(RDB type 19, dump\.rdb at offset \d+\): RedisFast has no streams$", e.Message);
    }

    [Fact]
    public void FunctionLibrariesLoadAndPreReleaseOrBrokenOnesFailWithRedisReason()
    {
        using RawClient real = redis.Fresh();
        Assert.Equal("$3\r\nlib\r\n", real.Call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)"));
        byte[] dump = redis.Save(real);
        Assert.Equal("+OK\r\n", real.Call("FUNCTION", "FLUSH"));
        FlushAndLoad(_server, dump);
        Assert.Equal(":1\r\n", Latin1Commands.Call(new RedisFast.Networking.Connection(_server, null), "FCALL", "f", "0"));

        Assert.StartsWith("Pre-release function format not supported", Fails(new RdbImage().Byte(0xF6).String("#!lua name=old\n").End()).Message);
        Assert.StartsWith("Failed loading library, Error compiling function: user_function:2:",
            Fails(new RdbImage().Byte(0xF5).String("#!lua name=broken\nsyntax error").End()).Message);
    }

    [Fact]
    public void ModuleDataFailsNamingWhatIsUnsupported()
    {

        // A module id: "mymodule1" in 9 characters of 6 bits, then a 10-bit encoding version.
        ulong id = 0;
        foreach (char ch in "mymodule1") id = id << 6 | (uint)"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".IndexOf(ch);
        id = id << 10 | 3;
        Assert.StartsWith("The RDB file contains AUX module data I can't load: no matching module 'mymodule1'", Fails(new RdbImage().Byte(0xF7).Length(id).End()).Message);
        Assert.StartsWith("The RDB file contains module data I can't load: no matching module type 'mymodule1' for key 'mk'",
            Fails(new RdbImage().Key(7, "mk").Length(id).End()).Message);
        Assert.StartsWith("Pre-release module format not supported: key 'old'", Fails(new RdbImage().Key(6, "old").Length(id).End()).Message);
    }

    [Fact]
    public void CorruptValuesFailWithTheOffsetAndTheFileName()
    {
        string Corrupt(RdbImage image) => Fails(image.End(), "my.rdb").Message;
        // dump header is 9 bytes; the key type byte at 9, key at 10.
        Assert.Equal("Internal error in RDB reading offset 9 of my.rdb -> Unknown RDB encoding type 8", Corrupt(new RdbImage().Key(8, "k").String("v")));
        Assert.Equal("Internal error in RDB reading offset 12 of my.rdb -> Invalid LZF compressed string",
            Corrupt(new RdbImage().Key(0, "k").LzfString([0x20, 0x05, 0x00], 10)));
        Assert.StartsWith("Internal error in RDB reading offset 12 of my.rdb -> Invalid LZF compressed string (compressed 1 bytes, claims 1000000000)",
            Corrupt(new RdbImage().Key(0, "k").LzfString([0x00], 1_000_000_000)));
        Assert.Equal("Internal error in RDB reading offset 12 of my.rdb -> Unknown RDB string encoding type 4", Corrupt(new RdbImage().Key(0, "k").Byte(0xC4)));
        Assert.Equal("Internal error in RDB reading offset 12 of my.rdb -> Unknown length encoding 130 in rdbLoadLen()", Corrupt(new RdbImage().Key(0, "k").Byte(0x82)));
        Assert.StartsWith("Internal error in RDB reading offset 13 of my.rdb -> Quicklist integrity check failed.",
            Corrupt(new RdbImage().Key(18, "k").Length(1).Length(3).String("x")));
        Assert.StartsWith("Internal error in RDB reading offset 15 of my.rdb -> Zset with NAN score detected",
            Corrupt(new RdbImage().Key(3, "k").Length(1).String("m").Byte(253)));
        Assert.StartsWith("Internal error in RDB reading offset 12 of my.rdb -> Listpack integrity check failed. (header says 99 bytes",
            Corrupt(new RdbImage().Key(16, "k").String([.. Le32(99), 0, 0, 0xFF])));
        byte[] ziplist = Ziplist("a", "b");
        ziplist[13] = 5; // the second entry's previous-entry length
        Assert.StartsWith("Internal error in RDB reading offset 12 of my.rdb -> Ziplist integrity check failed. (entry at byte 13 says the previous one has 5 bytes, it has 3) in the value of key 'k'",
            Corrupt(new RdbImage().Key(10, "k").String(ziplist)));
        Assert.StartsWith("Internal error in RDB reading offset 12 of my.rdb -> Intset integrity check failed.", Corrupt(new RdbImage().Key(11, "k").String([.. Le32(3), .. Le32(1), 1, 2, 3])));
        Assert.StartsWith("Internal error in RDB reading offset 12 of my.rdb -> Zipmap integrity check failed.", Corrupt(new RdbImage().Key(9, "k").String([1, 5, (byte)'a', 0xFF])));
        Assert.StartsWith("Internal error in RDB reading offset 12 of my.rdb -> Zset integrity check failed.", Corrupt(new RdbImage().Key(17, "k").String(Listpack("m", "not a number"))));
    }

    [Fact]
    public void HugeLengthsFailAsShortReadsBeforeAnythingIsAllocated()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (RdbImage image in (RdbImage[])[
            new RdbImage().Key(0, "k").Length(ulong.MaxValue),
            new RdbImage().Key(0, "k").Length(1UL << 40),
            new RdbImage().Key(1, "k").Length(uint.MaxValue),
            new RdbImage().Key(18, "k").Length(1UL << 62),
            new RdbImage().Key(0, "k").Byte(0xC3).Length(1UL << 62).Length(10),
            new RdbImage().Byte(0xFA).Length(int.MaxValue)])
        {
            Assert.StartsWith("Short read or OOM loading DB.", Fails(image.Bytes).Message);
        }
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated more than 16 MB");
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    public void Dispose() => _server.Dispose();
}
