namespace RedisFast.Storage;

internal sealed partial class RedisSortedSet
{
    /// <summary>Skiplist encoding only: the member slots a ZSCAN cursor walks, in [0, ScanSlotCount).</summary>
    public int ScanSlotCount => _table!.SlotCount;

    /// <summary>Skiplist encoding only: the member in slot <paramref name="slot"/>, or null when the slot is free.</summary>
    public byte[]? MemberAtSlot(int slot) => _table!.MemberAt(slot);

    /// <summary>Skiplist encoding only: the score of the member in an occupied slot.</summary>
    public double ScoreAtSlot(int slot) => _table!.ScoreAt(slot);

    /// <summary>
    /// The member→score index of a skiplist-encoded sorted set (the dict half of Redis's zset): a chained hash
    /// table over one entry array, searched by span with no allocation. Like <see cref="KeyTable"/> and
    /// <see cref="ByteSlotTable"/>, a member keeps its slot index for its whole life (growth keeps indices, freed
    /// slots are reused), so a ZSCAN cursor is a slot index: every member present for the whole scan is returned
    /// exactly once, whatever is added or removed between calls. Scores are kept here as well as in the skiplist
    /// node, so ZSCORE and ZADD's lookup never touch the node. Owned by the event loop.
    /// </summary>
    internal sealed class MemberTable
    {
        private const int StartOfFreeList = -3;

        private int[] _buckets;   // 1-based slot index, 0 = empty bucket
        private Entry[] _entries;
        private int _used;         // slots ever handed out (high-water mark)
        private int _freeList = -1;
        private int _freeCount;

        private struct Entry
        {
            public byte[]? Member;
            public double Score;
            public int HashCode;
            public int Next;
        }

        public MemberTable(int capacity)
        {
            int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8));
            _buckets = new int[size];
            _entries = new Entry[size];
        }

        /// <summary>Number of members.</summary>
        public int Count => _used - _freeCount;

        /// <summary>Slots a cursor can visit: indices are in [0, SlotCount); a free slot has a null member.</summary>
        public int SlotCount => _used;

        /// <summary>The member at slot <paramref name="index"/>, or null when the slot is free.</summary>
        public byte[]? MemberAt(int index) => _entries[index].Member;

        /// <summary>The score at an occupied slot.</summary>
        public double ScoreAt(int index) => _entries[index].Score;

        /// <summary>Replaces the score at an occupied slot (the skiplist must be updated by the caller).</summary>
        public void SetScoreAt(int index, double score) => _entries[index].Score = score;

        /// <summary>The slot of <paramref name="member"/>, or -1.</summary>
        public int Find(ReadOnlySpan<byte> member)
        {
            int hash = KeyTable.Hash(member);
            Entry[] entries = _entries;
            int i = _buckets[hash & (_buckets.Length - 1)] - 1;
            while ((uint)i < (uint)entries.Length)
            {
                ref Entry e = ref entries[i];
                if (e.HashCode == hash && member.SequenceEqual(e.Member)) return i;
                i = e.Next;
            }
            return -1;
        }

        /// <summary>The score of <paramref name="member"/>, if present.</summary>
        public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
        {
            int i = Find(member);
            score = i >= 0 ? _entries[i].Score : 0;
            return i >= 0;
        }

        /// <summary>Adds a member known to be absent, taking ownership of the array; returns its slot.</summary>
        public int AddNew(byte[] member, double score)
        {
            int hash = KeyTable.Hash(member);
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
            e.Member = member;
            e.Score = score;
            e.HashCode = hash;
            e.Next = bucket - 1;
            bucket = index + 1;
            return index;
        }

        /// <summary>Removes <paramref name="member"/>, giving back its score; false when absent.</summary>
        public bool Remove(ReadOnlySpan<byte> member, out double score)
        {
            int index = Find(member);
            if (index < 0)
            {
                score = 0;
                return false;
            }
            score = _entries[index].Score;
            RemoveAt(index);
            return true;
        }

        /// <summary>Frees an occupied slot; the slot goes on the free list for the next insert.</summary>
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

        /// <summary>An independent copy (COPY) with the same slots; member arrays are immutable, so they are shared.</summary>
        public MemberTable Clone()
        {
            var copy = (MemberTable)MemberwiseClone();
            copy._buckets = (int[])_buckets.Clone();
            copy._entries = (Entry[])_entries.Clone();
            return copy;
        }

        private void Resize()
        {
            // Doubling keeps every slot's index, so ZSCAN cursors stay valid across growth.
            int size = _entries.Length * 2;
            Array.Resize(ref _entries, size);
            _buckets = new int[size];
            for (int i = 0; i < _used; i++)
            {
                ref Entry e = ref _entries[i];
                if (e.Member is null) continue;
                ref int bucket = ref _buckets[e.HashCode & (size - 1)];
                e.Next = bucket - 1;
                bucket = i + 1;
            }
        }
    }
}
