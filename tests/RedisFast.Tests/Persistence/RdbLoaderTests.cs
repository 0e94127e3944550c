using RedisFast.Networking;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;
using static RedisFast.Tests.Persistence.FastServers;
using static RedisFast.Tests.Persistence.RdbBlobs;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// dump.rdb files written by redis-server 7.0 load into RedisFast with the same keys, types, values and TTLs as
/// redis-server itself holds: one test per family of encodings Redis 7.0 writes, each checked key by key.
/// </summary>
public sealed class RdbLoaderTests(RdbRedisFixture redis) : IClassFixture<RdbRedisFixture>
{
    private static void Ok(RawClient c, params string[] command) => Assert.DoesNotContain("-", c.Call(command)[..1]);

    private static void Ok(RawClient c, params byte[][] command) => Assert.DoesNotContain("-", Call(c, command)[..1]);

    /// <summary>Saves, loads the file into a new RedisFast and compares everything with the reference.</summary>
    private RdbLoadResult SaveLoadAndCompare(RawClient real)
    {
        byte[] dump = redis.Save(real);
        using RedisServer fast = NewServer();
        RdbLoadResult result = RdbLoader.Load(fast, dump, "dump.rdb");
        Assert.Equal(dump.Length, result.Consumed);
        AssertSameData(real, fast);
        return result;
    }

    /// <summary>Every key of every database: the same in RedisFast as in redis-server.</summary>
    private static void AssertSameData(RawClient real, RedisServer fast) => KeyspaceDump.AssertSame(KeyspaceDump.Read(real), KeyspaceDump.Read(fast));

    [Fact]
    public void StringsOfEveryEncodingLoadByteForByte()
    {
        using RawClient real = redis.Fresh();
        string[] integers =
        [
            "0", "1", "-1", "12", "127", "-128", "128", "-129", "32767", "-32768", "32768", "-32769", "2147483647",
            "-2147483648", "2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "99999999999",
            "007", "-0", "1.5", " 1", "+1",
        ];
        foreach (string i in integers) Ok(real, "SET", "int:" + i, i);
        Ok(real, "SET", "empty", "");
        Ok(real, [B("SET"), B("binary"), B("a\0b\r\nc\xff\x80")]);
        Ok(real, "SET", "compressible", new string('a', 1000) + "tail");
        Ok(real, "SET", "short-uncompressed", "abcdefghijklmnopqrst"); // 20 bytes: Redis never compresses those
        var random = new byte[1 << 20];
        new Random(7).NextBytes(random);
        Ok(real, [B("SET"), B("1mb-random"), random]);
        Ok(real, [B("SET"), B("1mb-compressible"), Repeat("RedisFast RDB loader ", 1 << 20)]);
        Ok(real, "INCRBY", "counter", "-5");
        Ok(real, "APPEND", "appended", "x");
        Ok(real, [B("SET"), B("key\0with\r\nbinary\xff"), B("v")]);
        Ok(real, [B("SET"), Repeat("long-compressible-key-", 300), B("v")]);

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(integers.Length + 10, result.KeysLoaded);
        Assert.Equal(0, result.ExpiredSkipped);
    }

    [Fact]
    public void ListsInListpackQuicklistCompressedAndPlainNodesLoadInOrder()
    {
        using RawClient real = redis.Fresh();
        // A quicklist (7.0 has no other list encoding) of one listpack node with every entry encoding: 7-bit, 13, 16, 24, 32 and 64-bit integers, 6, 12 and 32-bit strings.
        Ok(real, "RPUSH", "small", "a", "", "0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767", "-8388608",
            "8388607", "8388608", "-2147483648", "2147483647", "2147483648", "-9223372036854775808", "9223372036854775807",
            new string('m', 63), new string('n', 64), new string('o', 1000), new string('p', 4096));
        // Many small nodes.
        Ok(real, "CONFIG", "SET", "list-max-listpack-size", "4");
        Ok(real, ["RPUSH", "nodes", .. Enumerable.Range(0, 1000).Select(i => "item" + i)]);
        Assert.Equal("$9\r\nquicklist\r\n", real.Call("OBJECT", "ENCODING", "nodes"));
        // Inner nodes LZF-compressed in memory, saved as compressed strings.
        Ok(real, "CONFIG", "SET", "list-max-listpack-size", "8");
        Ok(real, "CONFIG", "SET", "list-compress-depth", "1");
        Ok(real, ["RPUSH", "compressed", .. Enumerable.Range(0, 100).Select(i => $"compressible-element-{i % 3}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]);
        // Plain nodes: elements over the packed threshold get a node of their own (container PLAIN).
        Ok(real, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000");
        Ok(real, "RPUSH", "plain", "before", new string('q', 2000), "middle", string.Concat(Enumerable.Range(0, 300).Select(i => (char)('a' + i % 26))), "after");
        Assert.Contains("ql_nodes:3 ", real.Call("DEBUG", "OBJECT", "plain"));
        Assert.Matches("ql_nodes:13 .* ql_compressed:1 ", real.Call("DEBUG", "OBJECT", "compressed"));
        Ok(real, "CONFIG", "SET", "list-compress-depth", "0");
        Ok(real, "CONFIG", "SET", "list-max-listpack-size", "-2");
        Ok(real, ["RPUSH", "big", .. Enumerable.Range(0, 10_000).Select(i => (i * 7919).ToString())]);
        Ok(real, "SELECT", "3");
        Ok(real, [B("RPUSH"), B("bin\0key"), B("\0"), B("\r\n"), B("\xff\xfe")]);

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(6, result.KeysLoaded);
    }

    [Fact]
    public void SetsAsIntsetsOfEveryWidthAndHashtablesLoad()
    {
        using RawClient real = redis.Fresh();
        Ok(real, "SADD", "intset16", "1", "2", "-3", "32767", "-32768");
        Ok(real, "SADD", "intset32", "1", "100000", "-2147483648", "2147483647");
        Ok(real, "SADD", "intset64", "1", "1099511627776", "-4611686018427387904", "9223372036854775807", "-9223372036854775808");
        Assert.Equal("$6\r\nintset\r\n", real.Call("OBJECT", "ENCODING", "intset64"));
        Ok(real, "SADD", "strings", "a", "b", "", "c\0d");
        Ok(real, ["SADD", "many-ints", .. Enumerable.Range(0, 1000).Select(i => (i * 31).ToString())]);
        Ok(real, ["SADD", "many", .. Enumerable.Range(0, 3000).Select(i => "member:" + i)]);
        Assert.Equal("$9\r\nhashtable\r\n", real.Call("OBJECT", "ENCODING", "many"));
        Ok(real, "SADD", "long-member", new string('z', 5000), "short");

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(7, result.KeysLoaded);
    }

    [Fact]
    public void HashesAsListpacksAndHashtablesLoad()
    {
        using RawClient real = redis.Fresh();
        Ok(real, "HSET", "small", "f", "v", "int", "12345", "neg", "-70000", "empty", "", "", "empty-field");
        Assert.Equal("$8\r\nlistpack\r\n", real.Call("OBJECT", "ENCODING", "small"));
        Ok(real, ["HSET", "many", .. Enumerable.Range(0, 1000).SelectMany(i => new[] { "field:" + i, "value:" + i * 3 })]);
        Assert.Equal("$9\r\nhashtable\r\n", real.Call("OBJECT", "ENCODING", "many"));
        Ok(real, "HSET", "long-value", "f", new string('v', 100), "g", new string('w', 3000));
        Assert.Equal("$9\r\nhashtable\r\n", real.Call("OBJECT", "ENCODING", "long-value"));
        Ok(real, [B("HSET"), B("binary"), B("f\0\r\n"), B("\xff\0")]);

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(4, result.KeysLoaded);
    }

    [Fact]
    public void SortedSetsKeepEveryScoreExactlyIncludingInfinities()
    {
        using RawClient real = redis.Fresh();
        string[] scores = ["inf", "-inf", "-1.5", "0", "1e300", "-1e300", "0.1", "3.0000000000000004", "1e-300", "4.9406564584124654e-324", "123456789012345678", "-0.333333333333333314829616256247"];
        Ok(real, ["ZADD", "small", .. scores.SelectMany((s, i) => new[] { s, "m" + i })]);
        Assert.Equal("$8\r\nlistpack\r\n", real.Call("OBJECT", "ENCODING", "small"));
        var rng = new Random(3);
        Ok(real, ["ZADD", "skiplist", .. Enumerable.Range(0, 1000).SelectMany(i => new[] { (rng.NextDouble() * 2e6 - 1e6).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "member:" + i })]);
        Ok(real, ["ZADD", "skiplist", .. scores.SelectMany((s, i) => new[] { s, "special" + i })]);
        Assert.Equal("$8\r\nskiplist\r\n", real.Call("OBJECT", "ENCODING", "skiplist"));
        Ok(real, "ZADD", "long-member", "1", new string('x', 100), "2", "y");
        Ok(real, "ZADD", "int-members", "1", "100", "2", "-5", "3", "70000");

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(4, result.KeysLoaded);
    }

    [Fact]
    public void TtlsCarryOverAndKeysExpiredBeforeTheLoadAreSkipped()
    {
        using RawClient real = redis.Fresh();
        Ok(real, "SET", "ttl-seconds", "v", "EX", "1000");
        Ok(real, "RPUSH", "ttl-list", "a", "b");
        Ok(real, "PEXPIRE", "ttl-list", "500000");
        Ok(real, "HSET", "far-future", "f", "v");
        Ok(real, "PEXPIREAT", "far-future", "4102444800000");
        Ok(real, "SET", "persistent", "v");
        // Expired by the time the file is loaded, but still in the file: active expiry off, nobody reads them.
        Ok(real, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        Ok(real, "SET", "gone", "v", "PX", "50");
        Ok(real, "SADD", "gone-set", "a");
        Ok(real, "PEXPIRE", "gone-set", "50");
        Ok(real, "SELECT", "9");
        Ok(real, "SET", "gone-in-9", "v", "PX", "50");
        Ok(real, "SET", "ttl-in-9", "v", "EX", "2000");
        Thread.Sleep(150);

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(5, result.KeysLoaded);
        Assert.Equal(3, result.ExpiredSkipped);
    }

    [Fact]
    public void EveryDatabaseAndTheHeaderFieldsComeThrough()
    {
        using RawClient real = redis.Fresh();
        for (int db = 0; db < 16; db += 3)
        {
            Ok(real, "SELECT", db.ToString());
            Ok(real, "SET", "db", db.ToString());
            Ok(real, "RPUSH", "list-in-" + db, "x");
        }
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        RdbLoadResult result = SaveLoadAndCompare(real);
        Assert.Equal(12, result.KeysLoaded);
        Assert.Equal(10, result.Version);
        string info = real.Call("INFO", "server");
        Assert.Contains($"redis_version:{result.RedisVersion}\r\n", info);
        Assert.InRange(result.CreatedUnixSeconds, before - 1, before + 5);
    }

    [Fact]
    public void ManyKeysLoadAcrossManyBufferFlushes()
    {
        using RawClient real = redis.Fresh();
        Ok(real, "DEBUG", "POPULATE", "200000", "key", "12");
        Ok(real, "SELECT", "1");
        Ok(real, "DEBUG", "POPULATE", "1000", "other", "5");
        Ok(real, "SELECT", "0");
        byte[] dump = redis.Save(real);
        using RedisServer fast = NewServer();
        RdbLoadResult result = RdbLoader.Load(fast, dump, "dump.rdb");
        Assert.Equal(201_000, result.KeysLoaded);
        var c = new Connection(fast, null);
        Assert.Equal(":200000\r\n", Call(c, "DBSIZE"));
        foreach (string key in (string[])["key:0", "key:77777", "key:199999"]) Assert.Equal(real.Call("GET", key), Call(c, "GET", key));
        Assert.Equal("+OK\r\n", Call(c, "SELECT", "1"));
        Assert.Equal(":1000\r\n", Call(c, "DBSIZE"));
        Assert.Equal(real.Call("SELECT", "1") + real.Call("GET", "other:9"), "+OK\r\n" + Call(c, "GET", "other:9"));
        c.Close();
    }

    [Fact]
    public void AFileSavedWithRdbchecksumNoLoads()
    {
        // rdbchecksum cannot be changed at run time: a server of its own.
        string dir = TestDirectory.Create();
        using (RedisChild own = RedisChild.Start(dir, "dump.rdb", "--rdbchecksum", "no"))
        {
            using RawClient real = own.Connect();
            Ok(real, "SET", "a", "1");
            Ok(real, "RPUSH", "l", "x", "y");
            Ok(real, "SAVE");
            byte[] dump = File.ReadAllBytes(Path.Combine(dir, "dump.rdb"));
            Assert.Equal(new byte[8], dump[^8..]);
            using RedisServer fast = NewServer();
            Assert.Equal(2, RdbLoader.Load(fast, dump, "dump.rdb").KeysLoaded);
            AssertSameData(real, fast);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void AFileSavedWithRdbcompressionNoLoads()
    {
        using RawClient real = redis.Fresh();
        Ok(real, "CONFIG", "SET", "rdbcompression", "no");
        Ok(real, "SET", "long", new string('a', 1000));
        Ok(real, "CONFIG", "SET", "list-compress-depth", "1");
        Ok(real, ["RPUSH", "compressed", .. Enumerable.Range(0, 3000).Select(i => "xxxxxxxxxxxxxxxxxxxxxxxxxx" + i % 2)]);
        SaveLoadAndCompare(real);
    }
}
