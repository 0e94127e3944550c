using System.Buffers.Text;
using System.Globalization;

namespace RedisFast.Protocol;

/// <summary>Number parsing with Redis's strictness (util.c string2ll, string2ld).</summary>
internal static class NumberParser
{
    /// <summary>
    /// string2ll: optional '-', then digits with no leading zero (except "0" itself), no '+', no spaces,
    /// at most 20 characters, and no overflow.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int len = s.Length;
        if (len == 0 || len > 20) return false;
        if (len == 1 && s[0] == '0') return true;
        int i = 0;
        bool negative = false;
        if (s[0] == '-')
        {
            negative = true;
            i = 1;
            if (len == 1) return false;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        ulong v = 0;
        for (; i < len; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue) return false;
            value = (long)v;
        }
        return true;
    }

    /// <summary>
    /// string2ld / strtold as Redis uses it for floats: leading spaces are refused, "inf"/"-inf" accepted,
    /// "nan" refused, hex floats not supported.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 5000) return false;
        if (IsSpace(s[0]) || IsSpace(s[^1])) return false;
        if (Utf8Parser.TryParse(s, out value, out int consumed, 'G') && consumed == s.Length) return !double.IsNaN(value);
        if (Utf8Parser.TryParse(s, out value, out consumed, 'E') && consumed == s.Length) return !double.IsNaN(value);
        return TryParseSpecial(s, out value);
    }

    private static bool TryParseSpecial(ReadOnlySpan<byte> s, out double value)
    {
        Span<char> chars = stackalloc char[Math.Min(s.Length, 64)];
        value = 0;
        if (s.Length > 64) return false;
        for (int i = 0; i < s.Length; i++) chars[i] = (char)s[i];
        ReadOnlySpan<char> t = chars[..s.Length];
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            || t.Equals("infinity", StringComparison.OrdinalIgnoreCase) || t.Equals("+infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (t.Equals("-inf", StringComparison.OrdinalIgnoreCase) || t.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }

    private static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');
}
