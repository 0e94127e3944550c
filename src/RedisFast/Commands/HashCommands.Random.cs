using System.Buffers;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>HRANDFIELD and HSCAN (t_hash.c hrandfieldCommand, db.c scanGenericCommand).</summary>
internal static partial class HashCommands
{
    /// <summary>
    /// HRANDFIELD key [count [WITHVALUES]]. Without a count: one random field or null. With a count (within
    /// ±LONG_MAX; within ±LONG_MAX/2 with WITHVALUES): a positive count gives distinct fields (the whole hash in
    /// its order when count ≥ size), a negative one |count| fields that may repeat. WITHVALUES pairs are a flat
    /// array in RESP2 and an array of 2-element arrays in RESP3.
    /// </summary>
    public static void HRandField(Client c)
    {
        if (c.Argc == 2)
        {
            if (!TryGetForRead(c, out RedisHash? single)) return;
            if (single is null) c.Reply.WriteNull();
            else c.Reply.WriteBulk(single.FieldAt(single.RandomPosition()));
            return;
        }
        if (!NumberParser.TryParseInt64(c.Args[2], out long l))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (l == long.MinValue)
        {
            c.Reply.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8);
            return;
        }
        bool withValues = false;
        if (c.Argc > 4 || (c.Argc == 4 && !System.Text.Ascii.EqualsIgnoreCase(c.Args[3], "withvalues"u8)))
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (c.Argc == 4)
        {
            withValues = true;
            if (l < -(long.MaxValue / 2) || l > long.MaxValue / 2)
            {
                c.Reply.WriteError("ERR value is out of range"u8);
                return;
            }
        }
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        if (hash is null || l == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        bool unique = l > 0;
        long count = unique ? l : -l;
        int size = hash.Count;
        // Case 1 of hrandfieldWithCountCommand: repetitions allowed (or a single field).
        if (!unique || count == 1)
        {
            WriteRandomHeader(c, count, withValues);
            for (long n = 0; n < count; n++) WriteRandomPair(c, hash, hash.RandomPosition(), withValues);
            return;
        }
        // Case 2: the whole hash, in its own order.
        if (count >= size)
        {
            WriteRandomHeader(c, size, withValues);
            for (int p = hash.First(); p >= 0; p = hash.Next(p)) WriteRandomPair(c, hash, p, withValues);
            return;
        }
        int[] positions = RedisSetSampler.DistinctPositions(hash, (int)count);
        try
        {
            WriteRandomHeader(c, count, withValues);
            for (int n = 0; n < count; n++) WriteRandomPair(c, hash, positions[n], withValues);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
        }
    }

    private static void WriteRandomHeader(Client c, long count, bool withValues) =>
        c.Reply.WriteArrayHeader(withValues && c.Reply.Protocol == 2 ? count * 2 : count);

    private static void WriteRandomPair(Client c, RedisHash hash, int position, bool withValues)
    {
        if (withValues && c.Reply.Protocol != 2) c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(hash.FieldAt(position));
        if (withValues) c.Reply.WriteBulk(hash.ValueAt(position));
    }

    /// <summary>
    /// HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack hash is returned whole with cursor 0 whatever the
    /// cursor, as Redis does; a hashtable is walked by slot index from the cursor (see <see cref="SlotTable{TValue}"/>),
    /// about COUNT fields per call.
    /// </summary>
    public static void HScan(Client c)
    {
        if (!KeyCommands.TryParseScanCursor(c.Args[2], out ulong cursor))
        {
            c.Reply.WriteError("ERR invalid cursor"u8);
            return;
        }
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        if (hash is null)
        {
            c.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);
            return;
        }
        if (!KeyCommands.TryParseScanOptions(c, 3, allowType: false, out long count, out int patternArg, out _)) return;

        ulong next = KeyCommands.ScanWindow(hash, cursor, count, out int start, out int end);
        // Count the matches first: the array header comes before them.
        long matched = 0;
        for (int p = start; p >= 0 && p != end; p = hash.Next(p))
        {
            if (patternArg == 0 || GlobMatcher.IsMatch(c.Args[patternArg], hash.FieldAt(p))) matched++;
        }
        c.Reply.WriteArrayHeader(2);
        KeyCommands.WriteScanCursor(c, next);
        c.Reply.WriteArrayHeader(matched * 2);
        for (int p = start; p >= 0 && p != end; p = hash.Next(p))
        {
            ReadOnlySpan<byte> field = hash.FieldAt(p);
            if (patternArg != 0 && !GlobMatcher.IsMatch(c.Args[patternArg], field)) continue;
            c.Reply.WriteBulk(field);
            c.Reply.WriteBulk(hash.ValueAt(p));
        }
    }
}
