using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Sorted set commands (Redis 7.0's t_zset.c): ZADD/ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK/ZREVRANK here;
/// the range family in SortedSetCommands.Ranges.cs, pops and ZRANDMEMBER in SortedSetCommands.Pop.cs, the
/// multi-key operations in SortedSetCommands.SetOps.cs, ZSCAN in SortedSetCommands.Scan.cs and the blocking
/// pops in SortedSetCommands.Blocking.cs.
/// </summary>
internal static partial class SortedSetCommands
{
    public static void Register(CommandLookup t)
    {
        KeyCommands.RegisterValueKind(ValueKind.SortedSet, static v => ((RedisSortedSet)v).Clone(), static v => ((RedisSortedSet)v).EncodingName);

        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("zadd", -4, Write | DenyOom | Fast, 1, 1, 1, ZAdd, "sorted_set");
        t.Add("zincrby", 4, Write | DenyOom | Fast, 1, 1, 1, ZIncrBy, "sorted_set");
        t.Add("zrem", -3, Write | Fast, 1, 1, 1, ZRem, "sorted_set");
        t.Add("zcard", 2, ReadOnly | Fast, 1, 1, 1, ZCard, "sorted_set");
        t.Add("zscore", 3, ReadOnly | Fast, 1, 1, 1, ZScore, "sorted_set");
        t.Add("zmscore", -3, ReadOnly | Fast, 1, 1, 1, ZMScore, "sorted_set");
        t.Add("zrank", 3, ReadOnly | Fast, 1, 1, 1, ZRank, "sorted_set");
        t.Add("zrevrank", 3, ReadOnly | Fast, 1, 1, 1, ZRevRank, "sorted_set");
        t.Add("zcount", 4, ReadOnly | Fast, 1, 1, 1, ZCount, "sorted_set");
        t.Add("zlexcount", 4, ReadOnly | Fast, 1, 1, 1, ZLexCount, "sorted_set");
        t.Add("zrange", -4, ReadOnly, 1, 1, 1, ZRange, "sorted_set");
        t.Add("zrangestore", -5, Write | DenyOom, 1, 2, 1, ZRangeStore, "sorted_set");
        t.Add("zrangebyscore", -4, ReadOnly, 1, 1, 1, ZRangeByScore, "sorted_set");
        t.Add("zrevrangebyscore", -4, ReadOnly, 1, 1, 1, ZRevRangeByScore, "sorted_set");
        t.Add("zrangebylex", -4, ReadOnly, 1, 1, 1, ZRangeByLex, "sorted_set");
        t.Add("zrevrangebylex", -4, ReadOnly, 1, 1, 1, ZRevRangeByLex, "sorted_set");
        t.Add("zrevrange", -4, ReadOnly, 1, 1, 1, ZRevRange, "sorted_set");
        t.Add("zremrangebyrank", 4, Write, 1, 1, 1, ZRemRangeByRank, "sorted_set");
        t.Add("zremrangebyscore", 4, Write, 1, 1, 1, ZRemRangeByScore, "sorted_set");
        t.Add("zremrangebylex", 4, Write, 1, 1, 1, ZRemRangeByLex, "sorted_set");
        t.Add("zpopmin", -2, Write | Fast, 1, 1, 1, ZPopMin, "sorted_set");
        t.Add("zpopmax", -2, Write | Fast, 1, 1, 1, ZPopMax, "sorted_set");
        t.Add("zmpop", -4, Write | MovableKeys, 0, 0, 0, ZMPop, "sorted_set");
        t.Add("zrandmember", -2, ReadOnly, 1, 1, 1, ZRandMember, "sorted_set");
        t.Add("zunionstore", -4, Write | DenyOom | MovableKeys, 1, 1, 1, ZUnionStore, "sorted_set");
        t.Add("zinterstore", -4, Write | DenyOom | MovableKeys, 1, 1, 1, ZInterStore, "sorted_set");
        t.Add("zdiffstore", -4, Write | DenyOom | MovableKeys, 1, 1, 1, ZDiffStore, "sorted_set");
        t.Add("zunion", -3, ReadOnly | MovableKeys, 0, 0, 0, ZUnion, "sorted_set");
        t.Add("zinter", -3, ReadOnly | MovableKeys, 0, 0, 0, ZInter, "sorted_set");
        t.Add("zdiff", -3, ReadOnly | MovableKeys, 0, 0, 0, ZDiff, "sorted_set");
        t.Add("zintercard", -3, ReadOnly | MovableKeys, 0, 0, 0, ZInterCard, "sorted_set");
        t.Add("zscan", -3, ReadOnly, 1, 1, 1, ZScan, "sorted_set");
        t.Add("bzpopmin", -3, Write | NoScript | Blocking | Fast, 1, -2, 1, BZPopMin, "sorted_set");
        t.Add("bzpopmax", -3, Write | NoScript | Blocking | Fast, 1, -2, 1, BZPopMax, "sorted_set");
        t.Add("bzmpop", -5, Write | Blocking | MovableKeys, 0, 0, 0, BZMPop, "sorted_set");
    }

    /// <summary>
    /// Looks up a sorted set for reading (lookupKeyRead + checkType). Returns false after replying WRONGTYPE;
    /// otherwise <paramref name="set"/> is the value or null when the key is absent.
    /// </summary>
    private static bool TryGetRead(Client c, ReadOnlySpan<byte> key, out RedisSortedSet? set)
    {
        int index = c.Db.LookupRead(key);
        return TryGetAt(c, index, out set);
    }

    /// <summary>lookupKeyWrite + checkType; also returns the slot.</summary>
    private static bool TryGetWrite(Client c, ReadOnlySpan<byte> key, out int index, out RedisSortedSet? set)
    {
        index = c.Db.Lookup(key);
        return TryGetAt(c, index, out set);
    }

    private static bool TryGetAt(Client c, int index, out RedisSortedSet? set)
    {
        set = null;
        if (index < 0) return true;
        ref KeyEntry e = ref c.Db.Table[index];
        if (e.Kind != ValueKind.SortedSet)
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        set = (RedisSortedSet)e.Value!;
        return true;
    }

    /// <summary>
    /// setKey for a computed sorted set (the *STORE commands): replaces whatever <paramref name="key"/> held and
    /// drops its TTL; an empty result deletes the key instead (signalled only when a key was deleted).
    /// Replies the result's cardinality.
    /// </summary>
    private static void StoreResult(Client c, ReadOnlySpan<byte> key, RedisSortedSet set)
    {
        Database db = c.Db;
        if (set.Count == 0)
        {
            c.Reply.WriteInteger(0);
            KeyCommands.DeleteStoreDestination(c, key);
            return;
        }
        int index = db.LookupOrAdd(key, out _);
        if (db.Table[index].ExpireAt != KeyTable.NoExpiry) db.Table.SetExpire(index, KeyTable.NoExpiry);
        db.SetObject(index, ValueKind.SortedSet, set);
        c.Reply.WriteInteger(set.Count);
        db.KeyModified(key);
        // zunionstore, zinterstore, zdiffstore, zrangestore: the command's name.
        c.Notify(KeyspaceEvents.Zset, c.LastCommand!.NameBytes, key);
    }

    private static int MaxEntries(Client c) => c.Server.Config.ZsetMaxListpackEntries;

    private static int MaxValue(Client c) => c.Server.Config.ZsetMaxListpackValue;

    /// <summary>ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]</summary>
    public static void ZAdd(Client c) => ZAddGeneric(c, 0);

    /// <summary>ZINCRBY key increment member: ZADD's INCR path, as Redis implements it.</summary>
    public static void ZIncrBy(Client c) => ZAddGeneric(c, RedisSortedSet.InIncr);

    /// <summary>t_zset.c zaddGenericCommand: options, their compatibility errors, then every pair in order.</summary>
    private static void ZAddGeneric(Client c, int flags)
    {
        bool ch = false;
        int scoreIndex = 2;
        // ZINCRBY reaches here with INCR already set and no options to parse (its arity is exact).
        if (flags == 0)
        {
            for (; scoreIndex < c.Argc; scoreIndex++)
            {
                ReadOnlySpan<byte> opt = c.Args[scoreIndex];
                if (System.Text.Ascii.EqualsIgnoreCase(opt, "nx"u8)) flags |= RedisSortedSet.InNx;
                else if (System.Text.Ascii.EqualsIgnoreCase(opt, "xx"u8)) flags |= RedisSortedSet.InXx;
                else if (System.Text.Ascii.EqualsIgnoreCase(opt, "ch"u8)) ch = true;
                else if (System.Text.Ascii.EqualsIgnoreCase(opt, "incr"u8)) flags |= RedisSortedSet.InIncr;
                else if (System.Text.Ascii.EqualsIgnoreCase(opt, "gt"u8)) flags |= RedisSortedSet.InGt;
                else if (System.Text.Ascii.EqualsIgnoreCase(opt, "lt"u8)) flags |= RedisSortedSet.InLt;
                else break;
            }
        }
        bool incr = (flags & RedisSortedSet.InIncr) != 0;
        bool nx = (flags & RedisSortedSet.InNx) != 0, xx = (flags & RedisSortedSet.InXx) != 0;
        bool gt = (flags & RedisSortedSet.InGt) != 0, lt = (flags & RedisSortedSet.InLt) != 0;
        int elements = c.Argc - scoreIndex;
        if (elements % 2 != 0 || elements == 0)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        elements /= 2;
        if (nx && xx)
        {
            c.Reply.WriteError("ERR XX and NX options at the same time are not compatible"u8);
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            c.Reply.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible"u8);
            return;
        }
        if (incr && elements > 1)
        {
            c.Reply.WriteError("ERR INCR option supports a single increment-element pair"u8);
            return;
        }
        // Every score is checked before anything changes; they are parsed again below rather than buffered.
        for (int j = 0; j < elements; j++)
        {
            if (!NumberParser.TryParseScore(c.Args[scoreIndex + j * 2], out _))
            {
                c.Reply.WriteError(Errors.NotFloat);
                return;
            }
        }

        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[1];
        if (!TryGetWrite(c, key, out _, out RedisSortedSet? set)) return;
        long added = 0, updated = 0, processed = 0;
        double score = 0;
        if (set is null)
        {
            if (xx)
            {
                WriteZAddReply(c, incr, ch, processed, score, added, updated);
                return;
            }
            // Redis 7.0 picks the encoding from the first member's length only (zaddGenericCommand).
            set = RedisSortedSet.Create(1, c.Args.LengthOf(scoreIndex + 1), MaxEntries(c), MaxValue(c));
            int index = db.LookupOrAdd(key, out _);
            db.SetObject(index, ValueKind.SortedSet, set);
        }
        int maxEntries = MaxEntries(c), maxValue = MaxValue(c);
        for (int j = 0; j < elements; j++)
        {
            NumberParser.TryParseScore(c.Args[scoreIndex + j * 2], out score);
            if (!set.Add(c.Args[scoreIndex + j * 2 + 1], score, flags, out int outFlags, out double newScore, maxEntries, maxValue))
            {
                c.Reply.WriteError("ERR resulting score is not a number (NaN)"u8);
                if (added != 0 || updated != 0) ZAddChanged(c, db, key, incr);
                return;
            }
            if ((outFlags & RedisSortedSet.OutAdded) != 0) added++;
            if ((outFlags & RedisSortedSet.OutUpdated) != 0) updated++;
            if ((outFlags & RedisSortedSet.OutNop) == 0) processed++;
            score = newScore;
        }
        WriteZAddReply(c, incr, ch, processed, score, added, updated);
        if (added != 0 || updated != 0) ZAddChanged(c, db, key, incr);
    }

    /// <summary>zaddGenericCommand's end when something changed: the key signalled, zadd or zincr notified.</summary>
    private static void ZAddChanged(Client c, Database db, ReadOnlySpan<byte> key, bool incr)
    {
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.Zset, incr ? "zincr"u8 : "zadd"u8, key);
    }

    private static void WriteZAddReply(Client c, bool incr, bool ch, long processed, double score, long added, long updated)
    {
        if (incr)
        {
            if (processed != 0) c.Reply.WriteDouble(score);
            else c.Reply.WriteNull();
        }
        else
        {
            c.Reply.WriteInteger(ch ? added + updated : added);
        }
    }

    /// <summary>ZREM key member [member ...]: the key goes when its last member does.</summary>
    public static void ZRem(Client c)
    {
        ReadOnlySpan<byte> key = c.Args[1];
        if (!TryGetWrite(c, key, out int index, out RedisSortedSet? set)) return;
        if (set is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long deleted = 0;
        for (int j = 2; j < c.Argc; j++)
        {
            if (set.Remove(c.Args[j])) deleted++;
            if (set.Count == 0)
            {
                c.Db.Delete(index);
                break;
            }
        }
        if (deleted != 0)
        {
            c.Db.KeyModified(key);
            c.Notify(KeyspaceEvents.Zset, "zrem"u8, key);
            if (set.Count == 0) c.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
        c.Reply.WriteInteger(deleted);
    }

    /// <summary>ZCARD key</summary>
    public static void ZCard(Client c)
    {
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        c.Reply.WriteInteger(set?.Count ?? 0);
    }

    /// <summary>ZSCORE key member</summary>
    public static void ZScore(Client c)
    {
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        if (set is not null && set.TryGetScore(c.Args[2], out double score)) c.Reply.WriteDouble(score);
        else c.Reply.WriteNull();
    }

    /// <summary>ZMSCORE key member [member ...]: one score or null per member, even for a missing key.</summary>
    public static void ZMScore(Client c)
    {
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int j = 2; j < c.Argc; j++)
        {
            if (set is not null && set.TryGetScore(c.Args[j], out double score)) c.Reply.WriteDouble(score);
            else c.Reply.WriteNull();
        }
    }

    /// <summary>ZRANK key member</summary>
    public static void ZRank(Client c) => ZRankGeneric(c, reverse: false);

    /// <summary>ZREVRANK key member</summary>
    public static void ZRevRank(Client c) => ZRankGeneric(c, reverse: true);

    private static void ZRankGeneric(Client c, bool reverse)
    {
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        long rank = set is null ? -1 : set.Rank(c.Args[2], reverse);
        if (rank < 0) c.Reply.WriteNull();
        else c.Reply.WriteInteger(rank);
    }
}
