using BenchmarkDotNet.Attributes;
using RedisFast.Storage;

namespace RedisFast.Benchmarks;

/// <summary>
/// The list structure alone (no parsing, no socket): a push at the head with a pop at the tail, which keeps the
/// length while the ring turns through every position (and every chunk of a long list), and LINDEX's lookup in
/// the middle. A short list is one small chunk; a long one is many.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class ListBenchmarks
{
    private RedisList _list = null!;
    private byte[] _value = [];

    [Params(10, 100_000)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _list = new RedisList();
        _value = "value:0"u8.ToArray();
        for (int i = 0; i < Length; i++) _list.PushTail(_value);
    }

    [Benchmark]
    public int PushHeadPopTail()
    {
        _list.PushHead(_value);
        return _list.PopTail().Length;
    }

    [Benchmark]
    public int Index() => _list[Length / 2].Length;
}
