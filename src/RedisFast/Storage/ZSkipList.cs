namespace RedisFast.Storage;

/// <summary>One element of a <see cref="ZSkipList"/>.</summary>
internal sealed class ZSkipListNode
{
    public ZSkipListNode(int level, double score, byte[]? member)
    {
        Score = score;
        Member = member!;
        Levels = new ZSkipListLevel[level];
    }

    public byte[] Member;
    public double Score;
    public ZSkipListNode? Backward;

    /// <summary>Forward pointers with their spans (the number of level-0 nodes each pointer skips).</summary>
    public readonly ZSkipListLevel[] Levels;
}

internal struct ZSkipListLevel
{
    public ZSkipListNode? Forward;
    public int Span;
}

/// <summary>
/// Redis's zskiplist (t_zset.c): nodes ordered by (score, member bytes) with span widths on every forward
/// pointer, so insert, delete, rank and "element at rank" are O(log n). Members must be unique (the owning
/// <see cref="RedisSortedSet"/> guarantees it with its dictionary). Owned by the event loop.
/// </summary>
internal sealed class ZSkipList
{
    /// <summary>ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P (server.h).</summary>
    private const int MaxLevel = 32;

    private readonly ZSkipListNode _header = new(MaxLevel, 0, null);
    private readonly ZSkipListNode?[] _update = new ZSkipListNode?[MaxLevel];
    private readonly int[] _rank = new int[MaxLevel];
    private ZSkipListNode? _tail;
    private int _level = 1;

    public int Count { get; private set; }

    /// <summary>The lowest element, or null.</summary>
    public ZSkipListNode? First => _header.Levels[0].Forward;

    /// <summary>The highest element, or null.</summary>
    public ZSkipListNode? Last => _tail;

    /// <summary>
    /// An independent copy of the same shape: every node keeps its level and its spans, so nothing is searched and
    /// no level is drawn (O(n), where inserting the elements one by one is O(n log n)). Members are shared: they are
    /// immutable once stored.
    /// </summary>
    public ZSkipList Clone()
    {
        var copy = new ZSkipList { _level = _level, Count = Count };
        var last = new ZSkipListNode[MaxLevel];
        for (int i = 0; i < MaxLevel; i++)
        {
            copy._header.Levels[i].Span = _header.Levels[i].Span;
            last[i] = copy._header;
        }
        ZSkipListNode? previous = null;
        for (ZSkipListNode? x = First; x is not null; x = x.Levels[0].Forward)
        {
            var node = new ZSkipListNode(x.Levels.Length, x.Score, x.Member) { Backward = previous };
            for (int i = 0; i < x.Levels.Length; i++)
            {
                node.Levels[i].Span = x.Levels[i].Span;
                last[i].Levels[i].Forward = node;
                last[i] = node;
            }
            previous = node;
        }
        copy._tail = previous;
        return copy;
    }

    /// <summary>zslRandomLevel: each extra level with probability 1/4.</summary>
    private static int RandomLevel()
    {
        int level = 1;
        while (level < MaxLevel && (Random.Shared.Next() & 0xFFFF) < 0xFFFF / 4) level++;
        return level;
    }

    private static bool NodeBefore(ZSkipListNode node, double score, ReadOnlySpan<byte> member) =>
        node.Score < score || (node.Score == score && node.Member.AsSpan().SequenceCompareTo(member) < 0);

    /// <summary>zslInsert: adds a member that is not in the list yet.</summary>
    public ZSkipListNode Insert(double score, byte[] member)
    {
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            _rank[i] = i == _level - 1 ? 0 : _rank[i + 1];
            while (x.Levels[i].Forward is { } next && NodeBefore(next, score, member))
            {
                _rank[i] += x.Levels[i].Span;
                x = next;
            }
            _update[i] = x;
        }
        int level = RandomLevel();
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                _rank[i] = 0;
                _update[i] = _header;
                _header.Levels[i].Span = Count;
            }
            _level = level;
        }
        var node = new ZSkipListNode(level, score, member);
        for (int i = 0; i < level; i++)
        {
            ZSkipListNode u = _update[i]!;
            node.Levels[i].Forward = u.Levels[i].Forward;
            u.Levels[i].Forward = node;
            node.Levels[i].Span = u.Levels[i].Span - (_rank[0] - _rank[i]);
            u.Levels[i].Span = _rank[0] - _rank[i] + 1;
        }
        for (int i = level; i < _level; i++) _update[i]!.Levels[i].Span++;
        node.Backward = _update[0] == _header ? null : _update[0];
        if (node.Levels[0].Forward is { } after) after.Backward = node;
        else _tail = node;
        Count++;
        Array.Clear(_update);
        return node;
    }

    /// <summary>zslDeleteNode: unlinks <paramref name="x"/> given the update vector that leads to it.</summary>
    private void DeleteNode(ZSkipListNode x, ZSkipListNode?[] update)
    {
        for (int i = 0; i < _level; i++)
        {
            ZSkipListNode u = update[i]!;
            if (u.Levels[i].Forward == x)
            {
                u.Levels[i].Span += x.Levels[i].Span - 1;
                u.Levels[i].Forward = x.Levels[i].Forward;
            }
            else
            {
                u.Levels[i].Span--;
            }
        }
        if (x.Levels[0].Forward is { } next) next.Backward = x.Backward;
        else _tail = x.Backward;
        while (_level > 1 && _header.Levels[_level - 1].Forward is null) _level--;
        Count--;
    }

    private ZSkipListNode FindUpdate(double score, ReadOnlySpan<byte> member)
    {
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next && NodeBefore(next, score, member)) x = next;
            _update[i] = x;
        }
        return x;
    }

    /// <summary>zslDelete: removes the element with this score and member; false when absent.</summary>
    public bool Delete(double score, ReadOnlySpan<byte> member)
    {
        ZSkipListNode x = FindUpdate(score, member);
        ZSkipListNode? target = x.Levels[0].Forward;
        bool found = target is not null && target.Score == score && target.Member.AsSpan().SequenceEqual(member);
        if (found) DeleteNode(target!, _update);
        Array.Clear(_update);
        return found;
    }

    /// <summary>
    /// zslUpdateScore: moves an element to a new score, in place when its position does not change (the common
    /// case for small increments), otherwise by delete and re-insert.
    /// </summary>
    public ZSkipListNode UpdateScore(double currentScore, ReadOnlySpan<byte> member, double newScore)
    {
        ZSkipListNode x = FindUpdate(currentScore, member);
        x = x.Levels[0].Forward!;
        if ((x.Backward is null || x.Backward.Score < newScore || (x.Backward.Score == newScore && x.Backward.Member.AsSpan().SequenceCompareTo(x.Member) < 0))
            && (x.Levels[0].Forward is not { } next || next.Score > newScore || (next.Score == newScore && next.Member.AsSpan().SequenceCompareTo(x.Member) > 0)))
        {
            x.Score = newScore;
            Array.Clear(_update);
            return x;
        }
        DeleteNode(x, _update);
        Array.Clear(_update);
        return Insert(newScore, x.Member);
    }

    /// <summary>zslGetRank: the 1-based rank of an element, or 0 when absent.</summary>
    public long GetRank(double score, ReadOnlySpan<byte> member)
    {
        long rank = 0;
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next
                && (next.Score < score || (next.Score == score && next.Member.AsSpan().SequenceCompareTo(member) <= 0)))
            {
                rank += x.Levels[i].Span;
                x = next;
            }
            if (x != _header && x.Score == score && x.Member.AsSpan().SequenceEqual(member)) return rank;
        }
        return 0;
    }

    /// <summary>zslGetElementByRank: the element at 1-based <paramref name="rank"/>, or null.</summary>
    public ZSkipListNode? GetByRank(long rank)
    {
        long traversed = 0;
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next && traversed + x.Levels[i].Span <= rank)
            {
                traversed += x.Levels[i].Span;
                x = next;
            }
            if (traversed == rank) return x == _header ? null : x;
        }
        return null;
    }

    /// <summary>zslFirstInRange (the caller has checked the range is not empty and overlaps the list).</summary>
    public ZSkipListNode? FirstInRange(in ScoreRange range)
    {
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next && !range.GteMin(next.Score)) x = next;
        }
        ZSkipListNode? first = x.Levels[0].Forward;
        return first is not null && range.LteMax(first.Score) ? first : null;
    }

    /// <summary>zslLastInRange.</summary>
    public ZSkipListNode? LastInRange(in ScoreRange range)
    {
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next && range.LteMax(next.Score)) x = next;
        }
        return x != _header && range.GteMin(x.Score) ? x : null;
    }

    /// <summary>zslFirstInLexRange (the caller has checked zslIsInLexRange).</summary>
    public ZSkipListNode? FirstInLexRange(scoped in LexRange range)
    {
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next && !range.GteMin(next.Member)) x = next;
        }
        ZSkipListNode? first = x.Levels[0].Forward;
        return first is not null && range.LteMax(first.Member) ? first : null;
    }

    /// <summary>zslLastInLexRange.</summary>
    public ZSkipListNode? LastInLexRange(scoped in LexRange range)
    {
        ZSkipListNode x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } next && range.LteMax(next.Member)) x = next;
        }
        return x != _header && range.GteMin(x.Member) ? x : null;
    }

    /// <summary>
    /// Deletes up to <paramref name="maxCount"/> consecutive nodes starting at <paramref name="first"/>, removing
    /// each member from <paramref name="members"/> too (the walk zslDeleteRangeByScore/Lex/Rank share).
    /// </summary>
    public long DeleteFrom(ZSkipListNode first, long maxCount, SlotTable<double> members)
    {
        // Rebuild the update vector for the first node, then unlink nodes one by one: each unlink keeps the
        // vector valid for the next node (zslDeleteRangeByRank does the same).
        FindUpdate(first.Score, first.Member);
        ZSkipListNode? x = first;
        long removed = 0;
        while (x is not null && removed < maxCount)
        {
            ZSkipListNode? next = x.Levels[0].Forward;
            DeleteNode(x, _update);
            members.Remove(x.Member, out _);
            removed++;
            x = next;
        }
        Array.Clear(_update);
        return removed;
    }
}
