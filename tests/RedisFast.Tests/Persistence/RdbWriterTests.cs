using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;
using static RedisFast.Tests.Persistence.FastServers;
using static RedisFast.Tests.Persistence.RdbWriterHarness;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// RdbWriter against the real thing: redis-check-rdb validates what it writes, redis-server 7.0 loads it into the
/// same data and encodings, and each value is byte for byte what redis-server's DUMP gives after the same commands.
/// </summary>
public sealed class RdbWriterTests
{
    [Fact]
    public void RedisServerLoadsEveryTypeAndEncodingRedisFastWroteAndRedisCheckRdbAcceptsTheFile()
    {
        // 1. RedisFast holds a key of every type and encoding, in several databases, some with a TTL.
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        RdbSample sample = RdbSample.Fill(fc);
        // 2. The writer writes the keyspace (LZF on, checksum on, an fdatasync every 64 KB).
        string path = Path.Combine(dir, "dump.rdb");
        long size = WriteRdb(fast, path, new Options(FsyncEveryBytes: 64 * 1024));
        Assert.Equal(new FileInfo(path).Length, size);
        // 3. redis-check-rdb accepts it and reads the aux fields and every key.
        (int code, string output) = AofTestSupport.Run("redis-check-rdb", path);
        Assert.True(code == 0, output);
        Assert.Contains("Checksum OK", output);
        Assert.Contains("\\o/ RDB looks OK! \\o/", output);
        Assert.Contains($"[info] {sample.Keys.Count} keys read", output);
        Assert.Contains($"[info] {sample.Keys.Count(k => k.Key.StartsWith("ttl:") || k.Key == "db1:ttl")} expires", output);
        // 4. redis-server 7.0 loads it: the same keys, values and TTLs in every database.
        using RedisChild redis = RedisChild.Start(dir, "dump.rdb");
        using RawClient rc = redis.Connect();
        Assert.Matches($"Done loading RDB, keys loaded: {sample.Keys.Count}, keys expired: 0", redis.Log);
        KeyspaceDump written = KeyspaceDump.Read(fc);
        KeyspaceDump.AssertSame(written, KeyspaceDump.Read(rc));
        Assert.Equal(sample.Keys.Count, written.Entries.Count);
        // 5. ... in the encodings Redis chooses: compact for small values, the general ones past the thresholds.
        foreach ((int db, string key, string encoding) in sample.Keys)
        {
            Exec(rc, "SELECT", db.ToString());
            Assert.Equal($"{key}: {encoding}", $"{key}: {Bulk(rc, "OBJECT", "ENCODING", key)}");
        }
    }

    [Fact]
    public void EachValueIsByteForByteWhatRedisDumpsAfterTheSameCommands()
    {
        // 1. The same commands on RedisFast and on redis-server (DUMP without LZF, as the writer with compress false).
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        using RedisChild redis = RedisChild.Start(dir, "none.rdb", "--rdbcompression", "no", "--enable-debug-command", "yes");
        using RawClient rc = redis.Connect();
        Assert.Equal("+OK\r\n", fc.Call("CONFIG", "SET", "rdbcompression", "no"));
        var keys = new List<(string Key, Options Options)>();
        var plain = new Options(Compress: false);
        void Run(params string[] command)
        {
            object? expected = Exec(rc, command);
            Assert.False(expected is RespError, $"{command[0]}: {expected}");
            Assert.Equal(expected is long n ? n : -1, Exec(fc, command) is long m ? m : -1);
        }
        void Both(Options options, params string[] command)
        {
            Run(command);
            if (!keys.Exists(k => k.Key == command[1])) keys.Add((command[1], options));
        }
        // Strings: every integer width and the strings that are not canonical integers, short and long.
        foreach (long v in RdbSample.IntegerBoundaries) Both(plain, "SET", $"s:{v}", v.ToString());
        foreach (string s in (string[])["007", "-0", "+1", "", "a\0b\u00ff", new string('y', 20), new string('y', 21), new string('a', 100)])
            Both(plain, "SET", $"s:{s}", s);
        Both(plain, "SET", "s:random", RdbSample.RandomText(5000, seed: 5000));
        // Intsets of each width.
        Both(plain, "SADD", "set:16", "3", "1", "-32768", "32767");
        Both(plain, "SADD", "set:32", "3", "-32769", "2147483647");
        Both(plain, "SADD", "set:64", "3", "2147483648", long.MinValue.ToString());
        // Listpacks: every integer encoding, 6- and 12-bit strings, in a hash and a sorted set.
        foreach (long v in RdbSample.ListpackIntegers) Both(plain, "HSET", "h:ints", v.ToString(), (-v).ToString());
        Both(plain, "HSET", "h:strings", "", "007", "-0", " 1", new string('f', 63), new string('v', 64), "x", "9223372036854775808");
        Both(plain, "ZADD", "z:scores", "inf", "a", "-inf", "b", "-1.5", "c", "0.25", "d", "1e300", "e", "3", "f", "-7", "g", "0", "h",
            "9007199254740992", "i", "1e17", "j", "0.1", "k", "-2.5e-10", "l", "4503599627370496", "m", "4095", "n", "-8388609", "o");
        // Lists: small, cut in many nodes, elements past the node size, 32-bit strings, 3-byte backlens.
        Both(plain, "RPUSH", "l:small", "a", "", "1", "-2", "300", "70000", "5000000000", "007", new string('s', 70));
        Both(plain, ["RPUSH", "l:large", .. Enumerable.Range(0, 10_000).Select(i => i % 3 == 0 ? (i * 1001).ToString() : $"element-{i}")]);
        Both(plain, "RPUSH", "l:big-elements", "a", new string('b', 10_000), "c", new string('d', 4096), new string('e', 20_000), "f");
        // Nodes cut under other list-max-listpack-size values.
        foreach (int fill in (int[])[-1, -5, -9, 1, 3, 200])
        {
            Run("CONFIG", "SET", "list-max-listpack-size", fill.ToString());
            Both(plain with { ListMaxListpackSize = fill }, ["RPUSH", $"l:fill{fill}", .. Enumerable.Range(0, 3_000).Select(i => new string('x', i % 50))]);
        }
        Run("CONFIG", "SET", "list-max-listpack-size", "-2");
        // PLAIN nodes: elements from the packed threshold up.
        Assert.Equal("+OK\r\n", rc.Call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000"));
        Both(plain with { PackedThreshold = 1000 }, "RPUSH", "l:plain", "a", new string('p', 2000), "b", new string('q', 1000), new string('r', 999), "c");
        Assert.Equal("+OK\r\n", rc.Call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"));
        // 2. Type byte and value as the writer writes them = DUMP's payload before its version and CRC.
        foreach ((string key, Options options) in keys)
        {
            byte[] dump = (byte[])Exec(rc, "DUMP", key)!;
            string expected = Convert.ToHexString(dump, 0, dump.Length - 10);
            string actual = Convert.ToHexString(TypeAndValue(fast, key, dir, options));
            Assert.Equal($"{key}: {expected}", $"{key}: {actual}");
            // 3. RedisFast's DUMP, footer and CRC included, for the keys made under the default list config.
            if (options == plain) Assert.Equal($"{key}: {Convert.ToHexString(dump)}", $"{key}: {Convert.ToHexString((byte[])Exec(fc, "DUMP", key)!)}");
        }
    }

    [Fact]
    public void AFileOfOneKeyPerDatabaseIsByteForByteWhatRedisSavesApartFromCtime()
    {
        // 1. The same keys in RedisFast and redis-server; redis-server SAVEs.
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        using RedisChild redis = RedisChild.Start(dir, "redis.rdb");
        using RawClient rc = redis.Connect();
        foreach (RawClient c in (RawClient[])[fc, rc])
        {
            Exec(c, "SET", "a", "1", "PXAT", "4102444800123");
            Exec(c, "SELECT", "2");
            Exec(c, "RPUSH", "list", "x", "5000000000", new string('z', 100));
            Exec(c, "SELECT", "9");
            Exec(c, "HSET", "h", "f", "v");
        }
        Assert.Equal("+OK\r\n", rc.Call("SAVE"));
        byte[] expected = File.ReadAllBytes(Path.Combine(dir, "redis.rdb"));
        // 2. RedisFast's file, with redis-server's used-mem (read back by redis-check-rdb).
        string usedMem = Regex.Match(AofTestSupport.Run("redis-check-rdb", Path.Combine(dir, "redis.rdb")).Output, "used-mem = '(\\d+)'").Groups[1].Value;
        string path = Path.Combine(dir, "fast.rdb");
        WriteRdb(fast, path, new Options(UsedMemory: long.Parse(usedMem)));
        byte[] actual = File.ReadAllBytes(path);
        // 3. Equal but for ctime (its INT32 after "ctime") and so the checksum, which redis-check-rdb verifies.
        Assert.Equal(expected.Length, actual.Length);
        int ctime = expected.AsSpan().IndexOf("ctime"u8) + 5;
        Assert.Equal(0xC2, actual[ctime]);
        expected.AsSpan(ctime, 5).CopyTo(actual.AsSpan(ctime));
        Assert.Equal(Convert.ToHexString(expected, 0, expected.Length - 8), Convert.ToHexString(actual, 0, actual.Length - 8));
        (int code, string output) = AofTestSupport.Run("redis-check-rdb", path);
        Assert.True(code == 0, output);
        Assert.Contains("Checksum OK", output);
    }

    [Fact]
    public void TheHeaderHasRedis70sAuxFields()
    {
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        foreach (bool aofBase in (bool[])[false, true])
        {
            string path = Path.Combine(dir, $"aux-{aofBase}.rdb");
            long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using (SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
            {
                var w = new RdbWriter(file, 0, compress: true, checksum: true);
                w.Header(aofBase, usedMemory: 5_000_000_000);
                w.Finish();
            }
            Assert.StartsWith("REDIS0010", S(File.ReadAllBytes(path)));
            (int code, string output) = AofTestSupport.Run("redis-check-rdb", path);
            Assert.True(code == 0, output);
            Assert.Contains($"AUX FIELD redis-ver = '{RdbWriter.RedisVersion}'", output);
            Assert.Contains("AUX FIELD redis-bits = '64'", output);
            long ctime = long.Parse(Regex.Match(output, "AUX FIELD ctime = '(\\d+)'").Groups[1].Value);
            Assert.InRange(ctime, before, before + 5);
            Assert.Contains("AUX FIELD used-mem = '5000000000'", output);
            Assert.Contains($"AUX FIELD aof-base = '{(aofBase ? 1 : 0)}'", output);
        }
    }

    [Fact]
    public void TheLastEightBytesAreTheCrc64OfEverythingBeforeThem()
    {
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        Exec(fc, "SET", "big", RdbSample.RandomText(200_000, seed: 200_000));
        Exec(fc, "RPUSH", "l", "x", "y");
        string path = Path.Combine(dir, "dump.rdb");
        WriteRdb(fast, path, new Options(FsyncEveryBytes: 1));
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(0xFF, file[^9]);
        ulong crc = Crc64.Update(0, file.AsSpan(0, file.Length - 8));
        Assert.NotEqual(0UL, crc);
        Assert.Equal(crc, BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(file.Length - 8)));
    }

    [Fact]
    public void WithoutChecksumTheFileEndsInEightZeroBytesAndStillLoads()
    {
        // 1. Write with checksum off.
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        Exec(fc, "SET", "a", "1");
        Exec(fc, "RPUSH", "l", "x", "y");
        string path = Path.Combine(dir, "dump.rdb");
        WriteRdb(fast, path, new Options(Checksum: false));
        // 2. EOF, then eight zeros: "saved with checksum disabled".
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(0xFF, file[^9]);
        Assert.Equal(new byte[8], file[^8..]);
        (int code, string output) = AofTestSupport.Run("redis-check-rdb", path);
        Assert.True(code == 0, output);
        Assert.Contains("RDB file was saved with checksum disabled", output);
        // 3. redis-server loads it (rdbchecksum yes: a zero checksum is not checked).
        using RedisChild redis = RedisChild.Start(dir, "dump.rdb");
        using RawClient rc = redis.Connect();
        Assert.Equal("1", Bulk(rc, "GET", "a"));
        Assert.Equal(new[] { "x", "y" }, Strings(rc, "LRANGE", "l", "0", "-1"));
    }

    [Fact]
    public void WithoutCompressionLongStringsAreStoredAsTheyAreAndWithItTheyShrink()
    {
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        string value = string.Concat(Enumerable.Repeat("compressible text, ", 5_000));
        Exec(fc, "SET", "long-key-that-would-compress-too-" + new string('k', 50), value);
        Exec(fc, "HSET", "h", "f", new string('v', 60));
        foreach (bool compress in (bool[])[false, true])
        {
            string path = Path.Combine(dir, $"dump-{compress}.rdb");
            long size = WriteRdb(fast, path, new Options(Compress: compress));
            byte[] file = File.ReadAllBytes(path);
            bool verbatim = file.AsSpan().IndexOf(B(value)) >= 0;
            Assert.Equal(!compress, verbatim);
            Assert.Equal(!compress, file.AsSpan().IndexOf(B(new string('k', 50))) >= 0);
            if (compress) Assert.True(size < 5_000, $"{size} bytes");
            else Assert.True(size > value.Length, $"{size} bytes");
            (int code, string output) = AofTestSupport.Run("redis-check-rdb", path);
            Assert.True(code == 0, output);
        }
    }

    [Fact]
    public void ElementsFromThePackedThresholdUpGoInPlainNodesThatRedisServerLoads()
    {
        // 1. A list whose big elements the writer puts in PLAIN nodes.
        string dir = TestDirectory.Create();
        using RedisServer fast = StartFast(dir);
        using var fc = new RawClient("127.0.0.1", fast.Port);
        string[] elements = ["a", new string('p', 3000), "b", "c", new string('q', 5000), new string('r', 1999)];
        Exec(fc, ["RPUSH", "l", .. elements]);
        WriteRdb(fast, Path.Combine(dir, "dump.rdb"), new Options(PackedThreshold: 2000));
        // 2. redis-server loads it and keeps the nodes as they are: its DUMP is the writer's value.
        using RedisChild redis = RedisChild.Start(dir, "dump.rdb", "--rdbcompression", "no");
        using RawClient rc = redis.Connect();
        Assert.Equal(elements, Strings(rc, "LRANGE", "l", "0", "-1"));
        byte[] dump = (byte[])Exec(rc, "DUMP", "l")!;
        byte[] written = TypeAndValue(fast, "l", dir, new Options(Compress: false, PackedThreshold: 2000));
        Assert.Equal(Convert.ToHexString(dump, 0, dump.Length - 10), Convert.ToHexString(written));
        // Five nodes: [a], PLAIN p, [b c], PLAIN q, then [r] (one byte short of the threshold) after a PLAIN node.
        Assert.Equal(new byte[] { 0x12, 5, 2 }, written[..3]);
    }

    [Fact]
    public void AFailedWriteThrowsIOException()
    {
        string path = Path.Combine(TestDirectory.Create(), "read-only.rdb");
        File.WriteAllBytes(path, []);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var w = new RdbWriter(file, 0, compress: true, checksum: true);
        w.Header(aofBase: false, usedMemory: 0);
        Assert.Throws<IOException>(() => w.Finish());
    }
}
