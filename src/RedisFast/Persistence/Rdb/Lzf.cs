namespace RedisFast.Persistence.Rdb;

/// <summary>
/// LZF, the compression of RDB strings (Redis's lzf_d.c / lzf_c.c, liblzf 3.6). The compressed form is a sequence
/// of instructions: a control byte below 32 is a literal run of control + 1 bytes; otherwise its top 3 bits are a
/// match length - 2 (7: one more length byte follows) and its low 5 bits with the next byte are the distance - 1
/// back into the output.
/// </summary>
internal static partial class Lzf
{
    /// <summary>
    /// The largest output one input byte can give: a 3-byte back reference copies at most 264 bytes. An uncompressed
    /// length above <c>compressed length × MaxExpansion</c> is corrupt, so it is refused before anything is allocated.
    /// </summary>
    public const int MaxExpansion = 88;

    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/> (lzf_decompress). Returns the number of
    /// bytes written, or -1 when the input is malformed (a run or reference past either end). Never reads or writes
    /// outside the two spans.
    /// </summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (run > input.Length - ip || run > output.Length - op) return -1;
                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }
            int length = ctrl >> 5;
            int distance = (ctrl & 0x1f) << 8;
            if (ip >= input.Length) return -1;
            if (length == 7)
            {
                length += input[ip++];
                if (ip >= input.Length) return -1;
            }
            distance += input[ip++] + 1;
            length += 2;
            if (distance > op || length > output.Length - op) return -1;
            int from = op - distance;
            if (distance >= length)
            {
                output.Slice(from, length).CopyTo(output[op..]);
                op += length;
            }
            else
            {
                // Overlapping: the reference repeats bytes it is itself producing (a run of a short pattern).
                for (int i = 0; i < length; i++) output[op++] = output[from + i];
            }
        }
        return op;
    }
}
