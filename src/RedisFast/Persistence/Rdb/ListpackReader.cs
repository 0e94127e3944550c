using System.Buffers.Binary;
using System.Buffers.Text;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Reads the entries of a listpack (listpack.c; RDB types HASH_LISTPACK, ZSET_LISTPACK, SET_LISTPACK and the PACKED
/// nodes of LIST_QUICKLIST_2): a 4-byte total length and a 2-byte count (65535: unknown), entries, 0xFF. An entry is
/// an encoding byte with its data (7-bit uint, 13/16/24/32/64-bit ints, strings with 6/12/32-bit lengths), then
/// its own length backwards in 1-5 bytes. Every entry is checked to lie inside the blob, its back length and the
/// count to agree (lpValidateIntegrity with deep checks); anything else throws <see cref="BlobFormatException"/>.
/// </summary>
internal ref struct ListpackReader : IBlobEntries
{
    private const string Check = "Listpack integrity check failed.";
    private const int HeaderSize = 6;
    private const int UnknownCount = 65535;

    private readonly ReadOnlySpan<byte> _lp;
    private readonly int _declared;
    private int _pos;
    private int _seen;

    public ListpackReader(ReadOnlySpan<byte> listpack)
    {
        if (listpack.Length < HeaderSize + 1) BlobFormatException.Throw(Check, $"{listpack.Length} bytes is shorter than a header");
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(listpack);
        if (total != (uint)listpack.Length) BlobFormatException.Throw(Check, $"header says {total} bytes, the blob has {listpack.Length}");
        if (listpack[^1] != 0xFF) BlobFormatException.Throw(Check, "no end marker");
        _lp = listpack;
        _declared = BinaryPrimitives.ReadUInt16LittleEndian(listpack[4..]);
        _pos = HeaderSize;
    }

    /// <summary>
    /// The next entry: a slice of the listpack, or an integer written as decimal text into <paramref name="digits"/>
    /// (at least 20 bytes). False at the end.
    /// </summary>
    public bool Next(Span<byte> digits, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> lp = _lp;
        int p = _pos;
        int left = lp.Length - 1 - p; // bytes before the end marker
        byte b = lp[p];
        if (b == 0xFF)
        {
            if (p != lp.Length - 1) BlobFormatException.Throw(Check, $"end marker at byte {p} before the end");
            if (_declared != UnknownCount && _declared != _seen) BlobFormatException.Throw(Check, $"header says {_declared} entries, found {_seen}");
            value = default;
            return false;
        }
        int size; // encoding byte(s) + data
        long number = 0;
        bool isString = false;
        int stringStart = 0, stringLength = 0;
        if ((b & 0x80) == 0)
        {
            size = 1;
            number = b;
        }
        else if ((b & 0xC0) == 0x80)
        {
            isString = true;
            stringStart = p + 1;
            stringLength = b & 0x3f;
            size = 1 + stringLength;
        }
        else if ((b & 0xE0) == 0xC0)
        {
            size = 2;
            Need(left, size, p);
            number = ((b & 0x1f) << 8) | lp[p + 1];
            if (number >= 1 << 12) number -= 1 << 13;
        }
        else if ((b & 0xF0) == 0xE0)
        {
            Need(left, 2, p);
            isString = true;
            stringStart = p + 2;
            stringLength = ((b & 0x0f) << 8) | lp[p + 1];
            size = 2 + stringLength;
        }
        else
        {
            switch (b)
            {
                case 0xF0:
                    Need(left, 5, p);
                    uint length = BinaryPrimitives.ReadUInt32LittleEndian(lp[(p + 1)..]);
                    if (length > (uint)left) BlobFormatException.Throw(Check, $"string of {length} bytes at byte {p} runs past the end");
                    isString = true;
                    stringStart = p + 5;
                    stringLength = (int)length;
                    size = 5 + stringLength;
                    break;
                case 0xF1:
                    size = 3;
                    Need(left, size, p);
                    number = BinaryPrimitives.ReadInt16LittleEndian(lp[(p + 1)..]);
                    break;
                case 0xF2:
                    size = 4;
                    Need(left, size, p);
                    number = (lp[p + 1] | lp[p + 2] << 8 | (sbyte)lp[p + 3] << 16);
                    break;
                case 0xF3:
                    size = 5;
                    Need(left, size, p);
                    number = BinaryPrimitives.ReadInt32LittleEndian(lp[(p + 1)..]);
                    break;
                case 0xF4:
                    size = 9;
                    Need(left, size, p);
                    number = BinaryPrimitives.ReadInt64LittleEndian(lp[(p + 1)..]);
                    break;
                default:
                    BlobFormatException.Throw(Check, $"unknown encoding 0x{b:x2} at byte {p}");
                    size = 0;
                    break;
            }
        }
        int backlen = BacklenSize(size);
        Need(left, size + backlen, p);
        CheckBacklen(lp.Slice(p + size, backlen), size, p);
        _pos = p + size + backlen;
        _seen++;
        if (isString)
        {
            value = lp.Slice(stringStart, stringLength);
        }
        else
        {
            Utf8Formatter.TryFormat(number, digits, out int n);
            value = digits[..n];
        }
        return true;
    }

    private static void Need(int left, int size, int at)
    {
        if (size > left) BlobFormatException.Throw(Check, $"entry at byte {at} runs past the end");
    }

    /// <summary>lpEncodeBacklen's size for an entry of <paramref name="size"/> bytes (its bounds, 16383 included in 3).</summary>
    private static int BacklenSize(int size) => size switch
    {
        <= 127 => 1,
        < 16383 => 2,
        < 2097151 => 3,
        < 268435455 => 4,
        _ => 5,
    };

    /// <summary>lpDecodeBacklen from the last byte backwards: 7 bits a byte, the high bit set where more precede.</summary>
    private static void CheckBacklen(ReadOnlySpan<byte> backlen, int size, int at)
    {
        long value = 0;
        int shift = 0;
        for (int i = backlen.Length - 1; i >= 0; i--)
        {
            value |= (long)(backlen[i] & 127) << shift;
            shift += 7;
            bool more = (backlen[i] & 128) != 0;
            if (more != (i > 0)) BlobFormatException.Throw(Check, $"bad back length after the entry at byte {at}");
        }
        if (value != size) BlobFormatException.Throw(Check, $"back length {value} after the entry at byte {at} of {size} bytes");
    }
}
