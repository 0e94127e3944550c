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
/// A slot's key and value live in segments of <see cref="SegmentSize"/> slots (one shorter segment while the table
/// is small); its hash code and chain link live apart, in an array no snapshot ever shares. That is what lets an
/// AOF rewrite take the table copy-on-write per segment (<see cref="SplitForRewrite"/>): the rewriter only walks keys
/// and values, the loop copies a segment the first time it changes it, and growth only adds segments and rechains
/// the links. Owned by the event loop.
/// </para>
/// </summary>
internal sealed class SlotTable<TValue>
{
    /// <summary>
    /// Slots per segment: a first write copies 16 KB (2-4 µs), and a 1M-element table splits for a rewrite by copying
    /// a directory of 1,024 references.
    /// </summary>
    public const int SegmentSize = 1 << SegmentShift;

    private const int SegmentShift = 10;
    private const int SegmentMask = SegmentSize - 1;
    private const int StartOfFreeList = -3;

    private int[] _buckets;    // 1-based slot index, 0 = empty bucket
    private Link[] _links;     // per slot; its length is the capacity
    private Item[][] _segments;
    private int _used;         // slots ever handed out (high-water mark)
    private int _freeList = -1;
    private int _freeCount;
    private SharedSegments _sharing;

    private struct Item
    {
        public byte[]? Key;
        public TValue Value;
    }

    private struct Link
    {
        public int HashCode;
        public int Next;       // the chain for an occupied slot, the free list (encoded) for a free one
    }

    public SlotTable(int capacity = 8)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8));
        _buckets = new int[size];
        _links = new Link[size];
        _segments = new Item[Math.Max(size >> SegmentShift, 1)][];
        for (int s = 0; s < _segments.Length; s++) _segments[s] = new Item[Math.Min(size, SegmentSize)];
    }

    /// <summary>Number of elements.</summary>
    public int Count => _used - _freeCount;

    /// <summary>Slots a cursor can visit: indices are in [0, SlotCount); a free slot has a null key.</summary>
    public int SlotCount => _used;

    /// <summary>The key at slot <paramref name="index"/>, or null when the slot is free.</summary>
    public byte[]? KeyAt(int index) => ItemAt(index).Key;

    /// <summary>The value at slot <paramref name="index"/> (a hash's value, a sorted set member's score; unused in sets).</summary>
    public TValue ValueAt(int index) => ItemAt(index).Value;

    /// <summary>Replaces the value at an occupied slot.</summary>
    public void SetValueAt(int index, TValue value) => WritableItemAt(index).Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Item ItemAt(int index) => ref _segments[index >> SegmentShift][index & SegmentMask];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Item WritableItemAt(int index)
    {
        int segment = index >> SegmentShift;
        if (_sharing.IsShared(segment)) _sharing.Unshare(_segments, segment);
        return ref _segments[segment][index & SegmentMask];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> key) => KeyTable.Hash(key);

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        Link[] links = _links;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while ((uint)i < (uint)links.Length)
        {
            ref Link link = ref links[i];
            if (link.HashCode == hash && key.SequenceEqual(ItemAt(i).Key)) return i;
            i = link.Next;
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
        Link[] links = _links;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while ((uint)i < (uint)links.Length)
        {
            ref Link link = ref links[i];
            if (link.HashCode == hash && key.SequenceEqual(ItemAt(i).Key))
            {
                added = false;
                return i;
            }
            i = link.Next;
        }
        added = true;
        return Insert(key.ToArray(), default!, hash);
    }

    /// <summary>Adds a key known to be absent, taking ownership of the array; returns its slot.</summary>
    public int AddNew(byte[] key, TValue value) => Insert(key, value, Hash(key));

    private int Insert(byte[] key, TValue value, int hash)
    {
        int index;
        if (_freeCount > 0)
        {
            index = _freeList;
            _freeList = StartOfFreeList - _links[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _links.Length) Resize();
            index = _used++;
        }
        ref Item item = ref WritableItemAt(index);
        item.Key = key;
        item.Value = value;
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref Link link = ref _links[index];
        link.HashCode = hash;
        link.Next = bucket - 1;
        bucket = index + 1;
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
        ref Link link = ref _links[index];
        ref int bucket = ref _buckets[link.HashCode & (_buckets.Length - 1)];
        int i = bucket - 1, last = -1;
        while (i != index)
        {
            last = i;
            i = _links[i].Next;
        }
        if (last < 0) bucket = link.Next + 1;
        else _links[last].Next = link.Next;
        WritableItemAt(index) = default;
        link.HashCode = 0;
        link.Next = StartOfFreeList - _freeList;
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
        copy._buckets = (int[])_buckets.Clone();
        copy._links = (Link[])_links.Clone();
        copy._segments = new Item[_segments.Length][];
        for (int s = 0; s < _segments.Length; s++) copy._segments[s] = (Item[])_segments[s].Clone();
        copy._sharing.Forget();
        return copy;
    }

    /// <summary>
    /// For the loop, when the rewrite of <paramref name="snapshot"/> may still read this table: returns the table the
    /// loop goes on with, which takes over the buckets and links and shares every segment with this one, copying a
    /// segment the first time it changes it while the rewrite runs. O(segments): no pause proportional to the table.
    /// This object keeps the keys and values of the instant; afterwards only <see cref="Count"/>,
    /// <see cref="SlotCount"/>, <see cref="KeyAt"/>, <see cref="ValueAt"/> and <see cref="NextOccupied"/> may be used
    /// on it (what the rewriter reads), and they are safe from the rewriter's thread.
    /// </summary>
    public SlotTable<TValue> SplitForRewrite(RewriteSnapshot snapshot)
    {
        var loop = (SlotTable<TValue>)MemberwiseClone();
        loop._segments = loop._sharing.Split(_segments, snapshot);
        // The loop changes these now: nothing may chain through them here any more.
        _buckets = null!;
        _links = null!;
        return loop;
    }

    private void Resize()
    {
        // Doubling keeps every slot's index: HSCAN/SSCAN/ZSCAN cursors stay valid across a resize. It only runs when
        // every slot is in use (the free list is tried first), so every slot up to _used is rechained. A segment is
        // never written here: the first one, while shorter, grows into a new array that is the loop's own.
        int size = _links.Length * 2;
        Array.Resize(ref _links, size);
        int segments = Math.Max(size >> SegmentShift, 1);
        if (_segments[0].Length < SegmentSize)
        {
            Array.Resize(ref _segments[0], Math.Min(size, SegmentSize));
            _sharing.Owned(0);
        }
        if (segments > _segments.Length)
        {
            int old = _segments.Length;
            bool[]? shared = _sharing.Moving(segments);
            for (int s = 0; s < old && shared is not null; s++) shared[s] = _sharing.IsShared(s);
            _sharing.Moved(shared);
            Array.Resize(ref _segments, segments);
            for (int s = old; s < segments; s++) _segments[s] = new Item[SegmentSize];
        }
        _buckets = new int[size];
        for (int i = 0; i < _used; i++)
        {
            ref Link link = ref _links[i];
            ref int bucket = ref _buckets[link.HashCode & (size - 1)];
            link.Next = bucket - 1;
            bucket = i + 1;
        }
    }
}
