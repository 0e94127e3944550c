namespace RedisFast.Persistence.Rdb;

/// <summary>
/// LZF (liblzf 3.6 as vendored by Redis: lzf_c.c with HLOG 16 and VERY_FAST), the compression of RDB strings
/// (rdb.c rdbSaveLzfStringObject). The stream is runs of literals (a control byte below 32: that many plus one
/// bytes follow) and back references (3 bits of length minus 2, 7 meaning a length byte follows, and 13 bits of
/// offset minus 1), which any lzf_decompress reads.
/// </summary>
internal static partial class Lzf
{
    private const int HashLog = 16;
    private const int HashSize = 1 << HashLog;
    private const int MaxLiteral = 1 << 5;
    private const int MaxOffset = 1 << 13;
    private const int MaxReference = (1 << 8) + (1 << 3);

    // Per hash of three bytes, where they were last seen, as the call's bias + position: an entry below the bias is
    // from an earlier input and reads as empty, so the output depends on the input alone (as with liblzf's INIT_HTAB)
    // without clearing 256 KB per string, which would cost more than compressing a short one.
    [ThreadStatic]
    private static int[]? t_table;

    [ThreadStatic]
    private static int t_base;

    /// <summary>
    /// lzf_compress: compresses <paramref name="input"/> into <paramref name="output"/> and returns the compressed
    /// length, or 0 when the input is empty or the result would not fit in <paramref name="output"/> (the caller
    /// then stores the data uncompressed; give an output shorter than the input to require a saving). As liblzf's
    /// checks are conservative, a result may need up to 4 bytes of room past its end. The same input always gives
    /// the same output.
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int inLength = input.Length, outLength = output.Length;
        if (inLength == 0 || outLength == 0) return 0;
        int[] table = t_table ??= new int[HashSize];
        if (t_base > int.MaxValue - inLength - 1)
        {
            Array.Clear(table);
            t_base = 0;
        }
        int bias = ++t_base; // an entry of this call is bias + position, so at least bias; 0 (never set) is below it
        t_base += inLength;
        int ip = 0, op = 1, literals = 0; // output[op - literals - 1] is the open run's control byte
        if (inLength > 2)
        {
            uint hash = First(input, 0);
            while (ip < inLength - 2)
            {
                hash = Next(hash, input, ip);
                int slot = Index(hash);
                int reference = table[slot] - bias;
                table[slot] = bias + ip;
                int offset = ip - reference - 1;
                if (reference > 0 && reference < ip && offset < MaxOffset
                    && input[reference + 2] == input[ip + 2] && input[reference] == input[ip] && input[reference + 1] == input[ip + 1])
                {
                    int length = 2;
                    int maxLength = Math.Min(inLength - ip - length, MaxReference);
                    int noRun = literals == 0 ? 1 : 0;
                    if (op - noRun + 3 + 1 >= outLength) return 0;
                    output[op - literals - 1] = (byte)(literals - 1); // close the run
                    op -= noRun; // an empty run takes no byte
                    do length++;
                    while (length < maxLength && input[reference + length] == input[ip + length]);
                    length -= 2; // the decoder copies length + 2 bytes
                    ip++;
                    if (length < 7)
                    {
                        output[op++] = (byte)((offset >> 8) + (length << 5));
                    }
                    else
                    {
                        output[op++] = (byte)((offset >> 8) + (7 << 5));
                        output[op++] = (byte)(length - 7);
                    }
                    output[op++] = (byte)offset;
                    literals = 0;
                    op++; // open the next run
                    ip += length + 1;
                    if (ip >= inLength - 2) break;
                    // VERY_FAST: hash the two positions before the new one, which the match skipped.
                    ip -= 2;
                    hash = First(input, ip);
                    hash = Next(hash, input, ip);
                    table[Index(hash)] = bias + ip++;
                    hash = Next(hash, input, ip);
                    table[Index(hash)] = bias + ip++;
                }
                else
                {
                    if (op >= outLength) return 0;
                    literals++;
                    output[op++] = input[ip++];
                    if (literals == MaxLiteral)
                    {
                        output[op - literals - 1] = (byte)(literals - 1);
                        literals = 0;
                        op++;
                    }
                }
            }
        }
        if (op + 3 > outLength) return 0; // at most the last two bytes and a run's control byte remain
        while (ip < inLength)
        {
            literals++;
            output[op++] = input[ip++];
            if (literals == MaxLiteral)
            {
                output[op - literals - 1] = (byte)(literals - 1);
                literals = 0;
                op++;
            }
        }
        output[op - literals - 1] = (byte)(literals - 1);
        op -= literals == 0 ? 1 : 0;
        return op;
    }

    private static uint First(ReadOnlySpan<byte> input, int p) => (uint)((input[p] << 8) | input[p + 1]);

    private static uint Next(uint hash, ReadOnlySpan<byte> input, int p) => unchecked((hash << 8) | input[p + 2]);

    private static int Index(uint hash) => (int)(unchecked((hash >> (3 * 8 - HashLog)) - hash * 5) & (HashSize - 1));
}
