using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// The range family (t_zset.c zrangeGenericCommand and zremrangeGenericCommand): ZRANGE with BYSCORE / BYLEX /
/// REV / LIMIT / WITHSCORES, the older ZRANGEBYSCORE-style forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and
/// ZREMRANGEBY*. Every range is resolved to a start position and a length (O(log n) to find the start on a
/// skiplist), then written or stored in one walk.
/// </summary>
internal static partial class SortedSetCommands
{
    private enum RangeType : byte { Auto, Rank, Score, Lex }

    private static ReadOnlySpan<byte> NotFloatRange => "ERR min or max is not a float"u8;

    private static ReadOnlySpan<byte> NotLexRange => "ERR min or max not valid string range item"u8;

    /// <summary>zslParseRange: "(" makes a bound exclusive; the rest is strtod (see NumberParser.TryParseRangeBound).</summary>
    internal static bool TryParseScoreRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        bool minEx = min.Length > 0 && min[0] == '(';
        bool maxEx = max.Length > 0 && max[0] == '(';
        if (!NumberParser.TryParseRangeBound(minEx ? min[1..] : min, out double lo)) return false;
        if (!NumberParser.TryParseRangeBound(maxEx ? max[1..] : max, out double hi)) return false;
        range = new ScoreRange(lo, hi, minEx, maxEx);
        return true;
    }

    /// <summary>zslParseLexRange.</summary>
    internal static bool TryParseLexRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!LexRange.TryParseItem(min, out ReadOnlySpan<byte> lo, out sbyte loKind, out bool loEx)) return false;
        if (!LexRange.TryParseItem(max, out ReadOnlySpan<byte> hi, out sbyte hiKind, out bool hiEx)) return false;
        range = new LexRange(lo, loKind, loEx, hi, hiKind, hiEx);
        return true;
    }

    /// <summary>ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]</summary>
    public static void ZRange(Client c) => ZRangeGeneric(c, 1, store: false, RangeType.Auto, reverse: null);

    /// <summary>ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]</summary>
    public static void ZRangeStore(Client c) => ZRangeGeneric(c, 2, store: true, RangeType.Auto, reverse: null);

    /// <summary>ZREVRANGE key start stop [WITHSCORES]</summary>
    public static void ZRevRange(Client c) => ZRangeGeneric(c, 1, store: false, RangeType.Rank, reverse: true);

    /// <summary>ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]</summary>
    public static void ZRangeByScore(Client c) => ZRangeGeneric(c, 1, store: false, RangeType.Score, reverse: false);

    /// <summary>ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]</summary>
    public static void ZRevRangeByScore(Client c) => ZRangeGeneric(c, 1, store: false, RangeType.Score, reverse: true);

    /// <summary>ZRANGEBYLEX key min max [LIMIT offset count]</summary>
    public static void ZRangeByLex(Client c) => ZRangeGeneric(c, 1, store: false, RangeType.Lex, reverse: false);

    /// <summary>ZREVRANGEBYLEX key max min [LIMIT offset count]</summary>
    public static void ZRevRangeByLex(Client c) => ZRangeGeneric(c, 1, store: false, RangeType.Lex, reverse: true);

    /// <summary>
    /// zrangeGenericCommand: options after the three fixed arguments (in Redis's order of checks), conflicts,
    /// range parsing, then the lookup. <paramref name="reverse"/> null means "REV may be given".
    /// </summary>
    private static void ZRangeGeneric(Client c, int keyIndex, bool store, RangeType type, bool? reverse)
    {
        int minIndex = keyIndex + 1, maxIndex = keyIndex + 2;
        bool withScores = false;
        long offset = 0, limit = -1;
        bool limitGiven = false;
        for (int j = keyIndex + 3; j < c.Argc; j++)
        {
            int left = c.Argc - j - 1;
            ReadOnlySpan<byte> opt = c.Args[j];
            if (!store && System.Text.Ascii.EqualsIgnoreCase(opt, "withscores"u8))
            {
                withScores = true;
            }
            else if (left >= 2 && System.Text.Ascii.EqualsIgnoreCase(opt, "limit"u8))
            {
                if (!NumberParser.TryParseInt64(c.Args[j + 1], out offset) || !NumberParser.TryParseInt64(c.Args[j + 2], out limit))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                limitGiven = true;
                j += 2;
            }
            else if (reverse is null && System.Text.Ascii.EqualsIgnoreCase(opt, "rev"u8))
            {
                reverse = true;
            }
            else if (type == RangeType.Auto && System.Text.Ascii.EqualsIgnoreCase(opt, "bylex"u8))
            {
                type = RangeType.Lex;
            }
            else if (type == RangeType.Auto && System.Text.Ascii.EqualsIgnoreCase(opt, "byscore"u8))
            {
                type = RangeType.Score;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        bool rev = reverse ?? false;
        if (type == RangeType.Auto) type = RangeType.Rank;
        // Redis tests opt_limit != -1, so "LIMIT 0 -1" passes with a rank range.
        if (limitGiven && limit != -1 && type == RangeType.Rank)
        {
            c.Reply.WriteError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"u8);
            return;
        }
        if (withScores && type == RangeType.Lex)
        {
            c.Reply.WriteError("ERR syntax error, WITHSCORES not supported in combination with BYLEX"u8);
            return;
        }
        if (rev && type != RangeType.Rank) (minIndex, maxIndex) = (maxIndex, minIndex);

        long start = 0, end = 0;
        ScoreRange scoreRange = default;
        LexRange lexRange = default;
        switch (type)
        {
            case RangeType.Rank:
                if (!NumberParser.TryParseInt64(c.Args[minIndex], out start) || !NumberParser.TryParseInt64(c.Args[maxIndex], out end))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                break;
            case RangeType.Score:
                if (!TryParseScoreRange(c.Args[minIndex], c.Args[maxIndex], out scoreRange))
                {
                    c.Reply.WriteError(NotFloatRange);
                    return;
                }
                break;
            default:
                if (!TryParseLexRange(c.Args[minIndex], c.Args[maxIndex], out lexRange))
                {
                    c.Reply.WriteError(NotLexRange);
                    return;
                }
                break;
        }

        if (!TryGetRead(c, c.Args[keyIndex], out RedisSortedSet? set)) return;
        if (set is null)
        {
            if (store) StoreResult(c, c.Args[1], RedisSortedSet.Create(0, 0, MaxEntries(c), MaxValue(c)));
            else c.Reply.WriteArrayHeader(0);
            return;
        }

        ZIterator first;
        long count;
        switch (type)
        {
            case RangeType.Rank:
                first = ResolveRankRange(set, start, end, rev, out count);
                break;
            case RangeType.Score:
                first = ResolveScoreRange(set, scoreRange, offset, limit, rev, out count);
                break;
            default:
                first = ResolveLexRange(set, lexRange, offset, limit, rev, out count);
                break;
        }

        if (store)
        {
            RedisSortedSet result = RedisSortedSet.Create(count, 0, MaxEntries(c), MaxValue(c));
            int maxEntries = MaxEntries(c), maxValue = MaxValue(c);
            for (long k = 0; k < count; k++)
            {
                result.Insert(first.Member, first.Score, maxEntries, maxValue);
                Step(ref first, rev);
            }
            StoreResult(c, c.Args[1], result);
            return;
        }
        WriteRange(c, first, count, rev, withScores);
    }

    private static void Step(ref ZIterator it, bool reverse)
    {
        if (reverse) it.MovePrevious();
        else it.MoveNext();
    }

    /// <summary>
    /// Writes <paramref name="count"/> elements walking from <paramref name="it"/>: a flat array in RESP2
    /// (member, score, ...), [member, score] pairs in RESP3 when scores are asked for (zrangeResultBeginClient).
    /// </summary>
    private static void WriteRange(Client c, ZIterator it, long count, bool reverse, bool withScores)
    {
        ReplyWriter reply = c.Reply;
        bool pairs = withScores && reply.Protocol == 3;
        reply.WriteArrayHeader(withScores && !pairs ? count * 2 : count);
        for (long k = 0; k < count; k++)
        {
            if (pairs) reply.WriteArrayHeader(2);
            reply.WriteBulk(it.Member);
            if (withScores) reply.WriteDouble(it.Score);
            Step(ref it, reverse);
        }
    }

    /// <summary>genericZrangebyrankCommand's index arithmetic.</summary>
    private static ZIterator ResolveRankRange(RedisSortedSet set, long start, long end, bool reverse, out long count)
    {
        long length = set.Count;
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        if (start > end || start >= length)
        {
            count = 0;
            return default;
        }
        if (end >= length) end = length - 1;
        count = end - start + 1;
        return set.AtRank(reverse ? length - 1 - start : start);
    }

    /// <summary>
    /// Moves <paramref name="it"/> <paramref name="offset"/> places in the walking direction (Redis skips node by
    /// node; a negative offset runs off the end, giving an empty result). O(log n) through ranks.
    /// </summary>
    private static bool Skip(RedisSortedSet set, ref ZIterator it, long offset, bool reverse)
    {
        if (!it.Valid) return false;
        if (offset == 0) return true;
        if (offset < 0) return false;
        long rank = set.RankOf(it);
        rank = reverse ? rank - offset : rank + offset;
        if (rank < 0 || rank >= set.Count) return false;
        it = set.AtRank(rank);
        return true;
    }

    /// <summary>genericZrangebyscoreCommand: start, offset, then elements while in range and under the limit.</summary>
    private static ZIterator ResolveScoreRange(RedisSortedSet set, in ScoreRange range, long offset, long limit, bool reverse, out long count)
    {
        count = 0;
        ZIterator it = reverse ? set.LastInRange(range) : set.FirstInRange(range);
        if (!Skip(set, ref it, offset, reverse)) return it;
        ZIterator walk = it;
        while (walk.Valid && limit-- != 0)
        {
            if (reverse ? !range.GteMin(walk.Score) : !range.LteMax(walk.Score)) break;
            count++;
            Step(ref walk, reverse);
        }
        return it;
    }

    /// <summary>genericZrangebylexCommand, the same walk with member bounds.</summary>
    private static ZIterator ResolveLexRange(RedisSortedSet set, scoped in LexRange range, long offset, long limit, bool reverse, out long count)
    {
        count = 0;
        ZIterator it = reverse ? set.LastInLexRange(range) : set.FirstInLexRange(range);
        if (!Skip(set, ref it, offset, reverse)) return it;
        ZIterator walk = it;
        while (walk.Valid && limit-- != 0)
        {
            if (reverse ? !range.GteMin(walk.Member) : !range.LteMax(walk.Member)) break;
            count++;
            Step(ref walk, reverse);
        }
        return it;
    }

    /// <summary>ZCOUNT key min max: by ranks of the first and last element in range (zcountCommand).</summary>
    public static void ZCount(Client c)
    {
        if (!TryParseScoreRange(c.Args[2], c.Args[3], out ScoreRange range))
        {
            c.Reply.WriteError(NotFloatRange);
            return;
        }
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        long count = 0;
        if (set is not null)
        {
            ZIterator first = set.FirstInRange(range);
            if (first.Valid)
            {
                ZIterator last = set.LastInRange(range);
                count = set.RankOf(last) - set.RankOf(first) + 1;
            }
        }
        c.Reply.WriteInteger(count);
    }

    /// <summary>ZLEXCOUNT key min max (zlexcountCommand: a walk on a listpack, ranks on a skiplist).</summary>
    public static void ZLexCount(Client c)
    {
        if (!TryParseLexRange(c.Args[2], c.Args[3], out LexRange range))
        {
            c.Reply.WriteError(NotLexRange);
            return;
        }
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        long count = 0;
        if (set is not null)
        {
            ZIterator first = set.FirstInLexRange(range);
            if (first.Valid)
            {
                if (set.IsListpack)
                {
                    for (ZIterator walk = first; walk.Valid && range.LteMax(walk.Member); walk.MoveNext()) count++;
                }
                else
                {
                    ZIterator last = set.LastInLexRange(range);
                    if (last.Valid) count = set.RankOf(last) - set.RankOf(first) + 1;
                }
            }
        }
        c.Reply.WriteInteger(count);
    }

    /// <summary>ZREMRANGEBYRANK key start stop</summary>
    public static void ZRemRangeByRank(Client c) => ZRemRangeGeneric(c, RangeType.Rank);

    /// <summary>ZREMRANGEBYSCORE key min max</summary>
    public static void ZRemRangeByScore(Client c) => ZRemRangeGeneric(c, RangeType.Score);

    /// <summary>ZREMRANGEBYLEX key min max</summary>
    public static void ZRemRangeByLex(Client c) => ZRemRangeGeneric(c, RangeType.Lex);

    /// <summary>zremrangeGenericCommand: parse, look up for writing, delete, drop the key when emptied.</summary>
    private static void ZRemRangeGeneric(Client c, RangeType type)
    {
        long start = 0, end = 0;
        ScoreRange scoreRange = default;
        LexRange lexRange = default;
        if (type == RangeType.Rank)
        {
            if (!NumberParser.TryParseInt64(c.Args[2], out start) || !NumberParser.TryParseInt64(c.Args[3], out end))
            {
                c.Reply.WriteError(Errors.NotInteger);
                return;
            }
        }
        else if (type == RangeType.Score)
        {
            if (!TryParseScoreRange(c.Args[2], c.Args[3], out scoreRange))
            {
                c.Reply.WriteError(NotFloatRange);
                return;
            }
        }
        else if (!TryParseLexRange(c.Args[2], c.Args[3], out lexRange))
        {
            c.Reply.WriteError(NotLexRange);
            return;
        }

        ReadOnlySpan<byte> key = c.Args[1];
        if (!TryGetWrite(c, key, out int index, out RedisSortedSet? set)) return;
        if (set is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long deleted;
        if (type == RangeType.Rank)
        {
            long length = set.Count;
            if (start < 0) start = length + start;
            if (end < 0) end = length + end;
            if (start < 0) start = 0;
            if (start > end || start >= length)
            {
                c.Reply.WriteInteger(0);
                return;
            }
            if (end >= length) end = length - 1;
            deleted = set.DeleteRangeByRank(start, end);
        }
        else if (type == RangeType.Score)
        {
            deleted = set.DeleteRangeByScore(scoreRange);
        }
        else
        {
            deleted = set.DeleteRangeByLex(lexRange);
        }
        if (set.Count == 0) c.Db.Delete(index);
        if (deleted != 0)
        {
            c.Db.KeyModified(key);
            c.Notify(KeyspaceEvents.Zset, type == RangeType.Rank ? "zremrangebyrank"u8 : type == RangeType.Score ? "zremrangebyscore"u8 : "zremrangebylex"u8, key);
            if (set.Count == 0) c.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
        c.Reply.WriteInteger(deleted);
    }
}
