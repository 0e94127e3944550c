using System.Numerics;

namespace RedisFast.Protocol;

/// <summary>
/// An x87 80-bit extended-precision number ("long double" on x86-64 Linux, which Redis's INCRBYFLOAT computes
/// with): a 64-bit significand and a 15-bit exponent. .NET has no such type, so this emulates the three
/// operations INCRBYFLOAT needs, each correctly rounded (round-to-nearest-even) as glibc does them:
/// <see cref="TryParse"/> (util.c string2ld: strtold), <see cref="Add"/> and <see cref="FormatHuman"/>
/// (util.c ld2string with LD_STR_HUMAN: "%.17Lf", trailing zeros trimmed). The value is
/// <c>(-1)^Negative × Significand × 2^Exponent</c>. INCRBYFLOAT is not on the zero-allocation path; the
/// exact arithmetic uses <see cref="BigInteger"/>.
/// </summary>
internal readonly struct LongDouble
{
    /// <summary>Exponent of the least significant bit of the smallest subnormal (2^-16445).</summary>
    private const int MinExponent = -16445;

    /// <summary>Values at or above 2^16384 overflow to infinity.</summary>
    private const int MaxBinaryMagnitude = 16384;

    /// <summary>util.c MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs this long or longer.</summary>
    public const int MaxChars = 5 * 1024;

    private LongDouble(bool negative, ulong significand, int exponent, bool infinite)
    {
        Negative = negative;
        Significand = significand;
        Exponent = exponent;
        IsInfinity = infinite;
    }

    public bool Negative { get; }
    public ulong Significand { get; }
    public int Exponent { get; }
    public bool IsInfinity { get; }

    /// <summary>The exact value of a 64-bit integer (every long fits a 64-bit significand).</summary>
    public static LongDouble FromInt64(long value) =>
        new(value < 0, value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value, 0, false);

    /// <summary>
    /// string2ld: strtold over the whole input, refusing leading spaces, trailing garbage, NaN, and results that
    /// overflow to ±HUGE_VALL or underflow to zero (ERANGE). Accepts decimal and hexadecimal ("0x1p3") forms,
    /// "inf" and "infinity" with an optional sign.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out LongDouble value)
    {
        value = default;
        if (s.Length == 0 || s.Length >= MaxChars) return false;
        // strtold stops at an embedded NUL: the rest is then "trailing garbage" for string2ld.
        if (s.IndexOf((byte)0) >= 0) return false;
        int i = 0;
        bool negative = false;
        if (s[0] == '+' || s[0] == '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        ReadOnlySpan<byte> rest = s[i..];
        if (EqualsIgnoreCase(rest, "inf"u8) || EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = new LongDouble(negative, 0, 0, true);
            return true;
        }
        if (rest.Length >= 2 && rest[0] == '0' && (rest[1] | 0x20) == 'x' && TryParseHex(rest[2..], negative, out value)) return true;
        return TryParseDecimal(rest, negative, out value);
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> s, bool negative, out LongDouble value)
    {
        value = default;
        int i = 0, digits = 0, fractionDigits = 0;
        while (i < s.Length && IsDigit(s[i])) { i++; digits++; }
        int intEnd = i;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && IsDigit(s[i])) { i++; fractionDigits++; }
        }
        if (digits + fractionDigits == 0) return false;
        int mantissaEnd = i;
        if (!TryParseExponent(s, i, (byte)'e', out long exponent)) return false;

        BigInteger mantissa = BigInteger.Zero;
        for (int j = 0; j < mantissaEnd; j++)
        {
            if (j == intEnd) continue;
            mantissa = mantissa * 10 + (s[j] - '0');
        }
        long decimalExponent = exponent - fractionDigits;
        if (mantissa.IsZero)
        {
            value = new LongDouble(negative, 0, 0, false);
            return true;
        }
        // Cheap range guards before exact arithmetic: 10^4933 overflows, below 10^-4952 rounds to zero.
        long magnitude = decimalExponent + mantissa.ToString().Length;
        if (magnitude > 4934) return false;
        if (magnitude < -4955) return false;

        BigInteger exact;
        int binaryExponent;
        bool sticky;
        if (decimalExponent >= 0)
        {
            exact = mantissa * BigInteger.Pow(10, (int)decimalExponent);
            binaryExponent = 0;
            sticky = false;
        }
        else
        {
            BigInteger divisor = BigInteger.Pow(10, (int)-decimalExponent);
            long shift = Math.Max(0, 68 + divisor.GetBitLength() - mantissa.GetBitLength());
            exact = BigInteger.DivRem(mantissa << (int)shift, divisor, out BigInteger remainder);
            binaryExponent = -(int)shift;
            sticky = !remainder.IsZero;
        }
        return TryRound(negative, exact, binaryExponent, sticky, out value);
    }

    private static bool TryParseHex(ReadOnlySpan<byte> s, bool negative, out LongDouble value)
    {
        value = default;
        int i = 0, digits = 0, fractionDigits = 0;
        BigInteger mantissa = BigInteger.Zero;
        while (i < s.Length && HexValue(s[i]) >= 0) { mantissa = (mantissa << 4) + HexValue(s[i]); i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && HexValue(s[i]) >= 0) { mantissa = (mantissa << 4) + HexValue(s[i]); i++; fractionDigits++; }
        }
        if (digits + fractionDigits == 0) return false;
        if (!TryParseExponent(s, i, (byte)'p', out long exponent)) return false;
        if (mantissa.IsZero)
        {
            value = new LongDouble(negative, 0, 0, false);
            return true;
        }
        long binaryExponent = exponent - 4L * fractionDigits;
        long magnitude = binaryExponent + (long)mantissa.GetBitLength();
        if (magnitude > MaxBinaryMagnitude + 1) return false;
        if (magnitude < MinExponent - 2) return false;
        return TryRound(negative, mantissa, (int)binaryExponent, false, out value);
    }

    /// <summary>
    /// Rounds <c>exact × 2^exponent</c> (plus a nonzero tail below it when <paramref name="sticky"/>) to the
    /// nearest long double, ties to even. False when the result overflows or is zero (strtold's ERANGE).
    /// </summary>
    private static bool TryRound(bool negative, BigInteger exact, int exponent, bool sticky, out LongDouble value)
    {
        value = default;
        long bits = exact.GetBitLength();
        long shift = Math.Max(bits - 64, (long)MinExponent - exponent);
        ulong significand;
        if (shift > 0)
        {
            BigInteger kept = exact >> (int)shift;
            BigInteger dropped = exact - (kept << (int)shift);
            BigInteger half = BigInteger.One << (int)(shift - 1);
            int cmp = dropped.CompareTo(half);
            if (cmp == 0 && sticky) cmp = 1;
            if (cmp > 0 || (cmp == 0 && !kept.IsEven)) kept += 1;
            if (kept.GetBitLength() > 64)
            {
                kept >>= 1;
                shift++;
            }
            significand = (ulong)kept;
            exponent += (int)shift;
        }
        else
        {
            significand = (ulong)exact;
        }
        if (significand == 0) return false;
        if (BitLength(significand) + (long)exponent > MaxBinaryMagnitude) return false;
        value = new LongDouble(negative, significand, exponent, false);
        return true;
    }

    /// <summary>The correctly rounded sum; infinities make <paramref name="sum"/> infinite (Redis then refuses it).</summary>
    public static bool TryAdd(LongDouble a, LongDouble b, out LongDouble sum)
    {
        sum = default;
        if (a.IsInfinity || b.IsInfinity) return false;
        if (a.Significand == 0 && b.Significand == 0)
        {
            // IEEE 754: -0 + -0 is -0, any other sum of zeros is +0 in round-to-nearest.
            sum = new LongDouble(a.Negative && b.Negative, 0, 0, false);
            return true;
        }
        if (a.Significand == 0) { sum = b; return true; }
        if (b.Significand == 0) { sum = a; return true; }
        int low = Math.Min(a.Exponent, b.Exponent);
        BigInteger x = new BigInteger(a.Significand) << (a.Exponent - low);
        BigInteger y = new BigInteger(b.Significand) << (b.Exponent - low);
        if (a.Negative) x = -x;
        if (b.Negative) y = -y;
        BigInteger total = x + y;
        if (total.IsZero)
        {
            sum = new LongDouble(false, 0, 0, false);
            return true;
        }
        bool negative = total.Sign < 0;
        // An exact sum is never below the smallest subnormal, so TryRound fails here only on overflow.
        return TryRound(negative, BigInteger.Abs(total), low, false, out sum);
    }

    /// <summary>
    /// ld2string(LD_STR_HUMAN): "%.17Lf" (exact decimal expansion rounded to 17 places, ties to even as glibc),
    /// then trailing zeros and a bare '.' removed, and "-0" printed as "0".
    /// </summary>
    public byte[] FormatHuman() => System.Text.Encoding.ASCII.GetBytes(FormatHumanString());

    private string FormatHumanString()
    {
        if (Significand == 0) return "0";
        string digits;
        if (Exponent >= 0)
        {
            digits = (new BigInteger(Significand) << Exponent).ToString();
            return Negative ? "-" + digits : digits;
        }
        BigInteger scaled = new BigInteger(Significand) * BigInteger.Pow(10, 17);
        int shift = -Exponent;
        BigInteger q = scaled >> shift;
        BigInteger remainder = scaled - (q << shift);
        BigInteger half = BigInteger.One << (shift - 1);
        int cmp = remainder.CompareTo(half);
        if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        digits = q.ToString().PadLeft(18, '0');
        string integerPart = digits[..^17];
        string fraction = digits[^17..].TrimEnd('0');
        string result = fraction.Length == 0 ? integerPart : integerPart + "." + fraction;
        if (Negative && result != "0") result = "-" + result;
        return result;
    }

    public override string ToString() => IsInfinity ? (Negative ? "-inf" : "inf") : FormatHumanString();

    /// <summary>
    /// The optional exponent that ends a number at <paramref name="i"/>: <paramref name="marker"/> ('e' decimal, 'p'
    /// hex, either case), a sign, at least one digit (saturating far beyond any finite result), then the end of the
    /// input. False for anything else; 0 without an exponent.
    /// </summary>
    private static bool TryParseExponent(ReadOnlySpan<byte> s, int i, byte marker, out long exponent)
    {
        exponent = 0;
        if (i < s.Length && (s[i] | 0x20) == marker)
        {
            i++;
            bool negative = false;
            if (i < s.Length && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
            int start = i;
            while (i < s.Length && IsDigit(s[i]))
            {
                if (exponent < 100_000_000) exponent = exponent * 10 + (s[i] - '0');
                i++;
            }
            if (i == start) return false;
            if (negative) exponent = -exponent;
        }
        return i == s.Length;
    }

    private static bool IsDigit(byte c) => c >= '0' && c <= '9';

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static int BitLength(ulong v) => 64 - BitOperations.LeadingZeroCount(v);

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> lower)
    {
        if (a.Length != lower.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if ((a[i] | 0x20) != lower[i]) return false;
        return true;
    }
}
