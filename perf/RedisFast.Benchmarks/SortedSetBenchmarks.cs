using System.Text;
using BenchmarkDotNet.Attributes;
using RedisFast.Storage;

namespace RedisFast.Benchmarks;

/// <summary>
/// The sorted set structure on its own (no protocol): ZADD-style inserts, ZRANK, and a 10-element ZRANGE from a
/// random rank, on a skiplist-encoded set of 1M members. Each case is one operation; Allocated shows what an
/// insert costs (the node, its level array and the dictionary entry) and that rank/range cost nothing.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class SortedSetBenchmarks
{
    private const int Members = 1_000_000;
    private RedisSortedSet _set = null!;
    private byte[][] _members = [];
    private byte[][] _fresh = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _members = new byte[Members][];
        _set = RedisSortedSet.Create(Members, 16, 128, 64);
        for (int i = 0; i < Members; i++)
        {
            _members[i] = Encoding.ASCII.GetBytes("member:" + i);
            _set.Insert(_members[i], random.Next(0, 1_000_000), 128, 64);
        }
        _fresh = new byte[1 << 16][];
        for (int i = 0; i < _fresh.Length; i++) _fresh[i] = Encoding.ASCII.GetBytes("fresh:" + i);
    }

    /// <summary>ZADD of a new member, then ZREM of it so the set stays at 1M.</summary>
    [Benchmark]
    public bool AddAndRemove()
    {
        byte[] member = _fresh[_next++ & (_fresh.Length - 1)];
        _set.Add(member, _next & 0xFFFFF, 0, out _, out _, 128, 64);
        return _set.Remove(member);
    }

    /// <summary>ZADD of an existing member with a new score (zslUpdateScore).</summary>
    [Benchmark]
    public bool UpdateScore()
    {
        byte[] member = _members[(int)((_next++ * 7919L) % Members)];
        return _set.Add(member, _next & 0xFFFFF, 0, out _, out _, 128, 64);
    }

    [Benchmark]
    public long Rank() => _set.Rank(_members[(int)((_next++ * 7919L) % Members)], reverse: false);

    /// <summary>ZRANGE key r r+9 WITHSCORES without the reply: seek by rank, walk ten.</summary>
    [Benchmark]
    public double Range10()
    {
        ZIterator it = _set.AtRank((_next++ * 7919L) % (Members - 10));
        double sum = 0;
        for (int k = 0; k < 10; k++, it.MoveNext()) sum += it.Score;
        return sum;
    }
}
