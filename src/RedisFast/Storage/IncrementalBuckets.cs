using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>The chain links of a slot table, for <see cref="IncrementalBuckets"/> to link, unlink and move them.</summary>
internal interface IChainLinks
{
    /// <summary>The hash code of the key at occupied slot <paramref name="slot"/>.</summary>
    int HashCode(int slot);

    /// <summary>The next slot in <paramref name="slot"/>'s chain (-1 ends it), to read.</summary>
    int NextOf(int slot);

    /// <summary>The same link, to change (a table sharing slots with a snapshot copies them first).</summary>
    ref int Next(int slot);
}

/// <summary>
/// The chain heads of a chained slot table (<see cref="KeyTable"/>, <see cref="SlotTable{TValue}"/>), doubled
/// incrementally as dict.c rehashes: when the keys outnumber the buckets (load factor 1) a doubled array is started,
/// and the chains of the old one move over a bucket at a time on each lookup, insert and delete (<see cref="Step"/>)
/// and for a millisecond per cron tick (<see cref="RehashFor"/>); a lookup reads whichever array holds its key's
/// old bucket. Nothing takes time proportional to the table in one step. A mutable struct held in a field of its
/// table: call it in place. Loop only.
/// </summary>
internal struct IncrementalBuckets
{
    /// <summary>Buckets moved per lookup, insert or delete while rehashing (dict.c _dictRehashStep).</summary>
    public const int StepBuckets = 1;

    private int[] _buckets;    // 1-based slot index, 0 = empty bucket
    private int[]? _growing;   // while rehashing: the doubled buckets, which hold the chains of _buckets below _rehashed
    private int _rehashed;     // 0 when not rehashing

    /// <param name="size">A power of two.</param>
    public IncrementalBuckets(int size) => _buckets = new int[size];

    /// <summary>An independent copy, for a copy of the table with the same slots (COPY).</summary>
    public readonly IncrementalBuckets Clone() => new()
    {
        _buckets = (int[])_buckets.Clone(),
        _growing = (int[]?)_growing?.Clone(),
        _rehashed = _rehashed,
    };

    /// <summary>Whether a doubled bucket array is being filled.</summary>
    public readonly bool IsRehashing => _growing is not null;

    /// <summary>The chain head of <paramref name="hash"/> (1-based slot, 0 = empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref int Head(int hash)
    {
        int[] buckets = _buckets;
        int b = hash & (buckets.Length - 1);
        if (b < _rehashed)
        {
            int[] growing = _growing!;
            return ref growing[hash & (growing.Length - 1)];
        }
        return ref buckets[b];
    }

    /// <summary>Puts slot <paramref name="index"/>, just filled with a key of hash <paramref name="hash"/>, at the head of its chain.</summary>
    public readonly void Link<TLinks>(TLinks links, int index, int hash) where TLinks : struct, IChainLinks
    {
        ref int head = ref Head(hash);
        links.Next(index) = head - 1;
        head = index + 1;
    }

    /// <summary>Takes occupied slot <paramref name="index"/> (its key's hash <paramref name="hash"/>) out of its chain.</summary>
    public readonly void Unlink<TLinks>(TLinks links, int index, int hash) where TLinks : struct, IChainLinks
    {
        ref int head = ref Head(hash);
        int i = head - 1, last = -1;
        while (i != index)
        {
            last = i;
            i = links.NextOf(i);
        }
        if (last < 0) head = links.NextOf(index) + 1;
        else links.Next(last) = links.NextOf(index);
    }

    /// <summary>
    /// After an insert that brought the table to <paramref name="count"/> keys: starts doubling when they outnumber
    /// the buckets, or moves one more step of a doubling under way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterInsert<TLinks>(TLinks links, int count) where TLinks : struct, IChainLinks
    {
        if (_growing is not null || count > _buckets.Length) Grow(links, count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow<TLinks>(TLinks links, int count) where TLinks : struct, IChainLinks
    {
        if (count > (_growing ?? _buckets).Length)
        {
            // Inserts outran the steps (one per insert while the keys double, so this hardly happens): finish first.
            while (_growing is not null) Step(links, 1 << 20);
            // Not zeroed here (8 MB at 1M buckets took 1-4 ms): new buckets b and b + old length receive the chains of
            // old bucket b only, so each pair is zeroed as that bucket moves, before anything reads it.
            _growing = GC.AllocateUninitializedArray<int>(_buckets.Length * 2);
            _rehashed = 0;
        }
        else if (_growing is not null)
        {
            Step(links, StepBuckets);
        }
    }

    /// <summary>
    /// dict.c dictRehash: moves the chains of up to <paramref name="buckets"/> buckets to the doubled array, giving up
    /// after visiting ten times as many empty ones; swaps the arrays once the last has moved.
    /// </summary>
    public void Step<TLinks>(TLinks links, int buckets) where TLinks : struct, IChainLinks
    {
        int[] old = _buckets, growing = _growing!;
        int emptyVisits = buckets * 10;
        while (_rehashed < old.Length)
        {
            growing[_rehashed] = 0;
            growing[_rehashed + old.Length] = 0;
            int i = old[_rehashed] - 1;
            old[_rehashed++] = 0;
            if (i < 0)
            {
                if (--emptyVisits <= 0) break;
                continue;
            }
            while (i >= 0)
            {
                ref int next = ref links.Next(i);
                int following = next;
                ref int head = ref growing[links.HashCode(i) & (growing.Length - 1)];
                next = head - 1;
                head = i + 1;
                i = following;
            }
            if (--buckets <= 0) break;
        }
        if (_rehashed < old.Length) return;
        _buckets = growing;
        _growing = null;
        _rehashed = 0;
    }

    /// <summary>
    /// The cron's share (server.c incrementallyRehash): steps of 100 buckets until <paramref name="budgetTicks"/> of
    /// <see cref="Stopwatch"/> time have passed or the doubling is done.
    /// </summary>
    /// <returns>Whether there was rehashing to do.</returns>
    public bool RehashFor<TLinks>(TLinks links, long budgetTicks) where TLinks : struct, IChainLinks
    {
        if (_growing is null) return false;
        long start = Stopwatch.GetTimestamp();
        do Step(links, 100);
        while (_growing is not null && Stopwatch.GetTimestamp() - start < budgetTicks);
        return true;
    }
}
