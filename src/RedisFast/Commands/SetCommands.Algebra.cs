using RedisFast.Server;
using System.Buffers;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// SINTER, SINTERCARD, SUNION, SDIFF and the STORE variants (t_set.c sinterGenericCommand,
/// sunionDiffGenericCommand), with Redis's choices of iteration order so that results made of intsets come out
/// in the same (numeric) order and *STORE destinations get the same encoding.
/// </summary>
internal static partial class SetCommands
{
    private enum SetOp
    {
        Union,
        Diff,
    }

    /// <summary>SINTER key [key ...]</summary>
    public static void SInter(Client c) => InterGeneric(c, 1, c.Argc - 1, storeArg: 0, cardinalityOnly: false, limit: 0);

    /// <summary>SINTERSTORE destination key [key ...]</summary>
    public static void SInterStore(Client c) => InterGeneric(c, 2, c.Argc - 2, storeArg: 1, cardinalityOnly: false, limit: 0);

    /// <summary>SUNION key [key ...]</summary>
    public static void SUnion(Client c) => UnionDiffGeneric(c, 1, storeArg: 0, SetOp.Union);

    /// <summary>SUNIONSTORE destination key [key ...]</summary>
    public static void SUnionStore(Client c) => UnionDiffGeneric(c, 2, storeArg: 1, SetOp.Union);

    /// <summary>SDIFF key [key ...]</summary>
    public static void SDiff(Client c) => UnionDiffGeneric(c, 1, storeArg: 0, SetOp.Diff);

    /// <summary>SDIFFSTORE destination key [key ...]</summary>
    public static void SDiffStore(Client c) => UnionDiffGeneric(c, 2, storeArg: 1, SetOp.Diff);

    /// <summary>
    /// SINTERCARD numkeys key [key ...] [LIMIT limit]: numkeys in 1..LONG_MAX and at most the number of
    /// remaining arguments; LIMIT a non-negative integer (0: no limit; the last LIMIT wins).
    /// </summary>
    public static void SInterCard(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[1], out long numKeys) || numKeys < 1)
        {
            c.Reply.WriteError("ERR numkeys should be greater than 0"u8);
            return;
        }
        if (numKeys > c.Argc - 2)
        {
            c.Reply.WriteError("ERR Number of keys can't be greater than number of args"u8);
            return;
        }
        long limit = 0;
        for (int j = 2 + (int)numKeys; j < c.Argc; j++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(c.Args[j], "limit"u8) && j + 1 < c.Argc)
            {
                j++;
                if (!NumberParser.TryParseInt64(c.Args[j], out limit) || limit < 0)
                {
                    c.Reply.WriteError("ERR LIMIT can't be negative"u8);
                    return;
                }
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        InterGeneric(c, 2, (int)numKeys, storeArg: 0, cardinalityOnly: true, limit);
    }

    /// <summary>
    /// Looks up <paramref name="count"/> set keys from argument <paramref name="first"/>: a missing key is a null
    /// entry; false (WRONGTYPE replied) when any key holds another type. Store variants look up for write (no
    /// hit/miss counting), as Redis does.
    /// </summary>
    private static bool TryGetSets(Client c, int first, int count, bool read, RedisSet?[] sets, out int missing)
    {
        missing = 0;
        for (int j = 0; j < count; j++)
        {
            if (!TryGetSet(c, c.Args[first + j], read, out sets[j])) return false;
            if (sets[j] is null) missing++;
        }
        return true;
    }

    /// <summary>sinterGenericCommand: iterates the smallest set and keeps the members every other set has.</summary>
    private static void InterGeneric(Client c, int first, int count, int storeArg, bool cardinalityOnly, long limit)
    {
        RedisSet?[] sets = ArrayPool<RedisSet?>.Shared.Rent(count);
        int[]? found = null;
        try
        {
            if (!TryGetSets(c, first, count, read: storeArg == 0, sets, out int missing)) return;
            if (missing > 0)
            {
                if (storeArg != 0)
                {
                    KeyCommands.DeleteStoreDestination(c, c.Args[storeArg]);
                    c.Reply.WriteInteger(0);
                }
                else if (cardinalityOnly) c.Reply.WriteInteger(0);
                else c.Reply.WriteSetHeader(0);
                return;
            }
            // qsortCompareSetsByCardinality; an insertion sort (stable) of the few keys a command names.
            for (int i = 1; i < count; i++)
            {
                RedisSet s = sets[i]!;
                int k = i - 1;
                while (k >= 0 && sets[k]!.Count > s.Count)
                {
                    sets[k + 1] = sets[k];
                    k--;
                }
                sets[k + 1] = s;
            }
            RedisSet smallest = sets[0]!;
            found = ArrayPool<int>.Shared.Rent(smallest.Count);
            int matches = 0;
            Span<byte> scratch = stackalloc byte[20];
            for (int p = smallest.First(); p >= 0; p = smallest.Next(p))
            {
                ReadOnlySpan<byte> member = smallest.MemberAt(p, scratch);
                bool inAll = true;
                for (int j = 1; j < count && inAll; j++)
                {
                    if (sets[j] == smallest) continue;
                    inAll = sets[j]!.Contains(member);
                }
                if (!inAll) continue;
                found[matches++] = p;
                if (cardinalityOnly && limit != 0 && matches == limit) break;
            }
            if (cardinalityOnly)
            {
                c.Reply.WriteInteger(matches);
            }
            else if (storeArg != 0)
            {
                RedisSet result = RedisSet.CreateIntset();
                int max = c.Server.Config.SetMaxIntsetEntries;
                for (int i = 0; i < matches; i++) result.Add(smallest.MemberAt(found[i], scratch), max);
                StoreResult(c, storeArg, result);
            }
            else
            {
                c.Reply.WriteSetHeader(matches);
                for (int i = 0; i < matches; i++) WriteMember(c, smallest, found[i]);
            }
        }
        finally
        {
            ArrayPool<RedisSet?>.Shared.Return(sets, clearArray: true);
            if (found is not null) ArrayPool<int>.Shared.Return(found);
        }
    }

    /// <summary>
    /// sunionDiffGenericCommand: builds the result as a new set (an intset while every member is an integer), then
    /// replies it or stores it. SDIFF picks Redis's algorithm by estimated work: checking each member of the first
    /// set against the others (largest first), or adding the first set and removing the others.
    /// </summary>
    private static void UnionDiffGeneric(Client c, int first, int storeArg, SetOp op)
    {
        int count = c.Argc - first;
        RedisSet?[] sets = ArrayPool<RedisSet?>.Shared.Rent(count);
        try
        {
            // sunionDiffGenericCommand reads its sources with lookupKeyRead, STORE or not (sinter looks them up as writes
            // for STORE): keyspace hits and misses, and keymiss events, count them.
            if (!TryGetSets(c, first, count, read: true, sets, out _)) return;
            RedisSet result = RedisSet.CreateIntset();
            int max = c.Server.Config.SetMaxIntsetEntries;
            Span<byte> scratch = stackalloc byte[20];
            if (op == SetOp.Union)
            {
                for (int j = 0; j < count; j++)
                {
                    RedisSet? s = sets[j];
                    if (s is null) continue;
                    for (int p = s.First(); p >= 0; p = s.Next(p)) result.Add(s.MemberAt(p, scratch), max);
                }
            }
            else if (sets[0] is not null)
            {
                RedisSet head = sets[0]!;
                long algoOne = 0, algoTwo = 0;
                for (int j = 0; j < count; j++)
                {
                    if (sets[j] is null) continue;
                    algoOne += head.Count;
                    algoTwo += sets[j]!.Count;
                }
                algoOne /= 2;
                if (algoOne <= algoTwo)
                {
                    // qsortCompareSetsByRevCardinality over the other sets (nulls count as empty).
                    for (int i = 2; i < count; i++)
                    {
                        RedisSet? s = sets[i];
                        int k = i - 1;
                        while (k >= 1 && (sets[k]?.Count ?? 0) < (s?.Count ?? 0))
                        {
                            sets[k + 1] = sets[k];
                            k--;
                        }
                        sets[k + 1] = s;
                    }
                    for (int p = head.First(); p >= 0; p = head.Next(p))
                    {
                        ReadOnlySpan<byte> member = head.MemberAt(p, scratch);
                        int j = 1;
                        for (; j < count; j++)
                        {
                            RedisSet? other = sets[j];
                            if (other is null) continue;
                            if (other == head || other.Contains(member)) break;
                        }
                        if (j == count) result.Add(member, max);
                    }
                }
                else
                {
                    for (int j = 0; j < count; j++)
                    {
                        RedisSet? s = sets[j];
                        if (s is null) continue;
                        for (int p = s.First(); p >= 0; p = s.Next(p))
                        {
                            if (j == 0) result.Add(s.MemberAt(p, scratch), max);
                            else result.Remove(s.MemberAt(p, scratch));
                        }
                        if (result.Count == 0) break;
                    }
                }
            }
            if (storeArg != 0) StoreResult(c, storeArg, result);
            else WriteWholeSet(c, result);
        }
        finally
        {
            ArrayPool<RedisSet?>.Shared.Return(sets, clearArray: true);
        }
    }

    /// <summary>setKey of a *STORE result (replacing the destination and its TTL), or deletion when it is empty.</summary>
    private static void StoreResult(Client c, int storeArg, RedisSet result)
    {
        if (result.Count == 0)
        {
            KeyCommands.DeleteStoreDestination(c, c.Args[storeArg]);
            c.Reply.WriteInteger(0);
            return;
        }
        Database db = c.Db;
        int index = db.LookupOrAdd(c.Args[storeArg], out _);
        db.SetObject(index, ValueKind.Set, result);
        if (db.Table[index].ExpireAt != KeyTable.NoExpiry) db.Table.SetExpire(index, KeyTable.NoExpiry);
        db.KeyModified(c.Args[storeArg]);
        c.Notify(KeyspaceEvents.Set, c.LastCommand!.NameBytes, c.Args[storeArg]);
        c.Reply.WriteInteger(result.Count);
    }

}
