using RedisFast.Server;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>LPOS, LMOVE, RPOPLPUSH and LMPOP (t_list.c), and the pop/move steps the blocking forms share.</summary>
internal static partial class ListCommands
{
    /// <summary>LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]</summary>
    public static void LPos(Client c)
    {
        long rank = 1, count = -1, maxLength = 0; // count -1: no COUNT option
        for (int j = 3; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> option = c.Args[j];
            bool more = j + 1 < c.Argc;
            if (Ascii.EqualsIgnoreCase(option, "rank"u8) && more)
            {
                j++;
                if (!TryParseLong(c, c.Args[j], out rank)) return;
                if (rank == 0)
                {
                    c.Reply.WriteError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"u8);
                    return;
                }
            }
            else if (Ascii.EqualsIgnoreCase(option, "count"u8) && more)
            {
                j++;
                if (!TryParsePositive(c, c.Args[j], "ERR COUNT can't be negative"u8, out count)) return;
            }
            else if (Ascii.EqualsIgnoreCase(option, "maxlen"u8) && more)
            {
                j++;
                if (!TryParsePositive(c, c.Args[j], "ERR MAXLEN can't be negative"u8, out maxLength)) return;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        Database db = c.Db;
        int slot = db.LookupRead(c.Args[1]);
        if (slot < 0)
        {
            if (count != -1) c.Reply.WriteRaw("*0\r\n"u8);
            else c.Reply.WriteNull();
            return;
        }
        RedisList? list = AsList(c, db, slot);
        if (list is null) return;
        ReadOnlySpan<byte> element = c.Args[2];
        if (count == -1)
        {
            long at = LPosScan(list, element, rank, 1, maxLength, reply: null);
            if (at >= 0) c.Reply.WriteInteger(at);
            else c.Reply.WriteNull();
            return;
        }
        // Two passes (count, then reply) instead of Redis's deferred length: no buffer for the matches.
        long matches = LPosScan(list, element, rank, count, maxLength, reply: null, countOnly: true);
        c.Reply.WriteArrayHeader(matches);
        if (matches > 0) LPosScan(list, element, rank, count, maxLength, c.Reply);
    }

    /// <summary>
    /// lposCommand's scan: from the head for a positive rank, from the tail for a negative one, looking at most
    /// <paramref name="maxLength"/> elements (0: all), skipping the first |rank|-1 matches and stopping after
    /// <paramref name="count"/> (0: all). Writes each match's index to <paramref name="reply"/> when given.
    /// </summary>
    /// <returns>The number of matches reported when <paramref name="countOnly"/>, else the last index (or -1).</returns>
    private static long LPosScan(RedisList list, ReadOnlySpan<byte> element, long rank, long count, long maxLength,
        ReplyWriter? reply, bool countOnly = false)
    {
        bool fromTail = rank < 0;
        // Redis 7.0 negates LLONG_MIN too; it stays negative, so every match counts (the first one from the tail).
        if (fromTail) rank = unchecked(-rank);
        int length = list.Count;
        long matches = 0, reported = 0, last = -1;
        for (long n = 0; n < length && (maxLength == 0 || n < maxLength); n++)
        {
            int index = fromTail ? length - 1 - (int)n : (int)n;
            if (!list[index].AsSpan().SequenceEqual(element)) continue;
            matches++;
            if (matches < rank) continue;
            reported++;
            last = index;
            reply?.WriteInteger(index);
            if (count != 0 && reported >= count) break;
        }
        return countOnly ? reported : last;
    }

    /// <summary>LMOVE source destination LEFT|RIGHT LEFT|RIGHT</summary>
    public static void LMove(Client c)
    {
        if (!TryParseWhere(c, c.Args[3], out bool fromHead) || !TryParseWhere(c, c.Args[4], out bool toHead)) return;
        LMoveGeneric(c, fromHead, toHead);
    }

    /// <summary>RPOPLPUSH source destination</summary>
    public static void RPopLPush(Client c) => LMoveGeneric(c, fromHead: false, toHead: true);

    /// <summary>lmoveGenericCommand: the moved element, or a null bulk when the source is missing.</summary>
    private static void LMoveGeneric(Client c, bool fromHead, bool toHead)
    {
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1]);
        if (slot < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        RedisList? source = AsList(c, db, slot);
        if (source is null) return;
        MoveElement(c, db, slot, source, c.Args[1], c.Args[2], fromHead, toHead);
    }

    /// <summary>
    /// Moves one element from the non-empty <paramref name="source"/> to <paramref name="destinationKey"/>
    /// (created if missing; WRONGTYPE, and nothing moved, if it holds another type) and replies it. Source and
    /// destination may be the same list (rotation). lmoveGenericCommand + lmoveHandlePush.
    /// </summary>
    private static void MoveElement(Client c, Database db, int sourceSlot, RedisList source, ReadOnlySpan<byte> sourceKey,
        ReadOnlySpan<byte> destinationKey, bool fromHead, bool toHead)
    {
        RedisList? destination = null;
        int destinationSlot = db.Lookup(destinationKey);
        if (destinationSlot >= 0)
        {
            destination = AsList(c, db, destinationSlot);
            if (destination is null) return;
        }
        byte[] value = source.Pop(fromHead);
        destination ??= CreateList(db, destinationKey);
        destination.Push(value, toHead);
        db.KeyModified(destinationKey);
        c.Notify(KeyspaceEvents.List, toHead ? "lpush"u8 : "rpush"u8, destinationKey);
        c.Reply.WriteBulk(value);
        bool emptied = DeleteIfEmpty(db, sourceSlot, source);
        db.KeyModified(sourceKey);
        NotifyPop(c, sourceKey, fromHead, emptied);
    }

    /// <summary>LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]</summary>
    public static void LMPop(Client c)
    {
        if (TryParseMPop(c, 1, out int numKeys, out bool head, out long count)) MPopGeneric(c, 2, numKeys, head, count);
    }

    /// <summary>
    /// lmpopGenericCommand's parsing: numkeys at <paramref name="numKeysArg"/>, then the keys, LEFT|RIGHT and an
    /// optional COUNT (default 1).
    /// </summary>
    private static bool TryParseMPop(Client c, int numKeysArg, out int numKeys, out bool head, out long count)
    {
        numKeys = 0;
        head = false;
        count = -1;
        if (!NumberParser.TryParseInt64(c.Args[numKeysArg], out long n) || n < 1)
        {
            c.Reply.WriteError("ERR numkeys should be greater than 0"u8);
            return false;
        }
        if (n >= c.Argc - numKeysArg - 1)
        {
            c.Reply.WriteError(Errors.Syntax);
            return false;
        }
        numKeys = (int)n;
        int whereArg = numKeysArg + numKeys + 1;
        if (!TryParseWhere(c, c.Args[whereArg], out head)) return false;
        for (int j = whereArg + 1; j < c.Argc; j++)
        {
            if (count == -1 && Ascii.EqualsIgnoreCase(c.Args[j], "count"u8) && j + 1 < c.Argc)
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
        return true;
    }

    /// <summary>mpopGenericCommand: pops from the first non-empty list among the keys; a null array if none.</summary>
    private static void MPopGeneric(Client c, int firstKeyArg, int numKeys, bool head, long count)
    {
        Database db = c.Db;
        for (int j = firstKeyArg; j < firstKeyArg + numKeys; j++)
        {
            int slot = db.Lookup(c.Args[j]);
            if (slot < 0) continue;
            RedisList? list = AsList(c, db, slot);
            if (list is null) return;
            if (list.Count == 0) continue;
            PopWithKeyAndReply(c, db, slot, list, c.Args[j], head, count);
            return;
        }
        c.Reply.WriteNullArray();
    }

    /// <summary>listPopRangeAndReplyWithKey: replies [key, [elements]], deletes an emptied list, signals the key.</summary>
    private static void PopWithKeyAndReply(Client c, Database db, int slot, RedisList list, ReadOnlySpan<byte> key, bool head, long count)
    {
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(key);
        PopRangeAndReply(c, list, head, count);
        bool emptied = DeleteIfEmpty(db, slot, list);
        db.KeyModified(key);
        NotifyPop(c, key, head, emptied);
    }
}
