using BenchmarkDotNet.Attributes;
using RedisFast.Storage;

namespace RedisFast.Benchmarks;

/// <summary>
/// The hash structure alone (no parsing, no socket): HSET (overwrite of an existing field with a same-length value)
/// and HGET (field lookup) on a small hash, which is a listpack searched linearly, and on a large one, which is a
/// hashtable searched by span. The field looked up is the last of the listpack, its worst case. HSET allocates the
/// stored value in the hashtable (one array per value, as the storage keeps byte[] elements) and nothing in the
/// listpack, where a same-length value is written in place.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private RedisHash _hash = null!;
    private byte[] _field = [];
    private byte[] _value = [];

    /// <summary>10 fields: listpack; 1000 fields: a hashtable of one segment; 100,000: of many.</summary>
    [Params(10, 1000, 100_000)]
    public int Fields { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hash = new RedisHash();
        for (int i = 0; i < Fields; i++) _hash.Set(System.Text.Encoding.ASCII.GetBytes("field:" + i), "value:0"u8, 512, 64);
        _field = System.Text.Encoding.ASCII.GetBytes("field:" + (Fields - 1));
        _value = "value:1"u8.ToArray();
    }

    [Benchmark]
    public bool HSet() => _hash.Set(_field, _value, 512, 64);

    [Benchmark]
    public int HGet() => _hash.ValueAt(_hash.Find(_field)).Length;
}
