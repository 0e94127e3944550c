using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>ZSCAN (db.c scanGenericCommand for a sorted set).</summary>
internal static partial class SortedSetCommands
{
    /// <summary>
    /// ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack comes back whole in one call with cursor 0, as
    /// in Redis (the cursor is ignored). A skiplist pages like Redis's dictScan: the cursor is a slot of the
    /// set's member table, where a member keeps its slot for its whole life, so every member present from the
    /// first call to the last is returned (exactly once). COUNT bounds the work as in db.c scanGenericCommand:
    /// the call stops once COUNT members are collected (before MATCH filters them) or after visiting 10×COUNT
    /// slots. Scores are bulk strings in %.17g form in both protocols.
    /// </summary>
    public static void ZScan(Client c)
    {
        if (!KeyCommands.TryParseScanCursor(c.Args[2], out ulong cursor))
        {
            c.Reply.WriteError("ERR invalid cursor"u8);
            return;
        }
        if (!TryGetRead(c, c.Args[1], out RedisSortedSet? set)) return;
        if (set is null)
        {
            c.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);
            return;
        }
        if (!KeyCommands.TryParseScanOptions(c, 3, allowType: false, out long count, out int patternArg, out _)) return;
        if (set.IsListpack) ScanListpack(c, set, patternArg);
        else ScanSkipList(c, set, cursor, count, patternArg);
    }

    private static void ScanListpack(Client c, RedisSortedSet set, int patternArg)
    {
        long matched = set.Count;
        if (patternArg != 0)
        {
            matched = 0;
            for (ZIterator it = set.AtRank(0); it.Valid; it.MoveNext())
            {
                if (GlobMatcher.IsMatch(c.Args[patternArg], it.Member)) matched++;
            }
        }
        ReplyWriter reply = c.Reply;
        reply.WriteRaw("*2\r\n$1\r\n0\r\n"u8);
        reply.WriteArrayHeader(matched * 2);
        Span<byte> text = stackalloc byte[40];
        for (ZIterator it = set.AtRank(0); it.Valid; it.MoveNext())
        {
            if (patternArg != 0 && !GlobMatcher.IsMatch(c.Args[patternArg], it.Member)) continue;
            reply.WriteBulk(it.Member);
            int n = FormatScanScore(it.Score, listpack: true, text);
            reply.WriteBulk(text[..n]);
        }
    }

    private static void ScanSkipList(Client c, RedisSortedSet set, ulong cursor, long count, int patternArg)
    {
        ulong slots = (ulong)set.ScanSlotCount;
        // maxiterations = count*10 in Redis; capped so the arithmetic cannot overflow.
        long budget = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
        // The reply's length comes first, so the slots to return are collected before anything is written.
        int[] found = System.Buffers.ArrayPool<int>.Shared.Rent((int)Math.Min(count, Math.Max(set.Count, 1)));
        int collected = 0;
        ulong slot = cursor;
        try
        {
            if (slot < slots)
            {
                do
                {
                    byte[]? member = set.MemberAtSlot((int)slot);
                    if (member is not null && (patternArg == 0 || GlobMatcher.IsMatch(c.Args[patternArg], member)))
                    {
                        found[collected++] = (int)slot;
                    }
                    // Redis counts what dictScan collected before the pattern filters it, so MATCH does not make a
                    // call do more work.
                    if (member is not null) count--;
                    slot++;
                }
                while (slot < slots && budget-- > 0 && count > 0);
            }
            ulong next = slot >= slots ? 0 : slot;
            ReplyWriter reply = c.Reply;
            reply.WriteArrayHeader(2);
            KeyCommands.WriteScanCursor(c, next);
            reply.WriteArrayHeader(collected * 2L);
            Span<byte> text = stackalloc byte[40];
            for (int n = 0; n < collected; n++)
            {
                reply.WriteBulk(set.MemberAtSlot(found[n]));
                int length = FormatScanScore(set.ScoreAtSlot(found[n]), listpack: false, text);
                reply.WriteBulk(text[..length]);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(found);
        }
    }

    /// <summary>
    /// The score text ZSCAN returns: a listpack hands back the entry it stored, which d2string wrote as an
    /// integer when the value is integral within ±LLONG_MAX/2 (util.h double2ll) and in %.17g otherwise; a
    /// skiplist formats its double with ld2string, which prints like %.17g.
    /// </summary>
    private static int FormatScanScore(double score, bool listpack, Span<byte> text)
    {
        const double Limit = long.MaxValue / 2;
        if (listpack && score >= -Limit && score <= Limit && score == Math.Truncate(score))
        {
            System.Buffers.Text.Utf8Formatter.TryFormat((long)score, text, out int written);
            return written;
        }
        return DoubleFormatter.FormatG17(score, text);
    }
}
