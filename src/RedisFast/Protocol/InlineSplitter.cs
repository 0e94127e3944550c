namespace RedisFast.Protocol;

/// <summary>
/// Splits an inline command line into arguments with Redis's sdssplitargs rules (sds.c): whitespace separates,
/// "double quotes" understand \n \r \t \b \a \\ \" and \xHH, 'single quotes' understand \', and a closing quote
/// must be followed by whitespace or the end of the line. Unescaping is done in place (it only ever shortens),
/// so the arguments stay slices of the receive buffer.
/// </summary>
internal static class InlineSplitter
{
    /// <returns>False on unbalanced quotes.</returns>
    public static bool TrySplit(Span<byte> data, int start, int end, CommandArguments args)
    {
        int p = start;
        while (true)
        {
            while (p < end && IsSpace(data[p])) p++;
            if (p >= end || data[p] == 0) return true;

            int w = p;
            int tokenStart = p;
            bool inDouble = false, inSingle = false;
            while (true)
            {
                byte c = p < end ? data[p] : (byte)0;
                if (inDouble)
                {
                    if (c == '\\' && At(data, p + 1, end) == 'x' && IsHex(At(data, p + 2, end)) && IsHex(At(data, p + 3, end)))
                    {
                        data[w++] = (byte)(HexValue(data[p + 2]) * 16 + HexValue(data[p + 3]));
                        p += 3;
                    }
                    else if (c == '\\' && At(data, p + 1, end) != 0)
                    {
                        p++;
                        data[w++] = data[p] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == '"')
                    {
                        byte next = At(data, p + 1, end);
                        if (next != 0 && !IsSpace(next)) return false;
                        p++;
                        break;
                    }
                    else if (c == 0) return false;
                    else data[w++] = c;
                }
                else if (inSingle)
                {
                    if (c == '\\' && At(data, p + 1, end) == '\'')
                    {
                        p++;
                        data[w++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        byte next = At(data, p + 1, end);
                        if (next != 0 && !IsSpace(next)) return false;
                        p++;
                        break;
                    }
                    else if (c == 0) return false;
                    else data[w++] = c;
                }
                else if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0)
                {
                    break;
                }
                else if (c == '"') inDouble = true;
                else if (c == '\'') inSingle = true;
                else data[w++] = c;
                p++;
            }
            args.Add(tokenStart, w - tokenStart);
        }
    }

    private static byte At(Span<byte> data, int i, int end) => i < end ? data[i] : (byte)0;

    // C isspace: space, \t, \n, \v, \f, \r.
    private static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
