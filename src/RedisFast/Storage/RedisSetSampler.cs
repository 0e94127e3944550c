using System.Buffers;

namespace RedisFast.Storage;

/// <summary>A collection whose elements are reached through integer positions (<see cref="RedisSet"/>, <see cref="RedisHash"/>).</summary>
internal interface IPositionedCollection
{
    int Count { get; }

    /// <summary>Whether the compact encoding (intset, listpack) is in use: positions are then few and cheap to list.</summary>
    bool IsCompact { get; }

    int First();

    int Next(int position);

    int RandomPosition();
}

/// <summary>
/// Draws distinct random elements for SRANDMEMBER, SPOP and HRANDFIELD with a positive count (t_set.c
/// srandmemberWithCountCommand, t_hash.c hrandfieldWithCountCommand, cases 3 and 4).
/// </summary>
internal static class RedisSetSampler
{
    /// <summary>
    /// Fills the start of a pooled array with <paramref name="count"/> distinct positions in random order
    /// (0 &lt; count &lt; Count); return the array to <see cref="ArrayPool{T}.Shared"/>. Like Redis, a count that is
    /// a large part of the collection (or a compact one) lists every position and keeps a random part (a partial
    /// Fisher-Yates shuffle); a small count of a big collection draws random positions until enough are distinct,
    /// so it costs O(count), not O(size).
    /// </summary>
    public static int[] DistinctPositions(IPositionedCollection collection, int count)
    {
        int size = collection.Count;
        if (collection.IsCompact || (long)count * 3 > size)
        {
            int[] all = ArrayPool<int>.Shared.Rent(size);
            int n = 0;
            for (int p = collection.First(); p >= 0; p = collection.Next(p)) all[n++] = p;
            for (int i = 0; i < count; i++)
            {
                int j = Random.Shared.Next(i, n);
                (all[i], all[j]) = (all[j], all[i]);
            }
            return all;
        }
        int[] picked = ArrayPool<int>.Shared.Rent(count);
        var seen = new HashSet<int>(count);
        int found = 0;
        while (found < count)
        {
            int p = collection.RandomPosition();
            if (seen.Add(p)) picked[found++] = p;
        }
        return picked;
    }
}
