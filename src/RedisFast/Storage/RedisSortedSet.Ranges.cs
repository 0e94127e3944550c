namespace RedisFast.Storage;

/// <summary>
/// A position in a <see cref="RedisSortedSet"/> that walks in either direction without allocating: an index into
/// the listpack arrays, or a skiplist node. Invalid past either end. The set must not change while it is used
/// (except through the set's own range deletions).
/// </summary>
internal struct ZIterator
{
    private readonly byte[][]? _members;
    private readonly double[]? _scores;
    private readonly int _count;
    private int _index;
    private ZSkipListNode? _node;

    internal ZIterator(byte[][] members, double[] scores, int count, int index)
    {
        _members = members;
        _scores = scores;
        _count = count;
        _index = index;
    }

    internal ZIterator(ZSkipListNode? node)
    {
        _node = node;
        _index = -1;
    }

    public readonly bool Valid => _members is null ? _node is not null : (uint)_index < (uint)_count;

    public readonly byte[] Member => _members is null ? _node!.Member : _members[_index];

    public readonly double Score => _members is null ? _node!.Score : _scores![_index];

    /// <summary>The listpack index, or -1 for a skiplist position.</summary>
    internal readonly int Index => _members is null ? -1 : _index;

    internal readonly ZSkipListNode? Node => _node;

    public void MoveNext()
    {
        if (_members is null) _node = _node!.Levels[0].Forward;
        else _index++;
    }

    public void MovePrevious()
    {
        if (_members is null) _node = _node!.Backward;
        else _index--;
    }
}

internal sealed partial class RedisSortedSet
{
    private ZIterator Invalid() => _zsl is null ? new ZIterator(_lpMembers!, _lpScores!, _lpCount, -1) : new ZIterator(null);

    /// <summary>The element at 0-based ascending <paramref name="rank"/> (O(log n) on a skiplist).</summary>
    public ZIterator AtRank(long rank)
    {
        if (_zsl is null) return new ZIterator(_lpMembers!, _lpScores!, _lpCount, rank < 0 || rank >= _lpCount ? -1 : (int)rank);
        return new ZIterator(rank < 0 || rank >= _zsl.Count ? null : _zsl.GetByRank(rank + 1));
    }

    /// <summary>The 0-based ascending rank of a valid iterator position.</summary>
    public long RankOf(in ZIterator it) => _zsl is null ? it.Index : _zsl.GetRank(it.Node!.Score, it.Node.Member) - 1;

    /// <summary>Whether any element can fall in the range (zslIsInRange / zzlIsInRange).</summary>
    private bool IsInRange(in ScoreRange range)
    {
        if (range.IsEmpty || Count == 0) return false;
        double last = _zsl is null ? _lpScores![_lpCount - 1] : _zsl.Last!.Score;
        double first = _zsl is null ? _lpScores![0] : _zsl.First!.Score;
        return range.GteMin(last) && range.LteMax(first);
    }

    /// <summary>zslFirstInRange / zzlFirstInRange: the lowest element inside the range, or an invalid iterator.</summary>
    public ZIterator FirstInRange(in ScoreRange range)
    {
        if (!IsInRange(range)) return Invalid();
        if (_zsl is not null) return new ZIterator(_zsl.FirstInRange(range));
        for (int i = 0; i < _lpCount; i++)
        {
            if (range.GteMin(_lpScores![i]))
                return new ZIterator(_lpMembers!, _lpScores, _lpCount, range.LteMax(_lpScores[i]) ? i : -1);
        }
        return Invalid();
    }

    /// <summary>zslLastInRange / zzlLastInRange: the highest element inside the range, or an invalid iterator.</summary>
    public ZIterator LastInRange(in ScoreRange range)
    {
        if (!IsInRange(range)) return Invalid();
        if (_zsl is not null) return new ZIterator(_zsl.LastInRange(range));
        for (int i = _lpCount - 1; i >= 0; i--)
        {
            if (range.LteMax(_lpScores![i]))
                return new ZIterator(_lpMembers!, _lpScores, _lpCount, range.GteMin(_lpScores[i]) ? i : -1);
        }
        return Invalid();
    }

    /// <summary>zslIsInLexRange / zzlIsInLexRange.</summary>
    private bool IsInLexRange(scoped in LexRange range)
    {
        if (range.IsEmpty || Count == 0) return false;
        byte[] last = _zsl is null ? _lpMembers![_lpCount - 1] : _zsl.Last!.Member;
        byte[] first = _zsl is null ? _lpMembers![0] : _zsl.First!.Member;
        return range.GteMin(last) && range.LteMax(first);
    }

    /// <summary>zslFirstInLexRange / zzlFirstInLexRange.</summary>
    public ZIterator FirstInLexRange(scoped in LexRange range)
    {
        if (!IsInLexRange(range)) return Invalid();
        if (_zsl is not null) return new ZIterator(_zsl.FirstInLexRange(range));
        for (int i = 0; i < _lpCount; i++)
        {
            if (range.GteMin(_lpMembers![i]))
                return new ZIterator(_lpMembers, _lpScores!, _lpCount, range.LteMax(_lpMembers[i]) ? i : -1);
        }
        return Invalid();
    }

    /// <summary>zslLastInLexRange / zzlLastInLexRange.</summary>
    public ZIterator LastInLexRange(scoped in LexRange range)
    {
        if (!IsInLexRange(range)) return Invalid();
        if (_zsl is not null) return new ZIterator(_zsl.LastInLexRange(range));
        for (int i = _lpCount - 1; i >= 0; i--)
        {
            if (range.LteMax(_lpMembers![i]))
                return new ZIterator(_lpMembers, _lpScores!, _lpCount, range.GteMin(_lpMembers[i]) ? i : -1);
        }
        return Invalid();
    }

    /// <summary>Deletes the elements at ascending ranks <paramref name="start"/>..<paramref name="end"/> (0-based, inclusive, in range).</summary>
    public long DeleteRangeByRank(long start, long end)
    {
        long count = end - start + 1;
        if (count <= 0) return 0;
        if (_zsl is null)
        {
            LpDeleteRange((int)start, (int)count);
            return count;
        }
        return _zsl.DeleteFrom(_zsl.GetByRank(start + 1)!, count, _table!);
    }

    /// <summary>zsetDeleteRangeByScore: removes every element whose score is in the range.</summary>
    public long DeleteRangeByScore(in ScoreRange range)
    {
        ZIterator it = FirstInRange(range);
        if (!it.Valid) return 0;
        long count = 0;
        for (ZIterator walk = it; walk.Valid && range.LteMax(walk.Score); walk.MoveNext()) count++;
        return DeleteFromIterator(it, count);
    }

    /// <summary>zsetDeleteRangeByLex: removes the elements from the first in range on, while they stay in range.</summary>
    public long DeleteRangeByLex(scoped in LexRange range)
    {
        ZIterator it = FirstInLexRange(range);
        if (!it.Valid) return 0;
        long count = 0;
        for (ZIterator walk = it; walk.Valid && range.LteMax(walk.Member); walk.MoveNext()) count++;
        return DeleteFromIterator(it, count);
    }

    private long DeleteFromIterator(in ZIterator it, long count)
    {
        if (_zsl is null)
        {
            LpDeleteRange(it.Index, (int)count);
            return count;
        }
        return _zsl.DeleteFrom(it.Node!, count, _table!);
    }

    /// <summary>A random element (ZRANDMEMBER, SRANDMEMBER-style sampling); the set must not be empty.</summary>
    public ZIterator RandomElement() => AtRank(Random.Shared.NextInt64(Count));
}
