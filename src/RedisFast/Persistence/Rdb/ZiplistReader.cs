using System.Buffers.Binary;
using System.Buffers.Text;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Reads the entries of a ziplist (ziplist.c; the RDB types before Redis 7.0: LIST_ZIPLIST, ZSET_ZIPLIST,
/// HASH_ZIPLIST and the nodes of LIST_QUICKLIST): a 4-byte total length, a 4-byte offset of the last entry, a 2-byte
/// count (65535: unknown), entries, 0xFF. An entry is the previous entry's length (1 byte, or 0xFE and 4 bytes), an
/// encoding (strings with 6/14/32-bit lengths, 8/16/24/32/64-bit ints, or an immediate 0-12) and its data. Every
/// entry is checked to lie inside the blob, and the lengths, tail offset and count to agree (ziplistValidateIntegrity
/// with deep checks); anything else throws <see cref="BlobFormatException"/>.
/// </summary>
internal ref struct ZiplistReader : IBlobEntries
{
    private const string Check = "Ziplist integrity check failed.";
    private const int HeaderSize = 10;
    private const int UnknownCount = 65535;

    private readonly ReadOnlySpan<byte> _zl;
    private readonly uint _tail;
    private readonly int _declared;
    private int _pos;
    private int _previousSize;
    private int _seen;

    public ZiplistReader(ReadOnlySpan<byte> ziplist)
    {
        if (ziplist.Length < HeaderSize + 1) BlobFormatException.Throw(Check, $"{ziplist.Length} bytes is shorter than a header");
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(ziplist);
        if (total != (uint)ziplist.Length) BlobFormatException.Throw(Check, $"header says {total} bytes, the blob has {ziplist.Length}");
        if (ziplist[^1] != 0xFF) BlobFormatException.Throw(Check, "no end marker");
        _zl = ziplist;
        _tail = BinaryPrimitives.ReadUInt32LittleEndian(ziplist[4..]);
        _declared = BinaryPrimitives.ReadUInt16LittleEndian(ziplist[8..]);
        _pos = HeaderSize;
    }

    /// <summary>
    /// The next entry: a slice of the ziplist, or an integer written as decimal text into <paramref name="digits"/>
    /// (at least 20 bytes). False at the end.
    /// </summary>
    public bool Next(Span<byte> digits, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> zl = _zl;
        int start = _pos;
        int left = zl.Length - 1 - start; // bytes before the end marker
        if (zl[start] == 0xFF)
        {
            if (start != zl.Length - 1) BlobFormatException.Throw(Check, $"end marker at byte {start} before the end");
            if (_declared != UnknownCount && _declared != _seen) BlobFormatException.Throw(Check, $"header says {_declared} entries, found {_seen}");
            uint lastEntry = _seen == 0 ? HeaderSize : (uint)(start - _previousSize);
            if (_tail != lastEntry) BlobFormatException.Throw(Check, $"header says the last entry is at byte {_tail}, it is at {lastEntry}");
            value = default;
            return false;
        }
        int p = start;
        long previous;
        if (zl[p] < 254)
        {
            previous = zl[p];
            p += 1;
        }
        else
        {
            Need(left, 5, start);
            previous = BinaryPrimitives.ReadUInt32LittleEndian(zl[(p + 1)..]);
            p += 5;
        }
        if (previous != _previousSize) BlobFormatException.Throw(Check, $"entry at byte {start} says the previous one has {previous} bytes, it has {_previousSize}");
        Need(left, p - start + 1, start);
        byte encoding = zl[p];
        long number;
        int dataLength;
        switch (encoding >> 6)
        {
            case 0:
                p += 1;
                dataLength = encoding & 0x3f;
                return String(zl, start, p, dataLength, left, out value);
            case 1:
                Need(left, p - start + 2, start);
                dataLength = (encoding & 0x3f) << 8 | zl[p + 1];
                p += 2;
                return String(zl, start, p, dataLength, left, out value);
            case 2:
                Need(left, p - start + 5, start);
                uint length = BinaryPrimitives.ReadUInt32BigEndian(zl[(p + 1)..]);
                if (length > (uint)left) BlobFormatException.Throw(Check, $"string of {length} bytes at byte {start} runs past the end");
                p += 5;
                return String(zl, start, p, (int)length, left, out value);
        }
        p += 1;
        switch (encoding)
        {
            case 0xC0:
                dataLength = 2;
                Need(left, p - start + dataLength, start);
                number = BinaryPrimitives.ReadInt16LittleEndian(zl[p..]);
                break;
            case 0xD0:
                dataLength = 4;
                Need(left, p - start + dataLength, start);
                number = BinaryPrimitives.ReadInt32LittleEndian(zl[p..]);
                break;
            case 0xE0:
                dataLength = 8;
                Need(left, p - start + dataLength, start);
                number = BinaryPrimitives.ReadInt64LittleEndian(zl[p..]);
                break;
            case 0xF0:
                dataLength = 3;
                Need(left, p - start + dataLength, start);
                number = zl[p] | zl[p + 1] << 8 | (sbyte)zl[p + 2] << 16;
                break;
            case 0xFE:
                dataLength = 1;
                Need(left, p - start + dataLength, start);
                number = (sbyte)zl[p];
                break;
            case >= 0xF1 and <= 0xFD:
                dataLength = 0;
                number = (encoding & 0x0f) - 1;
                break;
            default:
                BlobFormatException.Throw(Check, $"unknown encoding 0x{encoding:x2} at byte {start}");
                value = default;
                return false;
        }
        Advance(start, p + dataLength);
        Utf8Formatter.TryFormat(number, digits, out int n);
        value = digits[..n];
        return true;
    }

    private bool String(ReadOnlySpan<byte> zl, int start, int p, int length, int left, out ReadOnlySpan<byte> value)
    {
        Need(left, p - start + length, start);
        value = zl.Slice(p, length);
        Advance(start, p + length);
        return true;
    }

    private void Advance(int start, int end)
    {
        _previousSize = end - start;
        _pos = end;
        _seen++;
    }

    private static void Need(int left, int size, int at)
    {
        if (size > left) BlobFormatException.Throw(Check, $"entry at byte {at} runs past the end");
    }
}
