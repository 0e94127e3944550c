using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE and LCS (t_string.c).</summary>
internal static partial class StringCommands
{
    /// <summary>
    /// t_string.c checkStringLength (7.0.8+, overflow-safe): a string may not grow past proto-max-bulk-len.
    /// .NET arrays also stop at <see cref="Array.MaxLength"/>.
    /// </summary>
    private static bool CheckStringLength(Client c, long size, long append)
    {
        long total = unchecked((long)((ulong)size + (ulong)append));
        if (total > c.Server.Config.ProtoMaxBulkLen || total < size || total < append || total > Array.MaxLength)
        {
            c.Reply.WriteError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8);
            return false;
        }
        return true;
    }

    /// <summary>APPEND key value: a new key is stored like SET (int/embstr/raw); an appended one becomes "raw".</summary>
    public static void Append(Client c)
    {
        Database db = c.Db;
        ReadOnlySpan<byte> value = c.Args[2];
        int index = db.LookupOrAdd(c.Args[1], out bool added);
        if (added)
        {
            db.SetString(index, value, keepTtl: false);
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.String, "append"u8, c.Args[1]);
            c.Reply.WriteInteger(value.Length);
            return;
        }
        if (!Database.IsString(db.Table[index].Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        int oldLength = db.StringLength(index);
        if (!CheckStringLength(c, oldLength, value.Length)) return;
        Span<byte> bytes = db.GrowRawString(index, oldLength + value.Length);
        value.CopyTo(bytes[oldLength..]);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.String, "append"u8, c.Args[1]);
        c.Reply.WriteInteger(bytes.Length);
    }

    /// <summary>STRLEN key: 0 for a missing key.</summary>
    public static void StrLen(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteRaw(":0\r\n"u8);
            return;
        }
        if (!Database.IsString(db.Table[index].Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        c.Reply.WriteInteger(db.StringLength(index));
    }

    /// <summary>
    /// GETRANGE key start end (and SUBSTR): the range arguments are checked before the key; negative indexes
    /// count from the end; a missing key or an empty range is an empty bulk string.
    /// </summary>
    public static void GetRange(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[2], out long start) || !NumberParser.TryParseInt64(c.Args[3], out long end))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteRaw("$0\r\n\r\n"u8);
            return;
        }
        if (!Database.IsString(db.Table[index].Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        Span<byte> scratch = stackalloc byte[20];
        ReadOnlySpan<byte> str = db.GetStringBytes(index, scratch);
        long length = str.Length;
        if (start < 0 && end < 0 && start > end)
        {
            c.Reply.WriteRaw("$0\r\n\r\n"u8);
            return;
        }
        // Redis adds size_t and long long: wrapping arithmetic, which a huge negative index cannot make positive.
        if (start < 0) start = unchecked(length + start);
        if (end < 0) end = unchecked(length + end);
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if ((ulong)end >= (ulong)length) end = length - 1;
        if (start > end || length == 0)
        {
            c.Reply.WriteRaw("$0\r\n\r\n"u8);
            return;
        }
        c.Reply.WriteBulk(str.Slice((int)start, (int)(end - start + 1)));
    }

    /// <summary>
    /// SETRANGE key offset value: zero-pads as needed and returns the new length. An empty value changes nothing
    /// (and creates no key); a written string becomes "raw".
    /// </summary>
    public static void SetRange(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[2], out long offset))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (offset < 0)
        {
            c.Reply.WriteError("ERR offset is out of range"u8);
            return;
        }
        ReadOnlySpan<byte> value = c.Args[3];
        Database db = c.Db;
        int index = db.Lookup(c.Args[1]);
        if (index < 0)
        {
            if (value.Length == 0)
            {
                c.Reply.WriteRaw(":0\r\n"u8);
                return;
            }
            if (!CheckStringLength(c, offset, value.Length)) return;
            index = db.LookupOrAdd(c.Args[1], out _);
            db.SetStringNoInteger(index, ReadOnlySpan<byte>.Empty);
        }
        else
        {
            if (!Database.IsString(db.Table[index].Kind))
            {
                c.Reply.WriteError(Errors.WrongType);
                return;
            }
            int oldLength = db.StringLength(index);
            if (value.Length == 0)
            {
                c.Reply.WriteInteger(oldLength);
                return;
            }
            if (!CheckStringLength(c, offset, value.Length)) return;
        }
        int needed = (int)offset + value.Length;
        Span<byte> bytes = db.GrowRawString(index, Math.Max(needed, db.StringLength(index)));
        value.CopyTo(bytes[(int)offset..]);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.String, "setrange"u8, c.Args[1]);
        c.Reply.WriteInteger(bytes.Length);
    }

    /// <summary>
    /// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: a line-by-line port of Redis 7.0's lcsCommand,
    /// including how it walks back through the table and which ranges it reports.
    /// </summary>
    public static void Lcs(Client c)
    {
        Database db = c.Db;
        int ia = db.LookupRead(c.Args[1]);
        int ib = db.LookupRead(c.Args[2]);
        if ((ia >= 0 && !Database.IsString(db.Table[ia].Kind)) || (ib >= 0 && !Database.IsString(db.Table[ib].Kind)))
        {
            c.Reply.WriteError("ERR The specified keys must contain string values"u8);
            return;
        }
        byte[] a = ia >= 0 ? StringCopy(db, ia) : [];
        byte[] b = ib >= 0 ? StringCopy(db, ib) : [];
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> opt = CString.Of(c.Args[j]);
            bool moreArgs = c.Argc - 1 - j > 0;
            if (Is(opt, "IDX"u8)) getIdx = true;
            else if (Is(opt, "LEN"u8)) getLen = true;
            else if (Is(opt, "WITHMATCHLEN"u8)) withMatchLen = true;
            else if (Is(opt, "MINMATCHLEN"u8) && moreArgs)
            {
                if (!NumberParser.TryParseInt64(c.Args[j + 1], out minMatchLen))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (minMatchLen < 0) minMatchLen = 0;
                j++;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (getIdx && getLen)
        {
            c.Reply.WriteError("ERR If you want both the length and indexes, please just use IDX."u8);
            return;
        }
        int alen = a.Length, blen = b.Length;
        long cells = (long)(alen + 1) * (blen + 1);
        if (cells * sizeof(uint) > c.Server.Config.ProtoMaxBulkLen)
        {
            c.Reply.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"u8);
            return;
        }
        if (cells > Array.MaxLength)
        {
            c.Reply.WriteError("ERR Insufficient memory, failed allocating transient memory for LCS"u8);
            return;
        }
        uint[] lcs = new uint[cells];
        int stride = blen + 1;
        for (int i = 1; i <= alen; i++)
        {
            for (int j = 1; j <= blen; j++)
            {
                if (a[i - 1] == b[j - 1]) lcs[j + i * stride] = lcs[j - 1 + (i - 1) * stride] + 1;
                else
                {
                    uint lcs1 = lcs[j + (i - 1) * stride];
                    uint lcs2 = lcs[j - 1 + i * stride];
                    lcs[j + i * stride] = lcs1 > lcs2 ? lcs1 : lcs2;
                }
            }
        }
        uint total = lcs[blen + alen * stride];
        uint idx = total;
        bool computeLcs = getIdx || !getLen;
        byte[]? result = computeLcs ? new byte[idx] : null;
        var ranges = getIdx ? new List<(uint AStart, uint AEnd, uint BStart, uint BEnd, uint Len)>() : null;
        uint aStart = (uint)alen, aEnd = 0, bStart = 0, bEnd = 0;
        {
            int i = alen, j = blen;
            while (computeLcs && i > 0 && j > 0)
            {
                bool emit = false;
                if (a[i - 1] == b[j - 1])
                {
                    result![idx - 1] = a[i - 1];
                    if (aStart == (uint)alen)
                    {
                        aStart = (uint)(i - 1);
                        aEnd = (uint)(i - 1);
                        bStart = (uint)(j - 1);
                        bEnd = (uint)(j - 1);
                    }
                    else if (aStart == (uint)i && bStart == (uint)j)
                    {
                        aStart--;
                        bStart--;
                    }
                    else
                    {
                        emit = true;
                    }
                    if (aStart == 0 || bStart == 0) emit = true;
                    idx--;
                    i--;
                    j--;
                }
                else
                {
                    uint lcs1 = lcs[j + (i - 1) * stride];
                    uint lcs2 = lcs[j - 1 + i * stride];
                    if (lcs1 > lcs2) i--;
                    else j--;
                    if (aStart != (uint)alen) emit = true;
                }
                uint matchLen = unchecked(aEnd - aStart + 1);
                if (emit)
                {
                    if ((minMatchLen == 0 || matchLen >= minMatchLen) && ranges is not null)
                        ranges.Add((aStart, aEnd, bStart, bEnd, matchLen));
                    aStart = (uint)alen;
                }
            }
        }
        if (ranges is not null)
        {
            c.Reply.WriteMapHeader(2);
            c.Reply.WriteBulk("matches"u8);
            c.Reply.WriteArrayHeader(ranges.Count);
            foreach (var r in ranges)
            {
                c.Reply.WriteArrayHeader(withMatchLen ? 3 : 2);
                c.Reply.WriteArrayHeader(2);
                c.Reply.WriteInteger(r.AStart);
                c.Reply.WriteInteger(r.AEnd);
                c.Reply.WriteArrayHeader(2);
                c.Reply.WriteInteger(r.BStart);
                c.Reply.WriteInteger(r.BEnd);
                if (withMatchLen) c.Reply.WriteInteger(r.Len);
            }
            c.Reply.WriteBulk("len"u8);
            c.Reply.WriteInteger(total);
        }
        else if (getLen)
        {
            c.Reply.WriteInteger(total);
        }
        else
        {
            c.Reply.WriteBulk(result);
        }
    }

    private static byte[] StringCopy(Database db, int index)
    {
        Span<byte> scratch = stackalloc byte[20];
        return db.GetStringBytes(index, scratch).ToArray();
    }
}
