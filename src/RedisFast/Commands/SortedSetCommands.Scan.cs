using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>ZSCAN (db.c scanGenericCommand for a sorted set).</summary>
internal static partial class SortedSetCommands
{
    /// <summary>
    /// ZSCAN key cursor [MATCH pattern] [COUNT count]. Like Redis for a listpack, the whole set comes back in
    /// one call with cursor 0; RedisFast does the same for a skiplist (Redis would page through its dict), which
    /// keeps SCAN's guarantees trivially. Scores are bulk strings in %.17g form in both protocols.
    /// </summary>
    public static void ZScan(Client c)
    {
        if (!KeyCommands.TryParseScanCursor(c.Args[2], out _))
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
        int patternArg = 0;
        for (int i = 3; i < c.Argc; i += 2)
        {
            ReadOnlySpan<byte> option = c.Args[i];
            bool hasValue = i + 1 < c.Argc;
            if (hasValue && System.Text.Ascii.EqualsIgnoreCase(option, "count"u8))
            {
                if (!NumberParser.TryParseInt64(c.Args[i + 1], out long count))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (count < 1)
                {
                    c.Reply.WriteError(Errors.Syntax);
                    return;
                }
            }
            else if (hasValue && System.Text.Ascii.EqualsIgnoreCase(option, "match"u8))
            {
                patternArg = i + 1;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        bool usePattern = patternArg != 0 && !(c.Args.LengthOf(patternArg) == 1 && c.Args[patternArg][0] == '*');
        long matched = set.Count;
        if (usePattern)
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
            if (usePattern && !GlobMatcher.IsMatch(c.Args[patternArg], it.Member)) continue;
            reply.WriteBulk(it.Member);
            int n = FormatScanScore(it.Score, set.IsListpack, text);
            reply.WriteBulk(text[..n]);
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
