using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// The hash table behind one database: keys are byte arrays looked up by span with no allocation. It is a
/// chained table over one entry array, like <see cref="Dictionary{TKey,TValue}"/>, but its slots are reachable
/// by index: a key keeps its slot for its whole life (resizing keeps indices), so a cursor that walks slots
/// in order returns every key that exists for the whole scan exactly once. Keys with an expiry are also listed
/// in a dense array for O(1) random sampling by the active expiry cycle. Owned by the event loop.
/// <para>
/// While an AOF rewrite reads a copy-on-write snapshot of the table on another thread (<see cref="Snapshot"/>
/// set), every path that can change what the rewriter reads of a slot (Key, Kind, Value or the object it points
/// to, Number, Length, ExpireAt) first hands the slot over (<see cref="TableSnapshot"/>): the indexer for write
/// commands, and <see cref="RemoveAt"/>, <see cref="SetExpire"/> and slot reuse by an insert for everyone. Without
/// a snapshot that costs one null check.
/// </para>
/// </summary>
internal sealed class KeyTable
{
    public const long NoExpiry = -1;
    private const int StartOfFreeList = -3;

    private int[] _buckets;   // 1-based slot index, 0 = empty bucket
    private KeyEntry[] _entries;
    private int _used;         // slots ever handed out (high-water mark)
    private int _freeList = -1;
    private int _freeCount;
    private int[] _volatile = new int[16];
    private int _volatileCount;
    private TableSnapshot? _snapshot;

    public KeyTable(int capacity = 16)
    {
        int size = RoundUpToPowerOf2(Math.Max(capacity, 16));
        _buckets = new int[size];
        _entries = new KeyEntry[size];
    }

    /// <summary>Number of keys, expired or not.</summary>
    public int Count => _used - _freeCount;

    /// <summary>Number of keys with an expiry.</summary>
    public int VolatileCount => _volatileCount;

    /// <summary>Slots that a cursor can visit: indices are in [0, SlotCount).</summary>
    public int SlotCount => _used;

    /// <summary>
    /// The slot at <paramref name="index"/>; free when its <see cref="KeyEntry.Key"/> is null. Callers may change the
    /// slot and the value object it points to: during a rewrite, outside a read-only command, the slot is handed
    /// over to the snapshot first (<see cref="TableSnapshot.BeforeChange"/>). Read-only paths that must not pay
    /// for that use <see cref="Peek"/>.
    /// </summary>
    public ref KeyEntry this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_snapshot is not null) _snapshot.BeforeChange(ref _entries[index], index, removal: false, force: false);
            return ref _entries[index];
        }
    }

    /// <summary>
    /// The slot at <paramref name="index"/> for reading (and stamping <see cref="KeyEntry.AccessedAt"/>, which no
    /// snapshot reads): never copies anything for a running rewrite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeyEntry Peek(int index) => ref _entries[index];

    /// <summary>
    /// The copy-on-write snapshot an AOF rewrite is reading, or null. Set by <see cref="BeginSnapshot"/>, cleared by
    /// <see cref="EndSnapshot"/> and by <see cref="Clear"/> (the cleared array is never written again).
    /// </summary>
    public TableSnapshot? Snapshot => _snapshot;

    /// <summary>
    /// Starts a snapshot of this table (on the loop, between two commands): O(1) plus one byte of state per slot.
    /// </summary>
    public TableSnapshot BeginSnapshot(int dbId, RewriteSnapshot owner)
    {
        _snapshot = new TableSnapshot(_entries, _used, dbId, owner);
        return _snapshot;
    }

    /// <summary>Detaches <paramref name="snapshot"/> if it is still this table's.</summary>
    public void EndSnapshot(TableSnapshot snapshot)
    {
        if (_snapshot == snapshot) _snapshot = null;
    }

    /// <summary>The slot index of the <paramref name="n"/>-th key with an expiry (0 ≤ n &lt; VolatileCount).</summary>
    public int VolatileAt(int n) => _volatile[n];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>The slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        int i = _buckets[hash & (_buckets.Length - 1)] - 1;
        KeyEntry[] entries = _entries;
        while ((uint)i < (uint)entries.Length)
        {
            ref KeyEntry e = ref entries[i];
            if (e.HashCode == hash && key.SequenceEqual(e.Key)) return i;
            i = e.Next;
        }
        return -1;
    }

    /// <summary>Finds <paramref name="key"/> or adds it as a new free-of-value slot; <paramref name="added"/> tells which.</summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = Hash(key);
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        int i = bucket - 1;
        while ((uint)i < (uint)_entries.Length)
        {
            ref KeyEntry e = ref _entries[i];
            if (e.HashCode == hash && key.SequenceEqual(e.Key)) { added = false; return i; }
            i = e.Next;
        }
        added = true;
        return Insert(key.ToArray(), hash);
    }

    /// <summary>Adds a key known to be absent, taking ownership of the array.</summary>
    public int AddNew(byte[] key) => Insert(key, Hash(key));

    private int Insert(byte[] key, int hash)
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
        ref KeyEntry e = ref _entries[index];
        // A slot free at the snapshot instant (or freed since) is taken: the rewriter must not read it any more.
        _snapshot?.BeforeChange(ref e, index, removal: true, force: true);
        e.Key = key;
        e.HashCode = hash;
        e.Next = bucket - 1;
        e.ExpireAt = NoExpiry;
        e.VolatileSlot = -1;
        e.Kind = ValueKind.None;
        e.Value = null;
        e.Number = 0;
        e.Length = 0;
        bucket = index + 1;
        return index;
    }

    /// <summary>Removes the key at slot <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        ref KeyEntry e = ref _entries[index];
        // Expiry and deletes happen outside write commands too (lazy expiry in a read, the active cycle).
        _snapshot?.BeforeChange(ref e, index, removal: true, force: true);
        ref int bucket = ref _buckets[e.HashCode & (_buckets.Length - 1)];
        int i = bucket - 1, last = -1;
        while (i != index)
        {
            last = i;
            i = _entries[i].Next;
        }
        if (last < 0) bucket = e.Next + 1;
        else _entries[last].Next = e.Next;
        if (e.VolatileSlot >= 0) RemoveVolatile(ref e);
        e = default;
        e.Next = StartOfFreeList - _freeList;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>Sets or clears (<see cref="NoExpiry"/>) the expiry of slot <paramref name="index"/>.</summary>
    public void SetExpire(int index, long expireAt)
    {
        ref KeyEntry e = ref _entries[index];
        // Only ExpireAt changes: the snapshot keeps the original object (no copy) until a write needs one.
        _snapshot?.BeforeChange(ref e, index, removal: true, force: true);
        e.ExpireAt = expireAt;
        if (expireAt == NoExpiry)
        {
            if (e.VolatileSlot >= 0) RemoveVolatile(ref e);
        }
        else if (e.VolatileSlot < 0)
        {
            if (_volatileCount == _volatile.Length) Array.Resize(ref _volatile, _volatile.Length * 2);
            e.VolatileSlot = _volatileCount;
            _volatile[_volatileCount++] = index;
        }
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        // The old array and its objects are unreachable from now on, so a snapshot keeps reading them untouched.
        _snapshot = null;
        int size = 16;
        _buckets = new int[size];
        _entries = new KeyEntry[size];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
        _volatile = new int[16];
        _volatileCount = 0;
    }

    private void RemoveVolatile(ref KeyEntry e)
    {
        int slot = e.VolatileSlot;
        int lastIndex = _volatile[--_volatileCount];
        _volatile[slot] = lastIndex;
        _entries[lastIndex].VolatileSlot = slot;
        e.VolatileSlot = -1;
    }

    private void Resize()
    {
        // Doubling keeps every slot's index: SCAN cursors stay valid across a resize.
        int size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (int i = 0; i < _used; i++)
        {
            ref KeyEntry e = ref _entries[i];
            if (e.Key is null) continue;
            ref int bucket = ref _buckets[e.HashCode & (size - 1)];
            e.Next = bucket - 1;
            bucket = i + 1;
        }
    }

    private static int RoundUpToPowerOf2(int n) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n);
}
