using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// The "hashtable" encoding of hashes (<c>SlotTable&lt;byte[]?&gt;</c>: field → value), sets (values unused) and
/// the member index of skiplist sorted sets (<c>SlotTable&lt;double&gt;</c>: member → score): a chained table of
/// byte-string keys with a value each, searched by span with no allocation. Like <see cref="KeyTable"/>, an entry
/// keeps its slot index for its whole life (growth keeps indices, freed slots are reused), so HSCAN/SSCAN/ZSCAN
/// cursors are slot indices that return every element present for the whole scan exactly once, and a random
/// element is a random occupied slot (O(1) expected, where Redis's dictGetFairRandomKey samples buckets).
/// <para>
/// Slots live in segments of <see cref="SegmentSize"/> (one shorter segment while the table is small). That is what
/// lets an AOF rewrite take the table copy-on-write per segment (<see cref="SplitForRewrite"/>): the rewriter only
/// walks keys and values, and the loop copies a segment the first time it changes anything in it (a key, a value,
/// a chain link). Growth adds a segment and the buckets double incrementally (<see cref="IncrementalBuckets"/>):
/// nothing takes time proportional to the table in one step. Owned by the event loop.
/// </para>
/// </summary>
internal sealed class SlotTable<TValue>
{
    /// <summary>
    /// Slots per segment: a first write copies 16 KB (2-4 µs), and a 1M-element table splits for a rewrite by copying
    /// a directory of 1,024 references.
    /// </summary>
    public const int SegmentSize = Segments.Size;

    private const int SegmentShift = Segments.Shift;
    private const int StartOfFreeList = -3;

    private IncrementalBuckets _buckets;
    private Item[][] _segments;  // the first _capacity / SegmentSize are in use (one shorter segment below that)
    private int _capacity;
    private int _used;         // slots ever handed out (high-water mark)
    private int _freeList = -1;
    private int _freeCount;
    private SharedSegments _sharing;
    private long _elementBytes;  // MemorySize.Of of every key and byte-string value held

    private struct Item
    {
        public byte[]? Key;
        public TValue Value;
        public int HashCode;
        public int Next;       // the chain for an occupied slot, the free list (encoded) for a free one
    }

    public SlotTable(int capacity = 8)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8));
        _buckets = new IncrementalBuckets(size);
        int segments = Math.Max(size >> SegmentShift, 1);
        _segments = new Item[segments][];
        for (int s = 0; s < segments; s++) _segments[s] = new Item[Math.Min(size, SegmentSize)];
        _capacity = size;
    }

    /// <summary>Number of elements.</summary>
    public int Count => _used - _freeCount;

    /// <summary>The keys' and values' share of <see cref="MemoryBytes"/>, kept as they change (tests check it against a walk).</summary>
    internal long ElementBytes => _elementBytes;

    /// <summary>What the table holds (<see cref="MemorySize"/>): its slots and buckets, keys and byte-string values. O(1).</summary>
    public long MemoryBytes => MemorySize.ObjectHeader + 64 + (long)_capacity * (Unsafe.SizeOf<Item>() + sizeof(int)) + _elementBytes;

    private static long ValueBytes(TValue value) => value is byte[] bytes ? MemorySize.Array(bytes.Length) : 0;

    /// <summary>Slots a cursor can visit: indices are in [0, SlotCount); a free slot has a null key.</summary>
    public int SlotCount => _used;

    /// <summary>Whether the buckets are doubling (<see cref="IncrementalBuckets"/>).</summary>
    public bool IsRehashing => _buckets.IsRehashing;

    /// <summary>The key at slot <paramref name="index"/>, or null when the slot is free.</summary>
    public byte[]? KeyAt(int index) => ItemAt(index).Key;

    /// <summary>The value at slot <paramref name="index"/> (a hash's value, a sorted set member's score; unused in sets).</summary>
    public TValue ValueAt(int index) => ItemAt(index).Value;

    /// <summary>Replaces the value at an occupied slot.</summary>
    public void SetValueAt(int index, TValue value)
    {
        ref Item item = ref WritableItemAt(index);
        _elementBytes += ValueBytes(value) - ValueBytes(item.Value);
        item.Value = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Item ItemAt(int index) => ref Segments.At(_segments, _capacity, index);

    private ChainLinks Links => new(this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Item WritableItemAt(int index)
    {
        int segment = index >> SegmentShift;
        if (_sharing.IsShared(segment)) _sharing.Unshare(_segments, segment);
        return ref ItemAt(index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> key) => KeyTable.Hash(key);

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        if (_buckets.IsRehashing) _buckets.Step(Links, IncrementalBuckets.StepBuckets);
        return Find(key, Hash(key));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<byte> key, int hash)
    {
        // Walked here rather than through IChainLinks: one reference to the slot serves the compare and the next link
        // (an accessor would find the slot again after the key comparison's call).
        int i = _buckets.Head(hash) - 1;
        while (i >= 0)
        {
            ref Item item = ref ItemAt(i);
            if (item.HashCode == hash && key.SequenceEqual(item.Key)) return i;
            i = item.Next;
        }
        return -1;
    }

    /// <summary>The value stored with <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> key, out TValue value)
    {
        int i = Find(key);
        value = i >= 0 ? ItemAt(i).Value : default!;
        return i >= 0;
    }

    /// <summary>Finds <paramref name="key"/> or adds a copy of it with a default value; <paramref name="added"/> tells which.</summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = Hash(key);
        int i = Find(key, hash);
        added = i < 0;
        return added ? Insert(key.ToArray(), default!, hash) : i;
    }

    /// <summary>Adds a key known to be absent, taking ownership of the array; returns its slot.</summary>
    public int AddNew(byte[] key, TValue value) => Insert(key, value, Hash(key));

    private int Insert(byte[] key, TValue value, int hash)
    {
        int index;
        if (_freeCount > 0)
        {
            index = _freeList;
            _freeList = StartOfFreeList - ItemAt(index).Next;
            _freeCount--;
        }
        else
        {
            if (_used == _capacity) Grow();
            index = _used++;
        }
        _buckets.AfterInsert(Links, Count);
        ref Item item = ref WritableItemAt(index);
        item.Key = key;
        item.Value = value;
        item.HashCode = hash;
        _elementBytes += MemorySize.Of(key) + ValueBytes(value);
        _buckets.Link(Links, index, hash);
        return index;
    }

    /// <summary>Removes <paramref name="key"/>; false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        int index = Find(key);
        if (index < 0) return false;
        RemoveAt(index);
        return true;
    }

    /// <summary>Removes <paramref name="key"/>, giving back its value; false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> key, out TValue value)
    {
        int index = Find(key);
        if (index < 0)
        {
            value = default!;
            return false;
        }
        value = ItemAt(index).Value;
        RemoveAt(index);
        return true;
    }

    /// <summary>Removes the element at an occupied slot.</summary>
    public void RemoveAt(int index)
    {
        if (_buckets.IsRehashing) _buckets.Step(Links, IncrementalBuckets.StepBuckets);
        _buckets.Unlink(Links, index, ItemAt(index).HashCode);
        ref Item item = ref WritableItemAt(index);
        _elementBytes -= MemorySize.Of(item.Key) + ValueBytes(item.Value);
        item = default;
        item.Next = StartOfFreeList - _freeList;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>The first occupied slot at or after <paramref name="index"/>, or -1.</summary>
    public int NextOccupied(int index)
    {
        for (; index < _used; index++)
        {
            if (ItemAt(index).Key is not null) return index;
        }
        return -1;
    }

    /// <summary>
    /// An occupied slot drawn at random (the table must not be empty): uniform draws, then after 64 misses in a
    /// table made sparse by deletions, the next occupied slot after a random one, so the cost stays bounded.
    /// </summary>
    public int RandomSlot()
    {
        int slots = _used;
        for (int tries = 0; tries < 64; tries++)
        {
            int index = Random.Shared.Next(slots);
            if (ItemAt(index).Key is not null) return index;
        }
        int start = Random.Shared.Next(slots);
        for (int n = 0; n < slots; n++)
        {
            int index = start + n;
            if (index >= slots) index -= slots;
            if (ItemAt(index).Key is not null) return index;
        }
        throw new InvalidOperationException("SlotTable.Count is positive but no slot holds a key.");
    }

    /// <summary>An independent copy (COPY): keys and values are immutable once stored, so they are shared.</summary>
    public SlotTable<TValue> Clone()
    {
        var copy = (SlotTable<TValue>)MemberwiseClone();
        copy._buckets = _buckets.Clone();
        copy._segments = new Item[_segments.Length][];
        for (int s = 0; s < _segments.Length && _segments[s] is not null; s++) copy._segments[s] = (Item[])_segments[s].Clone();
        copy._sharing.Forget();
        return copy;
    }

    /// <summary>
    /// For the loop, when the rewrite of <paramref name="snapshot"/> may still read this table: returns the table the
    /// loop goes on with, which takes over the buckets and shares every segment with this one, copying a segment the
    /// first time it changes it while the rewrite runs. O(segments): no pause proportional to the table.
    /// This object keeps the keys and values of the instant; afterwards only <see cref="Count"/>,
    /// <see cref="SlotCount"/>, <see cref="KeyAt"/>, <see cref="ValueAt"/> and <see cref="NextOccupied"/> may be used
    /// on it (what the rewriter reads), and they are safe from the rewriter's thread.
    /// </summary>
    public SlotTable<TValue> SplitForRewrite(RewriteSnapshot snapshot)
    {
        var loop = (SlotTable<TValue>)MemberwiseClone();
        loop._segments = loop._sharing.Split(_segments, snapshot);
        // The loop changes these now: nothing may chain through them here any more.
        _buckets = default;
        return loop;
    }

    /// <summary>
    /// Adds slots, keeping every index (HSCAN/SSCAN/ZSCAN cursors stay valid): a small table doubles its one segment
    /// (into new arrays, which are the loop's own), a large one adds a segment (new, so never shared).
    /// </summary>
    private void Grow()
    {
        if (_capacity < SegmentSize)
        {
            Array.Resize(ref _segments[0], _capacity * 2);
            _capacity *= 2;
            _sharing.Owned(0);
            return;
        }
        int segments = _capacity >> SegmentShift;
        if (segments == _segments.Length) Array.Resize(ref _segments, segments * 2);
        _segments[segments] = new Item[SegmentSize];
        _capacity += SegmentSize;
    }

    /// <summary>The chains as <see cref="IncrementalBuckets"/> moves them: a moved link is a change, copied first.</summary>
    private readonly struct ChainLinks(SlotTable<TValue> table) : IChainLinks
    {
        public int HashCode(int slot) => table.ItemAt(slot).HashCode;

        public int NextOf(int slot) => table.ItemAt(slot).Next;

        public ref int Next(int slot) => ref table.WritableItemAt(slot).Next;
    }
}
