using RedisFast.Networking;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;
using static RedisFast.Tests.Persistence.FastServers;
using static RedisFast.Tests.Persistence.RdbBlobs;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// Encodings redis-server 7.0 no longer writes (ziplist, zipmap, quicklist with ziplist nodes, the plain LIST, SET,
/// ZSET and HASH types, EXPIRETIME in seconds, versions without a checksum) and the ones 7.2 added (SET_LISTPACK), from
/// hand-built images whose content is known.
/// </summary>
public sealed class RdbLoaderEncodingTests : IDisposable
{
    private readonly RedisServer _server = NewServer();
    private readonly Connection _client;

    public RdbLoaderEncodingTests() => _client = new Connection(_server, null);

    private string Call(params string[] args) => Latin1Commands.Call(_client, args);

    private List<string> Members(string key) => [.. Strings(_client, "SMEMBERS", key).Order(StringComparer.Ordinal)];

    private string Select(int db) => Call("SELECT", db.ToString());

    private static string Bulk(object value)
    {
        string s = value is byte[] b ? S(b) : value.ToString()!;
        return $"${s.Length}\r\n{s}\r\n";
    }

    private static string Array(params object[] values) => $"*{values.Length}\r\n" + string.Concat(values.Select(Bulk));

    /// <summary>Every ziplist entry encoding, in order: immediates, 8/16/24/32/64-bit ints, 6/14/32-bit strings.</summary>
    private static readonly object[] ZiplistEntries =
    [
        "a", "", 0L, 12L, 13L, -1L, 127L, -128L, 200L, 32767L, -32768L, 40000L, 8388607L, -8388608L, 8388608L,
        2147483647L, -2147483648L, 2147483648L, long.MaxValue, long.MinValue, new string('s', 100), new string('t', 20000), "after-big",
    ];

    /// <summary>Every listpack entry encoding: 7-bit uint, 13/16/24/32/64-bit ints, 6/12/32-bit strings.</summary>
    private static readonly object[] ListpackEntries =
    [
        5L, 127L, 128L, -1L, -4096L, 4095L, 4096L, -32768L, 32767L, 32768L, -8388608L, 8388607L, 8388608L, (long)int.MinValue, (long)int.MaxValue,
        2147483648L, long.MinValue, long.MaxValue, "abc", "", new string('u', 63), new string('v', 64), new string('w', 4095), new string('x', 4096),
    ];

    [Fact]
    public void ZiplistListsHashesAndSortedSetsDecodeEveryEntryEncoding()
    {
        byte[] image = new RdbImage(7)
            .Key(10, "list").String(Ziplist(ZiplistEntries))
            .Key(13, "hash").String(Ziplist("f", "v", "n", 123L, "big", -70000L))
            .Key(12, "zset").String(Ziplist("m1", "1.5", "m2", 3L, "m3", "-inf", "m4", "inf", "m5", -2L))
            .End();
        RdbLoadResult result = RdbLoader.Load(_server, image, "old.rdb");
        Assert.Equal(3, result.KeysLoaded);
        Assert.Equal(7, result.Version);
        Assert.Equal(Array(ZiplistEntries), Call("LRANGE", "list", "0", "-1"));
        Assert.Equal("$3\r\n123\r\n", Call("HGET", "hash", "n"));
        Assert.Equal("$6\r\n-70000\r\n", Call("HGET", "hash", "big"));
        Assert.Equal(":3\r\n", Call("HLEN", "hash"));
        Assert.Equal(Array("m3", "-inf", "m5", "-2", "m1", "1.5", "m2", "3", "m4", "inf"), Call("ZRANGE", "zset", "0", "-1", "WITHSCORES"));
    }

    [Fact]
    public void ListpackSetsHashesAndSortedSetsDecodeEveryEntryEncoding()
    {
        byte[] image = new RdbImage()
            .Key(20, "set").String(Listpack(ListpackEntries))
            .Key(16, "hash").String(Listpack("f", 4000L, "g", "value", "", ""))
            .Key(17, "zset").String(Listpack("a", "0.5", "b", -3L, "c", 1L << 40))
            .Key(18, "list").Length(1).Length(2).String(Listpack(ListpackEntries))
            .End();
        RdbLoadResult result = RdbLoader.Load(_server, image, "dump.rdb");
        Assert.Equal(4, result.KeysLoaded);
        Assert.Equal(Array(ListpackEntries), Call("LRANGE", "list", "0", "-1"));
        Assert.Equal($":{ListpackEntries.Length}\r\n", Call("SCARD", "set"));
        foreach (object e in ListpackEntries) Assert.Equal(":1\r\n", Call("SISMEMBER", "set", e.ToString()!));
        Assert.Equal("$4\r\n4000\r\n", Call("HGET", "hash", "f"));
        Assert.Equal("$0\r\n\r\n", Call("HGET", "hash", ""));
        Assert.Equal(Array("b", "-3", "a", "0.5", "c", "1099511627776"), Call("ZRANGE", "zset", "0", "-1", "WITHSCORES"));
    }

    [Fact]
    public void QuicklistNodesOfBothVersionsKeepTheirOrderCompressedOrNot()
    {
        byte[] node2 = Ziplist("c", new string('y', 100), 7L);
        byte[] packed = Listpack("p1", 2L);
        byte[] image = new RdbImage()
            .Key(14, "v1").Length(3)
                .String(Ziplist("a", "b"))
                .LzfString(LzfLiterals(node2), node2.Length)
                .String(Ziplist())
            .Key(18, "v2").Length(4)
                .Length(2).String(packed)
                .Length(1).String("plain element")
                .Length(1).LzfString(LzfRepeat(B("xyz"), 1000), 1000)
                .Length(2).LzfString(LzfLiterals(packed), packed.Length)
            .End();
        RdbLoader.Load(_server, image, "dump.rdb");
        Assert.Equal(Array("a", "b", "c", new string('y', 100), "7"), Call("LRANGE", "v1", "0", "-1"));
        Assert.Equal(Array("p1", "2", "plain element", S(Repeat("xyz", 1000)), "p1", "2"), Call("LRANGE", "v2", "0", "-1"));
    }

    [Fact]
    public void ZipmapHashesDecodeIncludingBigLengthsAndFreeSpace()
    {
        string longField = new('f', 300);
        byte[] image = new RdbImage(3)
            .Key(9, "zm").String(Zipmap(2, ("f1", "v1"), ("f2", ""), (longField, "x"), ("n", new string('v', 260))))
            .Key(9, "zm0").String(Zipmap(0, ("a", "b")))
            .End();
        RdbLoadResult result = RdbLoader.Load(_server, image, "dump.rdb");
        Assert.Equal(image.Length, result.Consumed);
        Assert.Equal("$2\r\nv1\r\n", Call("HGET", "zm", "f1"));
        Assert.Equal("$0\r\n\r\n", Call("HGET", "zm", "f2"));
        Assert.Equal("$1\r\nx\r\n", Call("HGET", "zm", longField));
        Assert.Equal(Bulk(new string('v', 260)), Call("HGET", "zm", "n"));
        Assert.Equal("$1\r\nb\r\n", Call("HGET", "zm0", "a"));
    }

    [Fact]
    public void PlainTypesDecodeIntegerAndLzfEncodedStrings()
    {
        byte[] image = new RdbImage(6)
            .Key(0, "s8").IntString(-5, 1)
            .Key(0, "s16").IntString(-1000, 2)
            .Key(0, "s32").IntString(100000, 4)
            .Key(0, "lzf").LzfString(LzfRepeat(B("ab"), 300), 300)
            .Key(1, "list").Length(4).String("x").IntString(-5, 1).IntString(1000, 2).LzfString(LzfRepeat(B("q"), 50), 50)
            .Key(2, "set").Length(3).String("a").String("b").IntString(7, 1)
            .Key(3, "zset").Length(5).String("a").Byte(3).Raw(B("1.5")).String("c").Byte(254).String("d").Byte(255)
                .String("e").Byte(5).Raw(B("-0.25")).String("f").Byte(4).Raw(B("1e10"))
            .Key(4, "hash").Length(2).String("f").String("v").IntString(300, 2).LzfString(LzfLiterals(B("compressed value")), 16)
            .Key(5, "zset2").Length(2).String("x").Raw(Le64(BitConverter.DoubleToInt64Bits(0.1))).String("y").Raw(Le64(BitConverter.DoubleToInt64Bits(double.NegativeInfinity)))
            .Key(11, "intset").String(Intset(8, -4611686018427387904, 1, 1L << 40))
            .Key(11, "intset16").String(Intset(2, -3, 2))
            .End();
        RdbLoadResult result = RdbLoader.Load(_server, image, "dump.rdb");
        Assert.Equal(11, result.KeysLoaded);
        Assert.Equal("$2\r\n-5\r\n", Call("GET", "s8"));
        Assert.Equal("$5\r\n-1000\r\n", Call("GET", "s16"));
        Assert.Equal("$6\r\n100000\r\n", Call("GET", "s32"));
        Assert.Equal(Bulk(Repeat("ab", 300)), Call("GET", "lzf"));
        Assert.Equal(Array("x", "-5", "1000", new string('q', 50)), Call("LRANGE", "list", "0", "-1"));
        Assert.Equal(["7", "a", "b"], Members("set"));
        Assert.Equal(Array("d", "-inf", "e", "-0.25", "a", "1.5", "f", "10000000000", "c", "inf"), Call("ZRANGE", "zset", "0", "-1", "WITHSCORES"));
        Assert.Equal("$16\r\ncompressed value\r\n", Call("HGET", "hash", "300"));
        Assert.Equal(Array("y", "-inf", "x", "0.10000000000000001"), Call("ZRANGE", "zset2", "0", "-1", "WITHSCORES"));
        Assert.Equal(["-4611686018427387904", "1", "1099511627776"], Members("intset"));
        Assert.Equal(["-3", "2"], Members("intset16"));
    }

    [Fact]
    public void OpcodesForDatabasesExpiriesAndEvictionHintsApplyToTheNextKey()
    {
        long future = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 100_000;
        int futureSeconds = (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000);
        byte[] image = new RdbImage(9)
            .Aux("redis-ver", "6.2.0").Aux("ctime", "1700000000").Aux("%unknown", "x").Aux("other", "y")
            .SelectDb(0).ResizeDb(4, 2)
            .ExpireMs(future).Key(0, "ms").String("v")
            .ExpireSeconds(futureSeconds).Key(0, "seconds").String("v")
            .ExpireMs(1000).Key(0, "expired").String("v")
            .ExpireSeconds(1000).Key(1, "expired-list").Length(1).String("x")
            .Byte(0xF8).Length(12345).Key(0, "idle").String("v")
            .Byte(0xF9).Byte(7).Key(0, "freq").String("v")
            .SelectDb(5).Key(0, "in5").String("five")
            .SelectDb(15).ExpireMs(future).Key(0, "in15").String("fifteen")
            .End();
        RdbLoadResult result = RdbLoader.Load(_server, image, "dump.rdb");
        Assert.Equal(new RdbLoadResult(image.Length, 6, 2, 9, "6.2.0", 1700000000), result);
        Assert.InRange(long.Parse(Call("PTTL", "ms")[1..^2]), 90_000, 100_000);
        Assert.InRange(long.Parse(Call("TTL", "seconds")[1..^2]), 990, 1000);
        Assert.Equal(":0\r\n", Call("EXISTS", "expired", "expired-list"));
        Assert.Equal(":-1\r\n", Call("TTL", "idle"));
        Assert.Equal(":4\r\n", Call("DBSIZE"));
        Select(5);
        Assert.Equal("$4\r\nfive\r\n", Call("GET", "in5"));
        Assert.Equal(":-1\r\n", Call("TTL", "in5"));
        Select(15);
        Assert.Equal("$7\r\nfifteen\r\n", Call("GET", "in15"));
        Assert.InRange(long.Parse(Call("PTTL", "in15")[1..^2]), 90_000, 100_000);
    }

    [Fact]
    public void EmptyCollectionsAreSkippedAsRedisDoes()
    {
        byte[] image = new RdbImage()
            .Key(1, "empty-list").Length(0)
            .Key(2, "empty-set").Length(0)
            .Key(11, "empty-intset").String(Intset(2))
            .Key(18, "empty-quicklist").Length(1).Length(2).String(Listpack())
            .Key(16, "empty-hash").String(Listpack())
            .Key(0, "kept").String("v")
            .End();
        RdbLoadResult result = RdbLoader.Load(_server, image, "dump.rdb");
        Assert.Equal(1, result.KeysLoaded);
        Assert.Equal(":1\r\n", Call("DBSIZE"));
    }

    [Fact]
    public void VersionsBeforeFiveHaveNoChecksumAndTheRdbPreambleEndsAtTheChecksum()
    {
        byte[] old = new RdbImage(4).Key(0, "k").String("v").End();
        Assert.Equal(old.Length, RdbLoader.Load(_server, old, "dump.rdb").Consumed);
        Assert.Equal("$1\r\nv\r\n", Call("GET", "k"));

        // An old single-file AOF: the RDB image, then commands. The loader uses exactly the image.
        byte[] preamble = new RdbImage().Aux("aof-preamble", "1").Key(0, "p").String("1").End();
        byte[] aof = [.. preamble, .. RawClient.Encode("SET", "after", "2")];
        Assert.Equal(preamble.Length, RdbLoader.Load(_server, aof, "appendonly.aof").Consumed);
        Assert.Equal("$1\r\n1\r\n", Call("GET", "p"));
        Assert.Equal("$-1\r\n", Call("GET", "after"));
    }

    [Fact]
    public void AChecksumOfZeroMeansNotComputedAndIsAccepted()
    {
        byte[] image = new RdbImage().Key(0, "k").String("v").End(checksum: false);
        Assert.Equal(new byte[8], image[^8..]);
        Assert.Equal(1, RdbLoader.Load(_server, image, "dump.rdb").KeysLoaded);
    }

    public void Dispose()
    {
        _client.Close();
        _server.Dispose();
    }
}
