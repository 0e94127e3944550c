using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP (t_list.c blockingPopGenericCommand, blmoveGenericCommand): they
/// act at once when a list has elements, and otherwise park the client in <see cref="BlockingKeys"/> with
/// <see cref="ServeBlockedPop"/> as the handler that finishes the command when a key becomes ready.
/// </summary>
internal static partial class ListCommands
{
    private static readonly BlockedServeHandler s_serveBlockedPop = ServeBlockedPop;

    /// <summary>BLPOP key [key ...] timeout</summary>
    public static void BLPop(Client c) => BlockingPopGeneric(c, 1, c.Argc - 2, head: true, c.Argc - 1, count: -1);

    /// <summary>BRPOP key [key ...] timeout</summary>
    public static void BRPop(Client c) => BlockingPopGeneric(c, 1, c.Argc - 2, head: false, c.Argc - 1, count: -1);

    /// <summary>BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]</summary>
    public static void BLMPop(Client c)
    {
        if (TryParseMPop(c, 2, out int numKeys, out bool head, out long count)) BlockingPopGeneric(c, 3, numKeys, head, 1, count);
    }

    /// <summary>
    /// blockingPopGenericCommand: the timeout is parsed first; the first non-empty list among the keys is popped
    /// (a key of another type is WRONGTYPE); with nothing to pop the client blocks, or, inside MULTI, gets the
    /// timeout reply at once. <paramref name="count"/> is -1 for BLPOP/BRPOP (reply [key, element]) and the
    /// COUNT of BLMPOP (reply [key, [elements]]).
    /// </summary>
    private static void BlockingPopGeneric(Client c, int firstKeyArg, int numKeys, bool head, int timeoutArg, long count)
    {
        if (!TryParseTimeout(c, c.Args[timeoutArg], out long deadline)) return;
        Database db = c.Db;
        for (int j = firstKeyArg; j < firstKeyArg + numKeys; j++)
        {
            int slot = db.Lookup(c.Args[j]);
            if (slot < 0) continue;
            RedisList? list = AsList(c, db, slot);
            if (list is null) return;
            if (list.Count == 0) continue;
            PopForBlockingCommand(c, db, slot, list, c.Args[j], head, count);
            return;
        }
        if (c.DenyBlocking)
        {
            c.Reply.WriteNullArray();
            return;
        }
        var keys = new byte[numKeys][];
        for (int i = 0; i < numKeys; i++) keys[i] = c.Args.ToArray(firstKeyArg + i);
        c.Server.Blocking.Block(new BlockedWait(c, db, keys, deadline, s_serveBlockedPop) { Where = head, Count = count });
    }

    private static void PopForBlockingCommand(Client c, Database db, int slot, RedisList list, ReadOnlySpan<byte> key, bool head, long count)
    {
        if (count != -1)
        {
            PopWithKeyAndReply(c, db, slot, list, key, head, count);
            return;
        }
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(key);
        c.Reply.WriteBulk(list.Pop(head));
        bool emptied = DeleteIfEmpty(db, slot, list);
        db.KeyModified(key);
        NotifyPop(c, key, head, emptied);
    }

    /// <summary>BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout</summary>
    public static void BLMove(Client c)
    {
        if (!TryParseWhere(c, c.Args[3], out bool fromHead) || !TryParseWhere(c, c.Args[4], out bool toHead)) return;
        if (!TryParseTimeout(c, c.Args[5], out long deadline)) return;
        BLMoveGeneric(c, fromHead, toHead, deadline);
    }

    /// <summary>BRPOPLPUSH source destination timeout</summary>
    public static void BRPopLPush(Client c)
    {
        if (TryParseTimeout(c, c.Args[3], out long deadline)) BLMoveGeneric(c, fromHead: false, toHead: true, deadline);
    }

    /// <summary>
    /// blmoveGenericCommand: an existing source list moves at once; a missing one blocks, or inside MULTI replies
    /// a null bulk (not the null array a timeout gives).
    /// </summary>
    private static void BLMoveGeneric(Client c, bool fromHead, bool toHead, long deadline)
    {
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1]);
        if (slot >= 0)
        {
            RedisList? source = AsList(c, db, slot);
            if (source is not null) MoveElement(c, db, slot, source, c.Args[1], c.Args[2], fromHead, toHead);
            return;
        }
        if (c.DenyBlocking)
        {
            c.Reply.WriteNull();
            return;
        }
        byte[][] keys = [c.Args.ToArray(1)];
        c.Server.Blocking.Block(new BlockedWait(c, db, keys, deadline, s_serveBlockedPop)
        {
            Where = fromHead,
            WhereTo = toHead,
            Target = c.Args.ToArray(2),
        });
    }

    /// <summary>
    /// Serves a client blocked in any list blocking command once <paramref name="key"/> is ready
    /// (serveClientBlockedOnList): false while the key is missing, empty or not a list.
    /// </summary>
    private static bool ServeBlockedPop(BlockedWait wait, Database db, byte[] key)
    {
        int slot = db.Lookup(key);
        if (slot < 0 || db.Table[slot].Kind != ValueKind.List) return false;
        var list = (RedisList)db.Table[slot].Value!;
        if (list.Count == 0) return false;
        Client c = wait.Client;
        // The served client's arguments are long gone: say what to log (serveClientBlockedOnList's alsoPropagate:
        // [LR]POP key, [LR]POP key count for BLMPOP, LMOVE for BLMOVE; BRPOPLPUSH is logged as the equivalent LMOVE).
        if (wait.Target is not null)
        {
            if (c.PropagateAs(5) is { } move)
                move.Add("LMOVE"u8).Add(key).Add(wait.Target).Add(wait.Where ? "LEFT"u8 : "RIGHT"u8).Add(wait.WhereTo ? "LEFT"u8 : "RIGHT"u8);
            MoveElement(c, db, slot, list, key, wait.Target, wait.Where, wait.WhereTo);
        }
        else
        {
            if (wait.Count == -1)
            {
                if (c.PropagateAs(2) is { } pop) pop.Add(wait.Where ? "LPOP"u8 : "RPOP"u8).Add(key);
            }
            else if (c.PropagateAs(3) is { } pop)
            {
                pop.Add(wait.Where ? "LPOP"u8 : "RPOP"u8).Add(key).Add(Math.Min(wait.Count, list.Count));
            }
            PopForBlockingCommand(c, db, slot, list, key, wait.Where, wait.Count);
        }
        return true;
    }

    /// <summary>
    /// getTimeoutFromObjectOrReply in seconds: a long double (strtold syntax) times 1000, truncated to whole
    /// milliseconds. Below one millisecond in magnitude is 0: wait forever. A product out of the 64-bit range
    /// converts to LLONG_MIN on x86-64, so it is reported as negative, as Redis does for "inf" or "1e17".
    /// Shared with the sorted set blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP).
    /// </summary>
    /// <param name="deadline">The <see cref="Environment.TickCount64"/> deadline, or 0 for no timeout.</param>
    internal static bool TryParseTimeout(Client c, ReadOnlySpan<byte> arg, out long deadline)
    {
        deadline = 0;
        if (!LongDouble.TryParse(arg, out LongDouble seconds))
        {
            c.Reply.WriteError("ERR timeout is not a float or out of range"u8);
            return false;
        }
        double magnitude = seconds.IsInfinity ? double.PositiveInfinity : Math.ScaleB((double)seconds.Significand, seconds.Exponent);
        double milliseconds = (seconds.Negative ? -magnitude : magnitude) * 1000.0;
        if (!(milliseconds > -9.2233720368547758e18 && milliseconds < 9.2233720368547758e18) || (long)milliseconds < 0)
        {
            c.Reply.WriteError("ERR timeout is negative"u8);
            return false;
        }
        long ms = (long)milliseconds;
        if (ms > 0)
        {
            long now = Environment.TickCount64;
            deadline = ms > long.MaxValue - now ? long.MaxValue : now + ms;
        }
        return true;
    }
}
