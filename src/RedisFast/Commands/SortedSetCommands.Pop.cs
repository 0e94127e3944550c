using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// ZPOPMIN, ZPOPMAX, ZMPOP (t_zset.c genericZpopCommand, zmpopGenericCommand) and ZRANDMEMBER. The blocking
/// forms (BZPOPMIN, BZPOPMAX, BZMPOP, in SortedSetCommands.Blocking.cs) share <see cref="PopAndReply"/> and
/// <see cref="TryParseMPop"/>.
/// </summary>
internal static partial class SortedSetCommands
{
    /// <summary>ZPOPMIN key [count]</summary>
    public static void ZPopMin(Client c) => ZPopMinMax(c, max: false);

    /// <summary>ZPOPMAX key [count]</summary>
    public static void ZPopMax(Client c) => ZPopMinMax(c, max: true);

    private static void ZPopMinMax(Client c, bool max)
    {
        if (c.Argc > 3)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        long count = -1;
        if (c.Argc == 3 && (!NumberParser.TryParseInt64(c.Args[2], out count) || count < 0))
        {
            c.Reply.WriteError("ERR value is out of range, must be positive"u8);
            return;
        }
        // RESP3 nests [member, score] pairs only when a count was given (zpopMinMaxCommand).
        bool nested = c.Reply.Protocol > 2 && count != -1;
        PopGeneric(c, 1, 1, max, emitKey: false, count, nested, nullWhenEmpty: false);
    }

    /// <summary>
    /// genericZpopCommand: pops from the first non-empty sorted set among the keys at
    /// <c>c.Args[firstKey .. firstKey+keyCount-1]</c> (WRONGTYPE stops at the first key of another type). Count -1
    /// is the single-element form. With <paramref name="emitKey"/> the reply names the key (ZMPOP, and the
    /// blocking pops). Returns whether something was popped.
    /// </summary>
    internal static bool PopGeneric(Client c, int firstKey, int keyCount, bool max, bool emitKey, long count, bool nested, bool nullWhenEmpty)
    {
        Database db = c.Db;
        RedisSortedSet? set = null;
        int index = -1, keyArg = 0;
        for (int i = 0; i < keyCount; i++)
        {
            keyArg = firstKey + i;
            if (!TryGetWrite(c, c.Args[keyArg], out index, out set)) return false;
            if (set is not null) break;
        }
        ReplyWriter reply = c.Reply;
        if (set is null)
        {
            if (nullWhenEmpty) reply.WriteNullArray();
            else reply.WriteArrayHeader(0);
            return false;
        }
        if (count == 0)
        {
            reply.WriteArrayHeader(0);
            return false;
        }
        PopAndReply(c, db, index, set, c.Args[keyArg], max, emitKey, count, nested);
        return true;
    }

    /// <summary>
    /// The popping half of genericZpopCommand for a non-empty <paramref name="set"/> stored at slot
    /// <paramref name="index"/> under <paramref name="key"/>: pops up to <paramref name="count"/> members (-1: the
    /// single-element form, reply flat), writes the reply, signals the key and deletes it once empty. Shared with
    /// the blocking pops, which serve a stored key name after the command's arguments are gone.
    /// </summary>
    internal static void PopAndReply(Client c, Database db, int index, RedisSortedSet set, ReadOnlySpan<byte> key, bool max, bool emitKey, long count, bool nested)
    {
        ReplyWriter reply = c.Reply;
        if (count == -1) count = 1;
        long length = set.Count;
        long popped = count > length ? length : count;
        if (!nested && !emitKey) reply.WriteArrayHeader(popped * 2);
        else if (nested && !emitKey) reply.WriteArrayHeader(popped);
        else if (!nested)
        {
            reply.WriteArrayHeader(popped * 2 + 1);
            reply.WriteBulk(key);
        }
        else
        {
            reply.WriteArrayHeader(2);
            reply.WriteBulk(key);
            reply.WriteArrayHeader(popped);
        }
        ZIterator it = set.AtRank(max ? length - 1 : 0);
        for (long k = 0; k < popped; k++)
        {
            if (nested) reply.WriteArrayHeader(2);
            reply.WriteBulk(it.Member);
            reply.WriteDouble(it.Score);
            Step(ref it, max);
        }
        if (max) set.DeleteRangeByRank(length - popped, length - 1);
        else set.DeleteRangeByRank(0, popped - 1);
        // The key name is read before the slot can be reused by Delete.
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.Zset, max ? "zpopmax"u8 : "zpopmin"u8, key);
        if (set.Count == 0)
        {
            c.Notify(KeyspaceEvents.Generic, "del"u8, key);
            db.Delete(index);
        }
    }

    /// <summary>
    /// The arguments of ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] from <paramref name="numKeysIndex"/>
    /// (BZMPOP passes 2, after its timeout). Replies the error and returns false when they are invalid.
    /// </summary>
    internal static bool TryParseMPop(Client c, int numKeysIndex, out int keyCount, out bool max, out long count)
    {
        keyCount = 0;
        max = false;
        count = -1;
        if (!NumberParser.TryParseInt64(c.Args[numKeysIndex], out long numKeys) || numKeys < 1)
        {
            c.Reply.WriteError("ERR numkeys should be greater than 0"u8);
            return false;
        }
        long whereIndex = numKeysIndex + numKeys + 1;
        if (numKeys > c.Argc || whereIndex >= c.Argc)
        {
            c.Reply.WriteError(Errors.Syntax);
            return false;
        }
        ReadOnlySpan<byte> where = c.Args[(int)whereIndex];
        if (System.Text.Ascii.EqualsIgnoreCase(where, "min"u8)) max = false;
        else if (System.Text.Ascii.EqualsIgnoreCase(where, "max"u8)) max = true;
        else
        {
            c.Reply.WriteError(Errors.Syntax);
            return false;
        }
        for (int j = (int)whereIndex + 1; j < c.Argc; j++)
        {
            bool moreArgs = c.Argc - 1 - j > 0;
            if (count == -1 && moreArgs && System.Text.Ascii.EqualsIgnoreCase(c.Args[j], "count"u8))
            {
                j++;
                if (!NumberParser.TryParseInt64(c.Args[j], out count) || count < 1)
                {
                    c.Reply.WriteError("ERR count should be greater than 0"u8);
                    return false;
                }
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        if (count == -1) count = 1;
        keyCount = (int)numKeys;
        return true;
    }

    /// <summary>ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]</summary>
    public static void ZMPop(Client c)
    {
        if (!TryParseMPop(c, 1, out int keyCount, out bool max, out long count)) return;
        PopGeneric(c, 2, keyCount, max, emitKey: true, count, nested: true, nullWhenEmpty: true);
    }

    /// <summary>ZRANDMEMBER key [count [WITHSCORES]]</summary>
    public static void ZRandMember(Client c)
    {
        if (c.Argc == 2)
        {
            if (!TryGetRead(c, c.Args[1], out RedisSortedSet? one)) return;
            if (one is null) c.Reply.WriteNull();
            else c.Reply.WriteBulk(one.RandomElement().Member);
            return;
        }
        if (!NumberParser.TryParseInt64(c.Args[2], out long count))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (count == long.MinValue)
        {
            c.Reply.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8);
            return;
        }
        bool withScores = false;
        if (c.Argc > 4 || (c.Argc == 4 && !System.Text.Ascii.EqualsIgnoreCase(c.Args[3], "withscores"u8)))
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (c.Argc == 4)
        {
            withScores = true;
            if (count < -long.MaxValue / 2 || count > long.MaxValue / 2)
            {
                c.Reply.WriteError("ERR value is out of range"u8);
                return;
            }
        }
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        if (set is null || count == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        ReplyWriter reply = c.Reply;
        bool pairs = withScores && reply.Protocol == 3;
        if (count < 0)
        {
            // CASE 1: repetitions allowed, every pick independent.
            count = -count;
            reply.WriteArrayHeader(withScores && !pairs ? count * 2 : count);
            for (long k = 0; k < count; k++)
            {
                ZIterator it = set.RandomElement();
                if (pairs) reply.WriteArrayHeader(2);
                reply.WriteBulk(it.Member);
                if (withScores) reply.WriteDouble(it.Score);
            }
            return;
        }
        long size = set.Count;
        if (count >= size)
        {
            // CASE 2: the whole set, highest first (genericZrangebyscoreCommand over -inf..+inf, reversed).
            WriteRange(c, set.AtRank(size - 1), size, reverse: true, withScores);
            return;
        }
        // CASE 3/4: distinct picks. A partial Fisher-Yates over ranks picks count distinct ones; the ranks are
        // then written in random order, as Redis's dict-based sampling does.
        long[] ranks = System.Buffers.ArrayPool<long>.Shared.Rent((int)size);
        try
        {
            for (int i = 0; i < size; i++) ranks[i] = i;
            for (int i = 0; i < count; i++)
            {
                int j = i + (int)Random.Shared.NextInt64(size - i);
                (ranks[i], ranks[j]) = (ranks[j], ranks[i]);
            }
            reply.WriteArrayHeader(withScores && !pairs ? count * 2 : count);
            for (int i = 0; i < count; i++)
            {
                ZIterator it = set.AtRank(ranks[i]);
                if (pairs) reply.WriteArrayHeader(2);
                reply.WriteBulk(it.Member);
                if (withScores) reply.WriteDouble(it.Score);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<long>.Shared.Return(ranks);
        }
    }
}
