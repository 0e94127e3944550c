using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// A data set with every type and encoding an RDB file distinguishes, in several databases, and the OBJECT ENCODING
/// redis-server 7.0 (default configuration) gives each key when it loads it. Keys and values are Latin-1 strings, so
/// any byte value can appear.
/// </summary>
internal sealed class RdbSample
{
    /// <summary>String values around every boundary of the RDB integer encodings (INT8, INT16, INT32, then text).</summary>
    public static readonly long[] IntegerBoundaries =
    [
        0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536,
        2147483647, 2147483648, -2147483648, -2147483649, 4294967296, long.MaxValue, long.MinValue,
    ];

    /// <summary>Integers around every boundary of the listpack integer encodings (7, 13, 16, 24, 32, 64 bits).</summary>
    public static readonly long[] ListpackIntegers =
    [
        0, 1, 127, 128, -1, 4095, 4096, -4096, -4097, 32767, 32768, -32768, -32769, 8388607, 8388608, -8388608,
        -8388609, 2147483647, 2147483648, -2147483648, -2147483649, long.MaxValue, long.MinValue,
    ];

    private readonly RawClient _c;
    private int _db;

    private RdbSample(RawClient c) => _c = c;

    /// <summary>(db, key, encoding after loading in redis-server) of every key the sample holds.</summary>
    public List<(int Db, string Key, string Encoding)> Keys { get; } = [];

    /// <summary>Writes the sample through <paramref name="c"/> (databases 0, 1, 3 emptied again, 15).</summary>
    public static RdbSample Fill(RawClient c)
    {
        var s = new RdbSample(c);
        s.Strings();
        s.Lists();
        s.Sets();
        s.Hashes();
        s.SortedSets();
        s.OtherDatabases();
        return s;
    }

    private void Strings()
    {
        Put("s:empty", "embstr", "SET", "s:empty", "");
        Put("s:binary", "embstr", "SET", "s:binary", "a\0b\r\n\u00ff\u0080");
        foreach (long v in IntegerBoundaries) Put($"s:int:{v}", "int", "SET", $"s:int:{v}", v.ToString());
        // Not canonical integers: they stay strings.
        Put("s:007", "embstr", "SET", "s:007", "007");
        Put("s:-0", "embstr", "SET", "s:-0", "-0");
        Put("s:+1", "embstr", "SET", "s:+1", "+1");
        Put("s:space", "embstr", "SET", "s:space", " 1");
        Put("s:beyond-int64", "embstr", "SET", "s:beyond-int64", "9223372036854775808");
        Put("s:float", "embstr", "SET", "s:float", "1.5");
        Put("s:len20", "embstr", "SET", "s:len20", new string('y', 20));
        Put("s:len21", "embstr", "SET", "s:len21", new string('y', 21));
        Put("s:len44", "embstr", "SET", "s:len44", new string('z', 44));
        Put("s:len45", "raw", "SET", "s:len45", new string('z', 45));
        Put("s:text", "raw", "SET", "s:text", string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 20)));
        Put("s:random", "raw", "SET", "s:random", RandomText(1000, seed: 1));
        Put("s:1mb", "raw", "SET", "s:1mb", string.Concat(Enumerable.Range(0, 1 << 20).Select(i => (char)('a' + i * 7 % 26))));
        Put("s:appended", "embstr", "SET", "s:appended", "abc");
        Run("APPEND", "s:appended", "def");
        Put("s:counter", "int", "INCRBY", "s:counter", "5");
        Put("\0\u00ffbinary-key\r\n", "embstr", "SET", "\0\u00ffbinary-key\r\n", "v");
        Put("ttl:string", "embstr", "SET", "ttl:string", "v", "EX", "1000");
    }

    private void Lists()
    {
        Put("l:small", "quicklist", "RPUSH", "l:small", "a", "b", "", "1", "-2", "300", "70000", "5000000000", "007");
        Put("l:large", "quicklist", ["RPUSH", "l:large", .. Enumerable.Range(0, 10_000).Select(i => i % 3 == 0 ? i.ToString() : $"element-{i}")]);
        Put("l:lpushed", "quicklist", ["LPUSH", "l:lpushed", .. Enumerable.Range(0, 3_000).Select(i => $"e{i}")]);
        Put("l:10k-element", "quicklist", "RPUSH", "l:10k-element", "a", new string('b', 10_000), "c");
        Put("l:100k-element", "quicklist", "RPUSH", "l:100k-element", RandomText(100_000, seed: 2), "tail");
        Put("ttl:list", "quicklist", "RPUSH", "ttl:list", "x", "y");
        Run("PEXPIRE", "ttl:list", "500000");
    }

    private void Sets()
    {
        Put("set:int16", "intset", "SADD", "set:int16", "1", "2", "-5", "300");
        Put("set:int32", "intset", "SADD", "set:int32", "70000", "-70000", "1");
        Put("set:int64", "intset", "SADD", "set:int64", "1", "5000000000", long.MinValue.ToString(), long.MaxValue.ToString());
        Put("set:600-ints", "hashtable", ["SADD", "set:600-ints", .. Enumerable.Range(0, 600).Select(i => (i * 37).ToString())]);
        Put("set:mixed", "hashtable", "SADD", "set:mixed", "1", "a", "b");
        Put("set:strings", "hashtable", "SADD", "set:strings", "x", "y", "z", "");
    }

    private void Hashes()
    {
        Put("h:small", "listpack", "HSET", "h:small", "f1", "v1", "n", "123", "neg", "-5", "big", "5000000000", "empty", "", "007", "007", "1", "one");
        Put("h:64", "listpack", "HSET", "h:64", "f", new string('v', 64));
        Put("h:65", "hashtable", "HSET", "h:65", "f", new string('v', 65));
        Put("h:600", "hashtable", ["HSET", "h:600", .. Enumerable.Range(0, 600).SelectMany(i => new[] { $"field-{i}", i % 2 == 0 ? i.ToString() : $"value-{i}" })]);
        Put("ttl:hash", "listpack", "HSET", "ttl:hash", "a", "b");
        Run("EXPIRE", "ttl:hash", "3000");
    }

    private void SortedSets()
    {
        Put("z:small", "listpack", "ZADD", "z:small", "inf", "a", "-inf", "b", "-1.5", "c", "0.25", "d", "1e300", "e", "3", "f",
            "-7", "g", "0", "h", "9007199254740992", "i", "1e17", "j", "0.1", "k", "-2.5e-10", "l", "4503599627370496", "m");
        Put("z:200", "skiplist", ["ZADD", "z:200", .. Enumerable.Range(0, 200).SelectMany(i => new[] { (i * 0.5 - 20).ToString(System.Globalization.CultureInfo.InvariantCulture), $"m{i}" })]);
        Put("z:long-member", "skiplist", "ZADD", "z:long-member", "1", new string('m', 65));
        Put("z:special", "skiplist", ["ZADD", "z:special", "inf", "pinf", "-inf", "ninf", "1e300", "huge", "-0", "negzero", "-3.25", "neg",
            .. Enumerable.Range(0, 130).SelectMany(i => new[] { i.ToString(), $"n{i}" })]);
        Put("ttl:zset", "listpack", "ZADD", "ttl:zset", "1", "a");
        Run("PEXPIREAT", "ttl:zset", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 700_000).ToString());
    }

    private void OtherDatabases()
    {
        Select(1);
        Put("db1:s", "embstr", "SET", "db1:s", "one");
        Put("db1:l", "quicklist", "RPUSH", "db1:l", "1", "2", "3");
        Put("db1:ttl", "int", "SET", "db1:ttl", "42", "PX", "800000");
        Select(3);
        Run("SET", "gone", "x");
        Run("DEL", "gone");
        Select(15);
        Put("db15:h", "listpack", "HSET", "db15:h", "k", "v");
        Select(0);
    }

    private void Select(int db)
    {
        Run("SELECT", db.ToString());
        _db = db;
    }

    private void Put(string key, string encoding, params string[] command)
    {
        Run(command);
        Keys.Add((_db, key, encoding));
    }

    private void Run(params string[] command)
    {
        object? reply = Exec(_c, command);
        Assert.False(reply is RespError, $"{string.Join(' ', command.Take(3))}: {reply}");
    }

    /// <summary>Random bytes from <paramref name="seed"/>, as Latin-1 text.</summary>
    public static string RandomText(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return S(bytes);
    }
}
