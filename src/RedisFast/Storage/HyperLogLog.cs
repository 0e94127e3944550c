using System.Buffers.Binary;

namespace RedisFast.Storage;

/// <summary>
/// Redis 7.0's HyperLogLog (hyperloglog.c) on the bytes of a string value, byte for byte: a 16-byte header ("HYLL",
/// the encoding, 3 unused bytes, the cached cardinality little-endian with bit 63 meaning "stale"), then 16384
/// registers of 6 bits, either dense (12288 bytes, registers packed least significant bit first) or sparse (runs:
/// ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx). Elements are hashed with MurmurHash64A (seed 0xadc83b19);
/// the count is Ertl's estimator. Everything works in place on spans; nothing allocates.
/// </summary>
internal static class HyperLogLog
{
    public const int HeaderSize = 16;
    public const int Registers = 1 << P;
    public const int DenseSize = HeaderSize + (Registers * Bits + 7) / 8;

    /// <summary>An empty HLL: sparse, one XZERO covering every register, cardinality 0 cached.</summary>
    public const int EmptySize = HeaderSize + 2;

    /// <summary>The most a sparse update adds (an XZERO split into XZERO, VAL, XZERO).</summary>
    public const int MaxSparseGrowth = 3;

    private const int P = 14, Q = 64 - P, Bits = 6, RegisterMax = (1 << Bits) - 1;
    private const byte DenseEncoding = 0, SparseEncoding = 1;
    private const int ValMaxValue = 32, ValMaxLength = 4, ZeroMaxLength = 64, XZeroMaxLength = 16384;
    private const double AlphaInf = 0.721347520444481703680;

    /// <summary>isHLLObjectOrReply's checks: a header, the magic, a known encoding, and the exact dense size.</summary>
    public static bool IsValid(ReadOnlySpan<byte> s) =>
        s.Length >= HeaderSize && s.StartsWith("HYLL"u8) && s[4] <= SparseEncoding && (s[4] != DenseEncoding || s.Length == DenseSize);

    public static bool IsDense(ReadOnlySpan<byte> s) => s[4] == DenseEncoding;

    /// <summary>createHLLObject: writes the <see cref="EmptySize"/> bytes of an empty HLL.</summary>
    public static void WriteEmpty(Span<byte> s)
    {
        s[..EmptySize].Clear();
        "HYLL"u8.CopyTo(s);
        s[4] = SparseEncoding;
        SetXZero(s[HeaderSize..], Registers);
    }

    /// <summary>HLL_INVALIDATE_CACHE</summary>
    public static void InvalidateCache(Span<byte> s) => s[15] |= 0x80;

    /// <summary>The cached cardinality, when it is not stale.</summary>
    public static bool TryGetCachedCount(ReadOnlySpan<byte> s, out long count)
    {
        count = (long)BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        return (s[15] & 0x80) == 0;
    }

    public static void SetCachedCount(Span<byte> s, ulong count) => BinaryPrimitives.WriteUInt64LittleEndian(s[8..], count);

    /// <summary>MurmurHash64A of Redis (little-endian reads).</summary>
    public static ulong MurmurHash64A(ReadOnlySpan<byte> key, uint seed)
    {
        const ulong M = 0xc6a4a7935bd1e995;
        const int R = 47;
        ulong h = seed ^ unchecked((ulong)key.Length * M);
        int blocks = key.Length & ~7;
        for (int i = 0; i < blocks; i += 8)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(key[i..]);
            k = unchecked(k * M);
            k ^= k >> R;
            k = unchecked(k * M);
            h ^= k;
            h = unchecked(h * M);
        }
        int rest = key.Length & 7;
        if (rest > 0)
        {
            for (int i = rest - 1; i >= 0; i--) h ^= (ulong)key[blocks + i] << (8 * i);
            h = unchecked(h * M);
        }
        h ^= h >> R;
        h = unchecked(h * M);
        h ^= h >> R;
        return h;
    }

    /// <summary>hllPatLen: the register an element maps to and the length of its "000..1" pattern (1..Q+1).</summary>
    public static int PatternLength(ReadOnlySpan<byte> element, out int register)
    {
        ulong hash = MurmurHash64A(element, 0xadc83b19);
        register = (int)(hash & (Registers - 1));
        hash >>= P;
        hash |= 1UL << Q;
        return System.Numerics.BitOperations.TrailingZeroCount(hash) + 1;
    }

    /// <summary>HLL_DENSE_GET_REGISTER on the registers (the bytes after the header).</summary>
    public static int GetDense(ReadOnlySpan<byte> registers, int index)
    {
        int bit = index * Bits, at = bit >> 3, shift = bit & 7;
        int b0 = registers[at], b1 = at + 1 < registers.Length ? registers[at + 1] : 0;
        return ((b0 >> shift) | (b1 << (8 - shift))) & RegisterMax;
    }

    private static void SetDense(Span<byte> registers, int index, int value)
    {
        int bit = index * Bits, at = bit >> 3, shift = bit & 7;
        registers[at] = (byte)((registers[at] & ~(RegisterMax << shift)) | (value << shift));
        if (at + 1 < registers.Length)
            registers[at + 1] = (byte)((registers[at + 1] & ~(RegisterMax >> (8 - shift))) | (value >> (8 - shift)));
    }

    /// <summary>hllDenseSet: raises a register; true when it changed.</summary>
    public static bool DenseSet(Span<byte> registers, int index, int count)
    {
        if (count <= GetDense(registers, index)) return false;
        SetDense(registers, index, count);
        return true;
    }

    private static bool IsZero(byte op) => (op & 0xC0) == 0;

    private static bool IsXZero(byte op) => (op & 0xC0) == 0x40;

    private static int ZeroLength(byte op) => (op & 0x3F) + 1;

    private static int XZeroLength(ReadOnlySpan<byte> p) => (((p[0] & 0x3F) << 8) | p[1]) + 1;

    private static int ValValue(byte op) => ((op >> 2) & 0x1F) + 1;

    private static int ValLength(byte op) => (op & 0x3) + 1;

    private static byte Val(int value, int length) => (byte)(((value - 1) << 2) | (length - 1) | 0x80);

    private static void SetXZero(Span<byte> p, int length)
    {
        p[0] = (byte)(((length - 1) >> 8) | 0x40);
        p[1] = (byte)((length - 1) & 0xFF);
    }

    /// <summary>
    /// The opcodes of a sparse HLL as runs: ZERO ('z') and XZERO ('Z') runs of value 0, VAL ('v') runs of 1..32.
    /// An XZERO cut short by the end stops the walk (<see cref="Truncated"/>).
    /// </summary>
    private ref struct SparseRuns(ReadOnlySpan<byte> hll)
    {
        private readonly ReadOnlySpan<byte> _hll = hll;
        private int _p = HeaderSize;

        public bool Truncated { get; private set; }

        public bool Next(out int value, out int length, out char kind)
        {
            value = length = 0;
            kind = ' ';
            if (_p >= _hll.Length) return false;
            byte op = _hll[_p];
            if (IsZero(op))
            {
                (kind, length) = ('z', ZeroLength(op));
                _p++;
            }
            else if (IsXZero(op))
            {
                if (_p + 1 >= _hll.Length)
                {
                    Truncated = true;
                    return false;
                }
                (kind, length) = ('Z', XZeroLength(_hll[_p..]));
                _p += 2;
            }
            else
            {
                (kind, value, length) = ('v', ValValue(op), ValLength(op));
                _p++;
            }
            return true;
        }
    }

    /// <summary>What <see cref="SparseSet"/> did.</summary>
    public enum SparseResult
    {
        Unchanged,
        Updated,

        /// <summary>The value does not fit a sparse HLL or it would pass hll-sparse-max-bytes: convert to dense first.</summary>
        NeedsDense,
        Corrupt,
    }

    /// <summary>
    /// hllSparseSet up to its promotion: raises register <paramref name="index"/> to <paramref name="count"/> in the
    /// sparse HLL of <paramref name="length"/> bytes at the start of <paramref name="s"/>, which has room for
    /// <see cref="MaxSparseGrowth"/> more. The opcode holding the register is split as needed, then adjacent equal
    /// VAL runs are merged as Redis merges them, so the bytes stay Redis's.
    /// </summary>
    public static SparseResult SparseSet(Span<byte> s, ref int length, int index, int count, long maxBytes)
    {
        if (count > ValMaxValue) return SparseResult.NeedsDense;
        int end = length, p = HeaderSize, first = 0, prev = -1, span = 0;
        while (p < end)
        {
            int opLength = 1;
            if (IsZero(s[p])) span = ZeroLength(s[p]);
            else if ((s[p] & 0x80) != 0) span = ValLength(s[p]);
            else
            {
                if (p + 1 >= end) return SparseResult.Corrupt;
                span = XZeroLength(s[p..]);
                opLength = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += opLength;
            first += span;
        }
        if (span == 0 || p >= end) return SparseResult.Corrupt;
        bool isZero = IsZero(s[p]), isXZero = IsXZero(s[p]), isVal = !isZero && !isXZero;
        int next = p + (isXZero ? 2 : 1);
        int runLength = isZero ? ZeroLength(s[p]) : isXZero ? XZeroLength(s[p..]) : ValLength(s[p]);

        if (isVal)
        {
            if (ValValue(s[p]) >= count) return SparseResult.Unchanged;
            if (runLength == 1)
            {
                s[p] = Val(count, 1);
                return Merged(s, ref length, prev);
            }
        }
        if (isZero && runLength == 1)
        {
            s[p] = Val(count, 1);
            return Merged(s, ref length, prev);
        }

        // The general case: the opcode splits in up to three (at most 5 bytes).
        Span<byte> seq = stackalloc byte[5];
        int n = 0, last = first + span - 1;
        if (isZero || isXZero)
        {
            if (index != first) n += Zeros(seq[n..], index - first);
            seq[n++] = Val(count, 1);
            if (index != last) n += Zeros(seq[n..], last - index);
        }
        else
        {
            int current = ValValue(s[p]);
            if (index != first) seq[n++] = Val(current, index - first);
            seq[n++] = Val(count, 1);
            if (index != last) seq[n++] = Val(current, last - index);
        }
        int delta = n - (isXZero ? 2 : 1);
        if (delta > 0 && length + delta > maxBytes) return SparseResult.NeedsDense;
        if (delta != 0 && next < end) s[next..end].CopyTo(s[(next + delta)..]);
        length += delta;
        seq[..n].CopyTo(s[p..]);
        return Merged(s, ref length, prev);
    }

    /// <summary>A run of zeros as ZERO (up to 64) or XZERO; returns the bytes written.</summary>
    private static int Zeros(Span<byte> p, int length)
    {
        if (length > ZeroMaxLength)
        {
            SetXZero(p, length);
            return 2;
        }
        p[0] = (byte)(length - 1);
        return 1;
    }

    /// <summary>Step 4 of hllSparseSet: merges adjacent VAL opcodes of equal value, scanning 5 opcodes from prev.</summary>
    private static SparseResult Merged(Span<byte> s, ref int length, int prev)
    {
        int end = length, p = prev >= 0 ? prev : HeaderSize;
        for (int scan = 5; p < end && scan-- > 0;)
        {
            if (IsXZero(s[p]))
            {
                p += 2;
                continue;
            }
            if (IsZero(s[p]))
            {
                p++;
                continue;
            }
            if (p + 1 < end && (s[p + 1] & 0x80) != 0 && ValValue(s[p]) == ValValue(s[p + 1]))
            {
                int merged = ValLength(s[p]) + ValLength(s[p + 1]);
                if (merged <= ValMaxLength)
                {
                    s[p + 1] = Val(ValValue(s[p]), merged);
                    s[(p + 1)..end].CopyTo(s[p..]);
                    end--;
                    continue;
                }
            }
            p++;
        }
        length = end;
        InvalidateCache(s);
        return SparseResult.Updated;
    }

    /// <summary>
    /// hllSparseToDense: the dense form of a sparse HLL into <paramref name="dense"/> (<see cref="DenseSize"/> bytes),
    /// header copied (cached cardinality included). False when the runs do not cover exactly every register.
    /// </summary>
    public static bool SparseToDense(ReadOnlySpan<byte> sparse, Span<byte> dense)
    {
        dense[..DenseSize].Clear();
        sparse[..HeaderSize].CopyTo(dense);
        dense[4] = DenseEncoding;
        Span<byte> registers = dense[HeaderSize..DenseSize];
        int index = 0;
        var runs = new SparseRuns(sparse);
        while (runs.Next(out int value, out int length, out _))
        {
            if (value > 0 && length + index > Registers) break;
            if (value > 0) for (int end = index + length; index < end; index++) SetDense(registers, index, value);
            else index += length;
        }
        return index == Registers;
    }

    /// <summary>hllMerge: max[i] = MAX(max[i], register i) over the 16384 bytes of <paramref name="max"/>.</summary>
    public static bool MergeInto(Span<byte> max, ReadOnlySpan<byte> hll)
    {
        if (IsDense(hll))
        {
            ReadOnlySpan<byte> registers = hll[HeaderSize..];
            for (int i = 0; i < Registers; i++) max[i] = Math.Max(max[i], (byte)GetDense(registers, i));
            return true;
        }
        int index = 0;
        var runs = new SparseRuns(hll);
        while (runs.Next(out int value, out int length, out _))
        {
            if (value > 0 && length + index > Registers) break;
            if (value > 0) for (int end = index + length; index < end; index++) max[index] = Math.Max(max[index], (byte)value);
            else index += length;
        }
        return index == Registers;
    }

    /// <summary>PFDEBUG DECODE: the opcodes of a sparse HLL as "z:LEN", "Z:LEN" and "v:VALUE,LEN", space-separated.</summary>
    public static string Decode(ReadOnlySpan<byte> sparse)
    {
        var text = new System.Text.StringBuilder();
        var runs = new SparseRuns(sparse);
        while (runs.Next(out int value, out int length, out char kind))
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(kind).Append(':');
            if (value > 0) text.Append(value).Append(',');
            text.Append(length);
        }
        return text.ToString();
    }

    /// <summary>hllCount of a dense or sparse HLL; <paramref name="corrupt"/> when sparse runs miss the register count.</summary>
    public static ulong Count(ReadOnlySpan<byte> hll, out bool corrupt)
    {
        Span<int> histogram = stackalloc int[64];
        histogram.Clear();
        corrupt = false;
        if (IsDense(hll))
        {
            ReadOnlySpan<byte> registers = hll[HeaderSize..];
            for (int i = 0; i < Registers; i++) histogram[GetDense(registers, i)]++;
        }
        else
        {
            int index = 0;
            var runs = new SparseRuns(hll);
            while (runs.Next(out int value, out int length, out _))
            {
                histogram[value] += length;
                index += length;
            }
            corrupt |= runs.Truncated;
            if (index != Registers) corrupt = true;
        }
        return Estimate(histogram);
    }

    /// <summary>hllCount of raw registers (one byte each), as PFCOUNT of several keys builds them.</summary>
    public static ulong CountRaw(ReadOnlySpan<byte> registers)
    {
        Span<int> histogram = stackalloc int[64];
        histogram.Clear();
        foreach (byte r in registers[..Registers]) histogram[r]++;
        return Estimate(histogram);
    }

    /// <summary>Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (arXiv:1702.01284), as hllCount.</summary>
    private static ulong Estimate(ReadOnlySpan<int> histogram)
    {
        double m = Registers;
        double z = m * Tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * Sigma(histogram[0] / m);
        return (ulong)Math.Round(AlphaInf * m * m / z, MidpointRounding.AwayFromZero);
    }

    private static double Sigma(double x)
    {
        if (x == 1.0) return double.PositiveInfinity;
        double zPrime, y = 1, z = x;
        do
        {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        }
        while (zPrime != z);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0) return 0.0;
        double zPrime, y = 1.0, z = 1 - x;
        do
        {
            x = Math.Sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.Pow(1 - x, 2) * y;
        }
        while (zPrime != z);
        return z / 3;
    }
}
