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

    /// <summary>
    /// util.c string2d, which zset scores use (getDoubleFromObject): C strtod over the whole string (decimal,
    /// hex "0x1p3", "inf"/"infinity"), no leading white space, no NaN, and no overflow or underflow to zero
    /// (ERANGE with a huge or zero result). Subnormal results such as 1e-320 are accepted.
    /// </summary>
    public static bool TryParseScore(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || IsSpace(s[0])) return false;
        if (!TryStrtod(s, out value, out bool rangeError)) return false;
        return !(rangeError && (double.IsInfinity(value) || value == 0));
    }

    /// <summary>
    /// sort.c's strtod check of a SORT key: the C string (up to a NUL) must be a number as a whole, leading white space
    /// allowed; the empty string is 0; NaN and a range error (overflow, or a nonzero number rounding to zero) refused.
    /// </summary>
    public static bool TryParseSortKey(ReadOnlySpan<byte> s, out double value)
    {
        s = CString.Of(s);
        value = 0;
        // strtod converts nothing from "" (the end is already the NUL) nor from "  " (the end stays at the start).
        if (s.Length == 0) return true;
        return TryStrtod(s, out value, out bool rangeError) && !rangeError;
    }

    /// <summary>
    /// The strtod check of t_zset.c zslParseRange for a score bound: leading white space allowed, the empty
    /// string is 0, overflow gives ±inf, NaN is refused, and the C string ends at a NUL byte.
    /// </summary>
    public static bool TryParseRangeBound(ReadOnlySpan<byte> s, out double value)
    {
        s = CString.Of(s);
        value = 0;
        if (s.Length == 0) return true;
        return TryStrtod(s, out value, out _);
    }

    /// <summary>
    /// glibc strtod over the whole of <paramref name="s"/> (leading white space skipped): false when any byte is
    /// left over or the result is NaN. <paramref name="rangeError"/> is ERANGE (overflow, or a nonzero number
    /// that rounds to zero).
    /// </summary>
    private static bool TryStrtod(ReadOnlySpan<byte> s, out double value, out bool rangeError)
    {
        value = 0;
        rangeError = false;
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        s = s[i..];
        if (s.Length == 0 || s.Length > 400) return false;
        bool negative = false;
        int p = 0;
        if (s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            p = 1;
        }
        ReadOnlySpan<byte> body = s[p..];
        if (System.Text.Ascii.EqualsIgnoreCase(body, "inf"u8) || System.Text.Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (body.Length > 2 && body[0] == '0' && (body[1] | 0x20) == 'x') return TryParseHexFloat(body[2..], negative, out value, out rangeError);

        // Decimal grammar: digits [. digits] (one digit at least) [e [sign] digits].
        int j = 0, mantissaDigits = 0;
        bool nonZero = false;
        while (j < body.Length && (uint)(body[j] - '0') <= 9) { nonZero |= body[j] != '0'; j++; mantissaDigits++; }
        if (j < body.Length && body[j] == '.')
        {
            j++;
            while (j < body.Length && (uint)(body[j] - '0') <= 9) { nonZero |= body[j] != '0'; j++; mantissaDigits++; }
        }
        if (mantissaDigits == 0) return false;
        if (j < body.Length && (body[j] | 0x20) == 'e')
        {
            j++;
            if (j < body.Length && body[j] is (byte)'+' or (byte)'-') j++;
            int expDigits = 0;
            while (j < body.Length && (uint)(body[j] - '0') <= 9) { j++; expDigits++; }
            if (expDigits == 0) return false;
        }
        if (j != body.Length) return false;
        Span<char> chars = stackalloc char[s.Length];
        for (int k = 0; k < s.Length; k++) chars[k] = (char)s[k];
        if (!double.TryParse(chars, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out value)) return false;
        rangeError = double.IsInfinity(value) || (value == 0 && nonZero);
        return true;
    }

    /// <summary>strtod's hexadecimal form after "0x": hex digits [. hex digits] [p [sign] decimal digits].</summary>
    private static bool TryParseHexFloat(ReadOnlySpan<byte> s, bool negative, out double value, out bool rangeError)
    {
        value = 0;
        rangeError = false;
        ulong mantissa = 0;
        int exponent = 0, digits = 0, j = 0;
        bool seenPoint = false;
        for (; j < s.Length; j++)
        {
            byte b = s[j];
            if (b == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            int d = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : (b | 0x20) is >= 'a' and <= 'f' ? (b | 0x20) - 'a' + 10 : -1;
            if (d < 0) break;
            digits++;
            if (mantissa >> 60 == 0) // keep 60 bits; later digits only move the exponent
            {
                mantissa = (mantissa << 4) | (uint)d;
                if (seenPoint) exponent -= 4;
            }
            else if (!seenPoint)
            {
                exponent += 4;
            }
        }
        if (digits == 0) return false;
        if (j < s.Length && (s[j] | 0x20) == 'p')
        {
            j++;
            bool expNegative = false;
            if (j < s.Length && s[j] is (byte)'+' or (byte)'-') expNegative = s[j++] == '-';
            int e = 0, expDigits = 0;
            while (j < s.Length && (uint)(s[j] - '0') <= 9)
            {
                e = Math.Min(e * 10 + (s[j] - '0'), 100000);
                j++;
                expDigits++;
            }
            if (expDigits == 0) return false;
            exponent += expNegative ? -e : e;
        }
        if (j != s.Length) return false;
        value = Math.ScaleB((double)mantissa, exponent);
        if (negative) value = -value;
        rangeError = double.IsInfinity(value) || (value == 0 && mantissa != 0);
        return true;
    }

    private static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');
}
