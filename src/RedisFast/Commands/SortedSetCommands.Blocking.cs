using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP (t_zset.c blockingGenericZpopCommand): they pop at once when one of the keys
/// holds a sorted set, and otherwise park the client in <see cref="BlockingKeys"/> with
/// <see cref="ServeBlockedZPop"/> as the handler that finishes the command once a key becomes ready (every zset
/// write already reaches the registry through <see cref="Database.KeyModified"/>).
/// </summary>
internal static partial class SortedSetCommands
{
    private static readonly BlockedServeHandler s_serveBlockedZPop = ServeBlockedZPop;

    /// <summary>BZPOPMIN key [key ...] timeout</summary>
    public static void BZPopMin(Client c) => BlockingZPopGeneric(c, 1, c.Argc - 2, max: false, c.Argc - 1, count: -1);

    /// <summary>BZPOPMAX key [key ...] timeout</summary>
    public static void BZPopMax(Client c) => BlockingZPopGeneric(c, 1, c.Argc - 2, max: true, c.Argc - 1, count: -1);

    /// <summary>
    /// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: zmpopGenericCommand checks numkeys, the
    /// direction and COUNT before blockingGenericZpopCommand parses the timeout, so their errors come first.
    /// </summary>
    public static void BZMPop(Client c)
    {
        if (TryParseMPop(c, 2, out int keyCount, out bool max, out long count)) BlockingZPopGeneric(c, 3, keyCount, max, 1, count);
    }

    /// <summary>
    /// blockingGenericZpopCommand: the timeout is parsed first; the first non-empty sorted set among the keys is
    /// popped (a key of another type before it is WRONGTYPE); with nothing to pop the client blocks, or, inside
    /// MULTI (CLIENT_DENY_BLOCKING), gets the timeout reply at once. <paramref name="count"/> is -1 for
    /// BZPOPMIN/BZPOPMAX (flat reply [key, member, score]) and BZMPOP's COUNT (reply [key, [[member, score] ...]]).
    /// </summary>
    private static void BlockingZPopGeneric(Client c, int firstKeyArg, int numKeys, bool max, int timeoutArg, long count)
    {
        if (!ListCommands.TryParseTimeout(c, c.Args[timeoutArg], out long deadline)) return;
        Database db = c.Db;
        for (int j = firstKeyArg; j < firstKeyArg + numKeys; j++)
        {
            if (!TryGetWrite(c, c.Args[j], out int index, out RedisSortedSet? set)) return;
            if (set is null || set.Count == 0) continue;
            PopAndReply(c, db, index, set, c.Args[j], max, emitKey: true, count, nested: count != -1);
            return;
        }
        if (c.DenyBlocking)
        {
            c.Reply.WriteNullArray();
            return;
        }
        var keys = new byte[numKeys][];
        for (int i = 0; i < numKeys; i++) keys[i] = c.Args.ToArray(firstKeyArg + i);
        // BlockedWait.Where means MIN for sorted sets (blockPos.wherefrom).
        c.Server.Blocking.Block(new BlockedWait(c, db, keys, deadline, s_serveBlockedZPop) { Where = !max, Count = count });
    }

    /// <summary>
    /// serveClientsBlockedOnSortedSetKey for one client: false while <paramref name="key"/> is missing, empty or
    /// not a sorted set (a client blocked for another type is skipped, keeping its place); otherwise pops as the
    /// blocked command would from the key that became ready and writes its reply.
    /// </summary>
    private static bool ServeBlockedZPop(BlockedWait wait, Database db, byte[] key)
    {
        int index = db.Lookup(key);
        if (index < 0 || db.Table[index].Kind != ValueKind.SortedSet) return false;
        var set = (RedisSortedSet)db.Table[index].Value!;
        if (set.Count == 0) return false;
        // Logged as the non-blocking pop (genericZpopCommand rewrites to ZPOPMIN/ZPOPMAX key [count]): the served
        // client's own arguments are long gone.
        Client c = wait.Client;
        if (wait.Count == -1)
        {
            if (c.PropagateAs(2) is { } pop) pop.Add(wait.Where ? "ZPOPMIN"u8 : "ZPOPMAX"u8).Add(key);
        }
        else if (c.PropagateAs(3) is { } pop)
        {
            pop.Add(wait.Where ? "ZPOPMIN"u8 : "ZPOPMAX"u8).Add(key).Add(Math.Min(wait.Count, set.Count));
        }
        // BZMPOP (the only one with a count) replies nested, as ZMPOP; BZPOPMIN/BZPOPMAX flat (use_nested_array).
        PopAndReply(c, db, index, set, key, max: !wait.Where, emitKey: true, wait.Count, nested: wait.Count != -1);
        return true;
    }
}
