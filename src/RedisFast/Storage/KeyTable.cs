using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// The hash table behind one database: keys are byte arrays looked up by span with no allocation. It is a
/// chained table, like <see cref="Dictionary{TKey,TValue}"/>, but its slots are reachable by index: a key keeps
/// its slot for its whole life (growth keeps indices), so a cursor that walks slots in order returns every key
/// that exists for the whole scan exactly once. Keys with an expiry are also listed in a dense array for O(1)
/// random sampling by the active expiry cycle. Owned by the event loop.
/// <para>
/// Nothing here takes time proportional to the table in one step, as Redis's incremental rehashing (dict.c): slots
/// live in segments of <see cref="SegmentSize"/> (one shorter segment while the table is small), so growing adds a
/// segment and never copies entries; and the buckets double incrementally (<see cref="IncrementalBuckets"/>).
/// </para>
/// <para>
/// While an AOF rewrite reads a copy-on-write snapshot of the table on another thread (<see cref="Snapshot"/>
/// set), every path that can change what the rewriter reads of a slot (Key, Kind, Value or the object it points
/// to, Number, Length, ExpireAt) first hands the slot over (<see cref="TableSnapshot"/>): the indexer for write
/// commands, and <see cref="RemoveAt"/>, <see cref="SetExpire"/> and slot reuse by an insert for everyone. Without
/// a snapshot that costs one null check. Chains (<see cref="KeyEntry.Next"/>) change under the rewriter freely: it
/// walks slots by index and never follows them.
/// </para>
/// </summary>
internal sealed class KeyTable
{
    public const long NoExpiry = -1;

    /// <summary>Slots per segment: 56 KB of entries, below the large object heap's 85,000 bytes.</summary>
    public const int SegmentSize = Segments.Size;

    private const int SegmentShift = Segments.Shift;
    private const int StartOfFreeList = -3;
    private const int MinCapacity = 16;

    private IncrementalBuckets _buckets;
    private KeyEntry[][] _segments;  // the first _capacity / SegmentSize are in use (one shorter segment below that)
    private int _capacity;
    private int _used;         // slots ever handed out (high-water mark)
    private int _freeList = -1;
    private int _freeCount;
    private int[] _volatile = new int[16];
    private int _volatileCount;
    private TableSnapshot? _snapshot;
    private readonly KeyspaceMemory? _memory;
    private long _bytes;

    /// <param name="capacity">Slots to start with.</param>
    /// <param name="memory">Where changed slots are recorded for <see cref="Bytes"/>; null keeps no count.</param>
    public KeyTable(int capacity = MinCapacity, KeyspaceMemory? memory = null)
    {
        _memory = memory;
        int size = RoundUpToPowerOf2(Math.Max(capacity, MinCapacity));
        _buckets = new IncrementalBuckets(size);
        int segments = Math.Max(size >> SegmentShift, 1);
        _segments = new KeyEntry[segments][];
        for (int i = 0; i < segments; i++) _segments[i] = new KeyEntry[Math.Min(size, SegmentSize)];
        _capacity = size;
    }

    /// <summary>Number of keys, expired or not.</summary>
    public int Count => _used - _freeCount;

    /// <summary>
    /// What the keys and values hold (<see cref="MemorySize.Of(in KeyEntry)"/> summed), as of the last
    /// <see cref="KeyspaceMemory.Settle"/>.
    /// </summary>
    public long Bytes => _bytes;

    /// <summary>Where this table's changed slots are recorded, or null when its keys are not counted.</summary>
    public KeyspaceMemory? Memory => _memory;

    /// <summary>Number of keys with an expiry.</summary>
    public int VolatileCount => _volatileCount;

    /// <summary>Slots that a cursor can visit: indices are in [0, SlotCount).</summary>
    public int SlotCount => _used;

    /// <summary>Whether a doubled bucket array is being filled (<see cref="Rehash"/>).</summary>
    public bool IsRehashing => _buckets.IsRehashing;

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
            ref KeyEntry e = ref EntryAt(index);
            if (_snapshot is not null) _snapshot.BeforeChange(ref e, index, removal: false, force: false);
            if (!e.SizePending && _memory is not null && _memory.MayResize) BeforeResize(ref e, index);
            return ref e;
        }
    }

    /// <summary>The slot may change size: its size now is recorded for <see cref="KeyspaceMemory.Settle"/>.</summary>
    private void BeforeResize(ref KeyEntry e, int index)
    {
        e.SizePending = true;
        _memory!.Record(this, index, MemorySize.Of(e));
    }

    /// <summary>Counts slot <paramref name="index"/>'s change in size since it was <paramref name="before"/> bytes.</summary>
    internal void Settle(int index, long before)
    {
        ref KeyEntry e = ref EntryAt(index);
        e.SizePending = false;
        long delta = MemorySize.Of(e) - before;
        _bytes += delta;
        _memory!.Bytes += delta;
    }

    /// <summary>
    /// The slot at <paramref name="index"/> for reading (and stamping <see cref="KeyEntry.AccessedAt"/>, which no
    /// snapshot reads): never copies anything for a running rewrite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref KeyEntry Peek(int index) => ref EntryAt(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref KeyEntry EntryAt(int index) => ref Segments.At(_segments, _capacity, index);

    private EntryLinks Links => new(_segments);

    /// <summary>
    /// The copy-on-write snapshot an AOF rewrite is reading, or null. Set by <see cref="BeginSnapshot"/>, cleared by
    /// <see cref="EndSnapshot"/> and by <see cref="Clear"/> (the cleared array is never written again).
    /// </summary>
    public TableSnapshot? Snapshot => _snapshot;

    /// <summary>
    /// Starts a snapshot of this table (on the loop, between two commands): a copy of the segment directory and one
    /// byte of state per slot.
    /// </summary>
    public TableSnapshot BeginSnapshot(int dbId, RewriteSnapshot owner)
    {
        _snapshot = new TableSnapshot((KeyEntry[][])_segments.Clone(), _used, dbId, owner);
        return _snapshot;
    }

    /// <summary>Detaches <paramref name="snapshot"/> if it is still this table's.</summary>
    public void EndSnapshot(TableSnapshot snapshot)
    {
        if (_snapshot == snapshot) _snapshot = null;
    }

    /// <summary>
    /// An occupied slot drawn at random (the table must not be empty). Slots are drawn uniformly; a table made
    /// sparse by deletions falls back, after 64 misses, to the next occupied slot after a random one, so the
    /// cost stays bounded by the slot count.
    /// </summary>
    public int RandomSlot()
    {
        int slots = _used;
        for (int tries = 0; tries < 64; tries++)
        {
            int index = Random.Shared.Next(slots);
            if (EntryAt(index).Key is not null) return index;
        }
        int start = Random.Shared.Next(slots);
        for (int n = 0; n < slots; n++)
        {
            int index = start + n;
            if (index >= slots) index -= slots;
            if (EntryAt(index).Key is not null) return index;
        }
        throw new InvalidOperationException("KeyTable.Count is positive but no slot holds a key.");
    }

    /// <summary>
    /// dictGetSomeKeys: up to <paramref name="slots"/>.Length occupied slots, consecutive from a random start (so a
    /// sample costs a cache miss or two rather than one per key, as Redis samples consecutive buckets), looking at no
    /// more than ten slots per key asked. Returns how many were found (the table must not be empty).
    /// </summary>
    public int SampleSlots(Span<int> slots)
    {
        int total = _used, found = 0;
        int index = Random.Shared.Next(total);
        for (int looked = 0; looked < total && looked < slots.Length * 10 && found < slots.Length; looked++)
        {
            if (EntryAt(index).Key is not null) slots[found++] = index;
            if (++index == total) index = 0;
        }
        // A sparse stretch: at least one key, drawn at random.
        if (found == 0) slots[found++] = RandomSlot();
        return found;
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
        if (_buckets.IsRehashing) _buckets.Step(Links, IncrementalBuckets.StepBuckets);
        return Find(key, Hash(key));
    }

    /// <summary>Finds <paramref name="key"/> or adds it as a new free-of-value slot; <paramref name="added"/> tells which.</summary>
    public int FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = Hash(key);
        int i = Find(key, hash);
        added = i < 0;
        return added ? Insert(key.ToArray(), hash) : i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<byte> key, int hash)
    {
        // Walked here rather than through IChainLinks: one reference to the slot serves the compare and the next link
        // (an accessor would find the slot again after the key comparison's call).
        int i = _buckets.Head(hash) - 1;
        while (i >= 0)
        {
            ref KeyEntry e = ref EntryAt(i);
            if (e.HashCode == hash && key.SequenceEqual(e.Key)) return i;
            i = e.Next;
        }
        return -1;
    }

    /// <summary>Adds a key known to be absent, taking ownership of the array.</summary>
    public int AddNew(byte[] key) => Insert(key, Hash(key));

    private int Insert(byte[] key, int hash)
    {
        int index;
        if (_freeCount > 0)
        {
            index = _freeList;
            _freeList = StartOfFreeList - EntryAt(index).Next;
            _freeCount--;
        }
        else
        {
            if (_used == _capacity) Grow();
            index = _used++;
        }
        _buckets.AfterInsert(Links, Count);
        ref KeyEntry e = ref EntryAt(index);
        // A slot free at the snapshot instant (or freed since) is taken: the rewriter must not read it any more.
        _snapshot?.BeforeChange(ref e, index, removal: true, force: true);
        if (!e.SizePending && _memory is not null) BeforeResize(ref e, index);
        e.Key = key;
        e.HashCode = hash;
        e.ExpireAt = NoExpiry;
        e.VolatileSlot = -1;
        e.Kind = ValueKind.None;
        e.Value = null;
        e.Number = 0;
        e.Length = 0;
        _buckets.Link(Links, index, hash);
        return index;
    }

    /// <summary>Removes the key at slot <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        if (_buckets.IsRehashing) _buckets.Step(Links, IncrementalBuckets.StepBuckets);
        ref KeyEntry e = ref EntryAt(index);
        // Expiry and deletes happen outside write commands too (lazy expiry in a read, the active cycle).
        _snapshot?.BeforeChange(ref e, index, removal: true, force: true);
        if (!e.SizePending && _memory is not null) BeforeResize(ref e, index);
        _buckets.Unlink(Links, index, e.HashCode);
        if (e.VolatileSlot >= 0) RemoveVolatile(ref e);
        bool pending = e.SizePending;
        e = default;
        e.SizePending = pending;
        e.Next = StartOfFreeList - _freeList;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>Sets or clears (<see cref="NoExpiry"/>) the expiry of slot <paramref name="index"/>.</summary>
    public void SetExpire(int index, long expireAt)
    {
        ref KeyEntry e = ref EntryAt(index);
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
        // Recorded slots are settled while they still exist, then the count starts again from nothing.
        if (_memory is not null)
        {
            _memory.Settle();
            _memory.Bytes -= _bytes;
        }
        _bytes = 0;
        // The old segments and their objects are unreachable from now on, so a snapshot keeps reading them untouched.
        _snapshot = null;
        _buckets = new IncrementalBuckets(MinCapacity);
        _segments = [new KeyEntry[MinCapacity]];
        _capacity = MinCapacity;
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
        EntryAt(lastIndex).VolatileSlot = slot;
        e.VolatileSlot = -1;
    }

    /// <summary>
    /// Adds slots, keeping every index (SCAN cursors stay valid): a small table doubles its one segment (at most
    /// 1,024 entries copied), a large one adds a segment, O(1) but for doubling the directory of segment references.
    /// </summary>
    private void Grow()
    {
        if (_capacity < SegmentSize)
        {
            // A snapshot keeps the old segment, which is not written after this.
            Array.Resize(ref _segments[0], _capacity * 2);
            _capacity *= 2;
            return;
        }
        int segments = _capacity >> SegmentShift;
        if (segments == _segments.Length) Array.Resize(ref _segments, segments * 2);
        _segments[segments] = new KeyEntry[SegmentSize];
        _capacity += SegmentSize;
    }

    /// <summary>The cron's share of rehashing (activerehashing): see <see cref="IncrementalBuckets.RehashFor"/>.</summary>
    /// <returns>Whether there was rehashing to do.</returns>
    public bool Rehash(long budgetTicks) => _buckets.RehashFor(Links, budgetTicks);

    private static int RoundUpToPowerOf2(int n) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n);

    /// <summary>The chains as <see cref="IncrementalBuckets"/> moves them: <see cref="KeyEntry.Next"/> in the segments.</summary>
    private readonly struct EntryLinks(KeyEntry[][] segments) : IChainLinks
    {
        public int HashCode(int slot) => Segments.At(segments, slot).HashCode;

        public int NextOf(int slot) => Segments.At(segments, slot).Next;

        public ref int Next(int slot) => ref Segments.At(segments, slot).Next;
    }
}
