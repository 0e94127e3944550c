using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// The "hashtable" encoding of hashes (<c>SlotTable&lt;byte[]?&gt;</c>: field → value), sets (values unused) and
/// the member index of skiplist sorted sets (<c>SlotTable&lt;double&gt;</c>: member → score): a chained table of
/// byte-string keys with a value each over one entry array, searched by span with no allocation. Like
/// <see cref="KeyTable"/>, an entry keeps its slot index for its whole life (growth keeps indices, freed slots are
/// reused), so HSCAN/SSCAN/ZSCAN cursors are slot indices that return every element present for the whole scan
/// exactly once, and a random element is a random occupied slot (O(1) expected, where Redis's
/// dictGetFairRandomKey samples buckets). Owned by the event loop.
/// </summary>
internal sealed class SlotTable<TValue>
{
    private const int StartOfFreeList = -3;

    private int[] _buckets;   // 1-based slot index, 0 = empty bucket
    private Entry[] _entries;
    private int _used;         // slots ever handed out (high-water mark)
    private int _freeList = -1;
    private int _freeCount;

    private struct Entry
    {
        public byte[]? Key;
        public TValue Value;
        public int HashCode;
        public int Next;
    }

    public SlotTable(int capacity = 8)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8));
        _buckets = new int[size];
        _entries = new Entry[size];
    }

    /// <summary>Number of elements.</summary>
    public int Count => _used - _freeCount;

    /// <summary>Slots a cursor can visit: indices are in [0, SlotCount); a free slot has a null key.</summary>
    public int SlotCount => _used;

    /// <summary>The key at slot <paramref name="index"/>, or null when the slot is free.</summary>
    public byte[]? KeyAt(int index) => _entries[index].Key;

    /// <summary>The value at slot <paramref name="index"/> (a hash's value, a sorted set member's score; unused in sets).</summary>
    public TValue ValueAt(int index) => _entries[index].Value;

    /// <summary>Replaces the value at an occupied slot.</summary>
    public void SetValueAt(int index, TValue value) => _entries[index].Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> key) => KeyTable.Hash(key);

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        Entry[] entries = _entries;
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while ((uint)i < (uint)entries.Length)
        {
            ref Entry e = ref entries[i];
            if (e.HashCode == hash && key.SequenceEqual(e.Key)) return i;
            i = e.Next;
        }
        return -1;
    }

    /// <summary>The value stored with <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> key, out TValue value)
    {
        int i = Find(key);
        value = i >= 0 ? _entries[i].Value : default!;
        return i >= 0;
    }

    /// <summary>Finds <paramref name="key"/> or adds a copy of it with a default value; <paramref name="added"/> tells which.</summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = Hash(key);
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        while ((uint)i < (uint)_entries.Length)
        {
            ref Entry e = ref _entries[i];
            if (e.HashCode == hash && key.SequenceEqual(e.Key))
            {
                added = false;
                return i;
            }
            i = e.Next;
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
            _freeList = StartOfFreeList - _entries[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _entries.Length) Resize();
            index = _used++;
        }
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref Entry e = ref _entries[index];
        e.Key = key;
        e.Value = value;
        e.HashCode = hash;
        e.Next = bucket - 1;
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
        value = _entries[index].Value;
        RemoveAt(index);
        return true;
    }

    /// <summary>Removes the element at an occupied slot.</summary>
    public void RemoveAt(int index)
    {
        ref Entry e = ref _entries[index];
        ref int bucket = ref _buckets[e.HashCode & (_buckets.Length - 1)];
        int i = bucket - 1, last = -1;
        while (i != index)
        {
            last = i;
            i = _entries[i].Next;
        }
        if (last < 0) bucket = e.Next + 1;
        else _entries[last].Next = e.Next;
        e = default;
        e.Next = StartOfFreeList - _freeList;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>The first occupied slot at or after <paramref name="index"/>, or -1.</summary>
    public int NextOccupied(int index)
    {
        for (; index < _used; index++)
        {
            if (_entries[index].Key is not null) return index;
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
            if (_entries[index].Key is not null) return index;
        }
        int start = Random.Shared.Next(slots);
        for (int n = 0; n < slots; n++)
        {
            int index = start + n;
            if (index >= slots) index -= slots;
            if (_entries[index].Key is not null) return index;
        }
        throw new InvalidOperationException("SlotTable.Count is positive but no slot holds a key.");
    }

    /// <summary>An independent copy (COPY): keys and values are immutable once stored, so they are shared.</summary>
    public SlotTable<TValue> Clone()
    {
        var copy = (SlotTable<TValue>)MemberwiseClone();
        copy._buckets = (int[])_buckets.Clone();
        copy._entries = (Entry[])_entries.Clone();
        return copy;
    }

    private void Resize()
    {
        // Doubling keeps every slot's index: HSCAN/SSCAN/ZSCAN cursors stay valid across a resize.
        int size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (int i = 0; i < _used; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.Key is null) continue;
            ref int bucket = ref _buckets[e.HashCode & (size - 1)];
            e.Next = bucket - 1;
            bucket = i + 1;
        }
    }
}
