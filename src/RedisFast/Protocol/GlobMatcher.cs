namespace RedisFast.Protocol;

/// <summary>
/// Redis's glob-style matcher (util.c stringmatchlen): <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a-z]</c>,
/// <c>\x</c> escapes, optional ASCII case folding. Used by KEYS, SCAN MATCH, CONFIG GET and PUBSUB patterns.
/// </summary>
internal static class GlobMatcher
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        bool skipLongerMatches = false;
        return Match(pattern, text, ignoreCase, ref skipLongerMatches, 0);
    }

    public static bool IsMatch(string pattern, string text, bool ignoreCase = false) =>
        IsMatch(System.Text.Encoding.UTF8.GetBytes(pattern), System.Text.Encoding.UTF8.GetBytes(text), ignoreCase);

    private static bool Match(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool nocase, ref bool skipLongerMatches, int nesting)
    {
        // Redis caps recursion (stringmatchlen_impl, nesting > 1000) to defend against pathological patterns.
        if (nesting > 1000) return false;
        int pi = 0, si = 0;
        while (pi < p.Length && si < s.Length)
        {
            switch (p[pi])
            {
                case (byte)'*':
                    while (pi + 1 < p.Length && p[pi + 1] == '*') pi++;
                    if (pi + 1 == p.Length) return true;
                    while (si < s.Length)
                    {
                        if (Match(p[(pi + 1)..], s[si..], nocase, ref skipLongerMatches, nesting + 1)) return true;
                        if (skipLongerMatches) return false;
                        si++;
                    }
                    // No match for the rest of the pattern in any suffix: longer '*' matches cannot help either.
                    skipLongerMatches = true;
                    return false;
                case (byte)'?':
                    si++;
                    break;
                case (byte)'[':
                {
                    pi++;
                    bool not = pi < p.Length && p[pi] == '^';
                    if (not) pi++;
                    bool match = false;
                    while (true)
                    {
                        if (pi < p.Length && p[pi] == '\\' && p.Length - pi >= 2)
                        {
                            pi++;
                            if (p[pi] == s[si]) match = true;
                        }
                        else if (pi >= p.Length || p[pi] == ']')
                        {
                            break;
                        }
                        else if (p.Length - pi >= 3 && p[pi + 1] == '-')
                        {
                            int start = p[pi], end = p[pi + 2], c = s[si];
                            if (start > end) (start, end) = (end, start);
                            if (nocase)
                            {
                                start = Lower(start);
                                end = Lower(end);
                                c = Lower(c);
                            }
                            pi += 2;
                            if (c >= start && c <= end) match = true;
                        }
                        else if (nocase ? Lower(p[pi]) == Lower(s[si]) : p[pi] == s[si])
                        {
                            match = true;
                        }
                        pi++;
                    }
                    if (pi >= p.Length) pi = p.Length - 1; // unterminated class: Redis treats the end as ']'
                    if (not) match = !match;
                    if (!match) return false;
                    si++;
                    break;
                }
                case (byte)'\\':
                    if (p.Length - pi >= 2) pi++;
                    goto default;
                default:
                    if (nocase ? Lower(p[pi]) != Lower(s[si]) : p[pi] != s[si]) return false;
                    si++;
                    break;
            }
            pi++;
            if (si == s.Length)
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                break;
            }
        }
        return pi == p.Length && si == s.Length;
    }

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c | 0x20 : c;
}
