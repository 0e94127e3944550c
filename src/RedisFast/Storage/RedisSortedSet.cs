namespace RedisFast.Storage;

/// <summary>
/// A sorted set value (Redis 7.0's t_zset.c). Two encodings, as Redis: "listpack", a pair of arrays sorted by
/// (score, member bytes) for small sets (lookups are linear scans, as in a listpack, but over at most
/// zset-max-listpack-entries elements), and "skiplist", a <see cref="ZSkipList"/> plus a member → score
/// <see cref="SlotTable{TValue}"/> whose stable slots are the ZSCAN cursor, for large ones. A set converts to skiplist
/// when it passes zset-max-listpack-entries entries or gets a member longer than zset-max-listpack-value bytes;
/// it goes back only where Redis does (store commands, <see cref="ConvertToListpackIfNeeded"/>). Owned by the
/// event loop.
/// </summary>
internal sealed partial class RedisSortedSet
{
    // zsetAdd flags (server.h ZADD_IN_* / ZADD_OUT_*).
    public const int InIncr = 1, InNx = 2, InXx = 4, InGt = 8, InLt = 16;
    public const int OutNop = 1, OutNan = 2, OutAdded = 4, OutUpdated = 8;

    private byte[][]? _lpMembers;
    private double[]? _lpScores;
    private int _lpCount;
    private long _lpMemberBytes;  // MemorySize.Of of the listpack's members

    private ZSkipList? _zsl;
    private SlotTable<double>? _table;

    private RedisSortedSet()
    {
    }

    /// <summary>
    /// zsetTypeCreate: a listpack when <paramref name="sizeHint"/> elements with members up to
    /// <paramref name="maxMemberLength"/> bytes fit the thresholds, a skiplist otherwise.
    /// </summary>
    public static RedisSortedSet Create(long sizeHint, long maxMemberLength, int maxEntries, int maxValue)
    {
        var set = new RedisSortedSet();
        if (sizeHint <= maxEntries && maxMemberLength <= maxValue)
        {
            int capacity = (int)Math.Clamp(sizeHint, 1, Math.Max(maxEntries, 1));
            set._lpMembers = new byte[capacity][];
            set._lpScores = new double[capacity];
        }
        else
        {
            set.InitSkipList((int)Math.Min(sizeHint, 1 << 20));
        }
        return set;
    }

    private void InitSkipList(int capacity)
    {
        _zsl = new ZSkipList();
        _table = new SlotTable<double>(capacity);
    }

    /// <summary>Whether the set is in the compact (listpack) encoding.</summary>
    public bool IsListpack => _zsl is null;

    /// <summary>The OBJECT ENCODING name.</summary>
    public string EncodingName => IsListpack ? "listpack" : "skiplist";

    /// <summary>
    /// What the set holds (<see cref="MemorySize"/>): a listpack's arrays and members, or the member table (whose keys
    /// are the members) and a skiplist node per member (the node, its level array: 1.33 levels on average). O(1).
    /// </summary>
    public long MemoryBytes => MemorySize.ObjectHeader + 40 + (_zsl is null
        ? MemorySize.Array((long)_lpMembers!.Length * MemorySize.Reference) + MemorySize.Array((long)_lpScores!.Length * sizeof(double)) + _lpMemberBytes
        : _table!.MemoryBytes + (long)_zsl.Count * SkipListNodeBytes);

    private const int SkipListNodeBytes = 48 + 48;

    /// <summary>The members' share of <see cref="MemoryBytes"/>, kept as they change (tests check it against a walk).</summary>
    internal long ElementBytes => _zsl is null ? _lpMemberBytes : _table!.ElementBytes;

    /// <summary>ZCARD.</summary>
    public int Count => _zsl is null ? _lpCount : _zsl.Count;

    /// <summary>The score of <paramref name="member"/>, if present.</summary>
    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        return Find(member, out score) >= 0;
    }

    /// <summary>
    /// The member's position (listpack index or member table slot) and score, or -1: one hash lookup that
    /// <see cref="Add"/> reuses for the update.
    /// </summary>
    private int Find(ReadOnlySpan<byte> member, out double score)
    {
        int i = _zsl is null ? LpFind(member) : _table!.Find(member);
        score = i < 0 ? 0 : _zsl is null ? _lpScores![i] : _table!.ValueAt(i);
        return i;
    }

    private int LpFind(ReadOnlySpan<byte> member)
    {
        byte[][] members = _lpMembers!;
        for (int i = 0; i < _lpCount; i++)
        {
            if (members[i].AsSpan().SequenceEqual(member)) return i;
        }
        return -1;
    }

    /// <summary>The listpack position where (score, member) goes: after every element ordered before it.</summary>
    private int LpInsertPosition(double score, ReadOnlySpan<byte> member)
    {
        int lo = 0, hi = _lpCount;
        double[] scores = _lpScores!;
        byte[][] members = _lpMembers!;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            double s = scores[mid];
            if (s < score || (s == score && members[mid].AsSpan().SequenceCompareTo(member) < 0)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private void LpInsert(double score, byte[] member)
    {
        // A listpack keeps a score as text (d2string) that an integral value turns into an integer entry, so
        // -0 comes back as 0; a skiplist keeps the double and its sign (t_zset.c zzlInsertAt).
        if (score == 0) score = 0;
        int pos = LpInsertPosition(score, member);
        if (_lpCount == _lpMembers!.Length)
        {
            int capacity = Math.Max(4, _lpCount * 2);
            Array.Resize(ref _lpMembers, capacity);
            Array.Resize(ref _lpScores, capacity);
        }
        if (pos < _lpCount)
        {
            Array.Copy(_lpMembers, pos, _lpMembers, pos + 1, _lpCount - pos);
            Array.Copy(_lpScores!, pos, _lpScores!, pos + 1, _lpCount - pos);
        }
        _lpMembers[pos] = member;
        _lpScores![pos] = score;
        _lpCount++;
        _lpMemberBytes += MemorySize.Of(member);
    }

    private void LpDeleteRange(int start, int count)
    {
        for (int i = start; i < start + count; i++) _lpMemberBytes -= MemorySize.Of(_lpMembers![i]);
        int tail = _lpCount - start - count;
        if (tail > 0)
        {
            Array.Copy(_lpMembers!, start + count, _lpMembers!, start, tail);
            Array.Copy(_lpScores!, start + count, _lpScores!, start, tail);
        }
        Array.Clear(_lpMembers!, _lpCount - count, count);
        _lpCount -= count;
    }

    /// <summary>
    /// zsetAdd: adds or updates one member under the ZADD flags (<see cref="InIncr"/>...). Returns false only when
    /// the resulting score is NaN (<paramref name="outFlags"/> has <see cref="OutNan"/>); otherwise
    /// <paramref name="outFlags"/> tells whether the member was added, updated or left alone, and
    /// <paramref name="newScore"/> is the member's score after the call when something was processed.
    /// </summary>
    public bool Add(ReadOnlySpan<byte> member, double score, int inFlags, out int outFlags, out double newScore,
        int maxEntries, int maxValue)
    {
        bool incr = (inFlags & InIncr) != 0, nx = (inFlags & InNx) != 0, xx = (inFlags & InXx) != 0;
        bool gt = (inFlags & InGt) != 0, lt = (inFlags & InLt) != 0;
        outFlags = 0;
        newScore = score;
        if (double.IsNaN(score))
        {
            outFlags = OutNan;
            return false;
        }
        int position = Find(member, out double current);
        if (position >= 0)
        {
            if (nx)
            {
                outFlags = OutNop;
                return true;
            }
            if (incr)
            {
                score += current;
                if (double.IsNaN(score))
                {
                    outFlags = OutNan;
                    return false;
                }
            }
            if ((lt && score >= current) || (gt && score <= current))
            {
                outFlags = OutNop;
                return true;
            }
            newScore = score;
            // Redis compares with != so -0.0 over 0.0 keeps the stored 0 (t_zset.c zsetAdd).
            if (score != current)
            {
                UpdateScore(position, current, score);
                outFlags = OutUpdated;
            }
            return true;
        }
        if (xx)
        {
            outFlags = OutNop;
            return true;
        }
        Insert(member.ToArray(), score, maxEntries, maxValue);
        outFlags = OutAdded;
        return true;
    }

    /// <summary>Adds a member known to be absent, converting to a skiplist first when the thresholds say so.</summary>
    public void Insert(byte[] member, double score, int maxEntries, int maxValue)
    {
        if (_zsl is null)
        {
            if (_lpCount + 1 > maxEntries || member.Length > maxValue) ConvertToSkipList(_lpCount + 1);
            else
            {
                LpInsert(score, member);
                return;
            }
        }
        _zsl!.Insert(score, member);
        _table!.AddNew(member, score);
    }

    /// <summary>Moves the member at <paramref name="position"/> (from <see cref="Find"/>) to a new score.</summary>
    private void UpdateScore(int position, double current, double score)
    {
        if (_zsl is null)
        {
            byte[] stored = _lpMembers![position];
            LpDeleteRange(position, 1);
            LpInsert(score, stored);
            return;
        }
        _zsl.UpdateScore(current, _table!.KeyAt(position)!, score);
        _table.SetValueAt(position, score);
    }

    /// <summary>zsetRemoveFromSkiplist / zzlDeleteRangeByRank of one member: false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_zsl is null)
        {
            int i = LpFind(member);
            if (i < 0) return false;
            LpDeleteRange(i, 1);
            return true;
        }
        if (!_table!.Remove(member, out double score)) return false;
        _zsl.Delete(score, member);
        return true;
    }

    /// <summary>zsetRank: the 0-based rank of <paramref name="member"/> (from the top when reversed), or -1.</summary>
    public long Rank(ReadOnlySpan<byte> member, bool reverse)
    {
        long rank;
        if (_zsl is null)
        {
            rank = LpFind(member);
            if (rank < 0) return -1;
        }
        else
        {
            if (!_table!.TryGetValue(member, out double score)) return -1;
            rank = _zsl.GetRank(score, member) - 1;
        }
        return reverse ? Count - 1 - rank : rank;
    }

    /// <summary>zsetConvert to skiplist.</summary>
    public void ConvertToSkipList(int capacityHint)
    {
        if (_zsl is not null) return;
        byte[][] members = _lpMembers!;
        double[] scores = _lpScores!;
        int count = _lpCount;
        InitSkipList(Math.Max(capacityHint, count));
        for (int i = 0; i < count; i++)
        {
            _zsl!.Insert(scores[i], members[i]);
            _table!.AddNew(members[i], scores[i]);
        }
        _lpMembers = null;
        _lpScores = null;
        _lpCount = 0;
        _lpMemberBytes = 0;
    }

    /// <summary>
    /// zsetConvertToListpackIfNeeded: a skiplist set small enough for the listpack thresholds goes back to a
    /// listpack (store commands do this for their destination).
    /// </summary>
    public void ConvertToListpackIfNeeded(long maxMemberLength, int maxEntries, int maxValue)
    {
        if (_zsl is null || _zsl.Count > maxEntries || maxMemberLength > maxValue) return;
        int count = _zsl.Count;
        var members = new byte[Math.Max(count, 1)][];
        var scores = new double[Math.Max(count, 1)];
        int i = 0;
        long memberBytes = 0;
        for (ZSkipListNode? x = _zsl.First; x is not null; x = x.Levels[0].Forward, i++)
        {
            members[i] = x.Member;
            scores[i] = x.Score;
            memberBytes += MemorySize.Of(x.Member);
        }
        _lpMemberBytes = memberBytes;
        _zsl = null;
        _table = null;
        _lpMembers = members;
        _lpScores = scores;
        _lpCount = count;
    }

    /// <summary>The member → score table of the skiplist encoding, or null for a listpack.</summary>
    public SlotTable<double>? MemberScores => _table;

    /// <summary>
    /// For the loop, when the rewrite of <paramref name="snapshot"/> may still read this set
    /// (<see cref="RewriteSnapshot.InstallCopy"/>): a set that takes over this one's skiplist and splits off the member
    /// → score table (<see cref="SlotTable{TValue}.SplitForRewrite"/>, per segment), which is all a rewrite reads of a
    /// skiplist set. This object, left to the rewriter, keeps the table of the instant; afterwards only
    /// <see cref="MemberScores"/> of it may be walked: its skiplist (and so <see cref="Count"/>) belongs to the new set.
    /// A listpack set is copied whole: it is small (zset-max-listpack-entries).
    /// </summary>
    public RedisSortedSet SplitForRewrite(RewriteSnapshot snapshot)
    {
        if (_zsl is not null) return new RedisSortedSet { _zsl = _zsl, _table = _table!.SplitForRewrite(snapshot) };
        snapshot.AddCopiedBytes(_lpCount * (IntPtr.Size + sizeof(double)));
        return Clone();
    }

    /// <summary>An independent copy (COPY); member arrays are immutable once stored, so they are shared.</summary>
    public RedisSortedSet Clone()
    {
        var copy = new RedisSortedSet();
        if (_zsl is null)
        {
            copy._lpMembers = (byte[][])_lpMembers!.Clone();
            copy._lpScores = (double[])_lpScores!.Clone();
            copy._lpCount = _lpCount;
            copy._lpMemberBytes = _lpMemberBytes;
            return copy;
        }
        // The copy keeps the original's slots, so a cursor taken on one pages the other the same way.
        copy._zsl = _zsl.Clone();
        copy._table = _table!.Clone();
        return copy;
    }
}
