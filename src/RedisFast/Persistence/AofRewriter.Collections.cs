using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>
/// Base-file emitters of the collection types, as aof.c rewriteListObject, rewriteSetObject, rewriteHashObject and
/// rewriteSortedSetObject write them: RPUSH, SADD, HMSET and ZADD, at most <see cref="ItemsPerCommand"/> items
/// (pairs for hashes and sorted sets) per command; scores as %.17g (rioWriteBulkDouble).
/// </summary>
internal static partial class AofRewriter
{
    /// <summary>AOF_REWRITE_ITEMS_PER_CMD.</summary>
    private const int ItemsPerCommand = 64;

    private static void EmitList(AofCommandWriter w, ReadOnlySpan<byte> key, in KeyEntry e)
    {
        var list = (RedisList)e.Value!;
        for (int start = 0; start < list.Count; start += ItemsPerCommand)
        {
            int n = Math.Min(ItemsPerCommand, list.Count - start);
            w.ArrayHeader(2 + n).Bulk("RPUSH"u8).Bulk(key);
            for (int i = start; i < start + n; i++) w.Bulk(list[i]);
        }
    }

    private static void EmitSet(AofCommandWriter w, ReadOnlySpan<byte> key, in KeyEntry e)
    {
        var set = (RedisSet)e.Value!;
        Span<byte> scratch = stackalloc byte[20];
        int remaining = set.Count;
        for (int p = set.First(); p >= 0;)
        {
            int n = Math.Min(ItemsPerCommand, remaining);
            w.ArrayHeader(2 + n).Bulk("SADD"u8).Bulk(key);
            for (int i = 0; i < n; i++, p = set.Next(p)) w.Bulk(set.MemberAt(p, scratch));
            remaining -= n;
        }
    }

    private static void EmitHash(AofCommandWriter w, ReadOnlySpan<byte> key, in KeyEntry e)
    {
        var hash = (RedisHash)e.Value!;
        int remaining = hash.Count;
        for (int p = hash.First(); p >= 0;)
        {
            int n = Math.Min(ItemsPerCommand, remaining);
            w.ArrayHeader(2 + 2 * n).Bulk("HMSET"u8).Bulk(key);
            for (int i = 0; i < n; i++, p = hash.Next(p)) w.Bulk(hash.FieldAt(p)).Bulk(hash.ValueAt(p));
            remaining -= n;
        }
    }

    private static void EmitSortedSet(AofCommandWriter w, ReadOnlySpan<byte> key, in KeyEntry e)
    {
        var set = (RedisSortedSet)e.Value!;
        Span<byte> score = stackalloc byte[40];
        if (set.MemberScores is { } members)
        {
            // The skiplist encoding: from the member → score table, as aof.c walks the dict. Only the table is read: the
            // loop may own this set's skiplist by now (RedisSortedSet.SplitForRewrite).
            int left = members.Count;
            for (int p = members.NextOccupied(0); p >= 0;)
            {
                int n = Math.Min(ItemsPerCommand, left);
                w.ArrayHeader(2 + 2 * n).Bulk("ZADD"u8).Bulk(key);
                for (int i = 0; i < n; i++, p = members.NextOccupied(p + 1))
                    w.Bulk(score[..DoubleFormatter.FormatG17(members.ValueAt(p), score)]).Bulk(members.KeyAt(p));
                left -= n;
            }
            return;
        }
        long remaining = set.Count;
        for (ZIterator it = set.AtRank(0); it.Valid;)
        {
            int n = (int)Math.Min(ItemsPerCommand, remaining);
            w.ArrayHeader(2 + 2 * n).Bulk("ZADD"u8).Bulk(key);
            for (int i = 0; i < n; i++, it.MoveNext()) w.Bulk(score[..DoubleFormatter.FormatG17(it.Score, score)]).Bulk(it.Member);
            remaining -= n;
        }
    }
}
