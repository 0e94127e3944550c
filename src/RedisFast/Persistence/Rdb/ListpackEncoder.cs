using System.Buffers.Binary;
using RedisFast.Protocol;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Builds a listpack as Redis 7.0's listpack.c lays it out, the value of the HASH_LISTPACK, ZSET_LISTPACK and
/// quicklist-node RDB encodings: a 6-byte header (total bytes and element count, little-endian; a count from 65535
/// up is stored as 65535, "unknown"), the entries, then 0xFF. An entry is its encoding and data followed by its
/// backlen (the size of encoding and data, a varint read from the end). A string that string2ll accepts is stored as
/// the smallest integer encoding (lpEncodeGetType), as lpAppend does; other strings as 6-, 12- or 32-bit strings.
/// One encoder is reused: <see cref="Reset"/>, appends, <see cref="Finish"/>.
/// </summary>
internal sealed class ListpackEncoder
{
    /// <summary>Header (total bytes, element count) and terminator.</summary>
    public const int EmptySize = HeaderSize + 1;

    private const int HeaderSize = 6;
    private const ushort UnknownCount = 65535;

    private byte[] _buffer = new byte[256];
    private int _length = HeaderSize;
    private int _count;

    /// <summary>Elements appended since <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>The size of the listpack <see cref="Finish"/> would return now (lpBytes).</summary>
    public int Bytes => _length + 1;

    /// <summary>Starts an empty listpack.</summary>
    public void Reset()
    {
        _length = HeaderSize;
        _count = 0;
    }

    /// <summary>The bytes <see cref="Append(ReadOnlySpan{byte})"/> adds for <paramref name="element"/>, backlen included.</summary>
    public static int EntrySize(ReadOnlySpan<byte> element)
    {
        if (NumberParser.TryParseInt64(element, out long value)) return IntegerSize(value) + 1;
        int length = element.Length;
        int encoded = (length < 64 ? 1 : length < 4096 ? 2 : 5) + length;
        return encoded + BacklenSize(encoded);
    }

    /// <summary>Appends a string element (integer-encoded when it is a canonical 64-bit integer).</summary>
    public void Append(ReadOnlySpan<byte> element)
    {
        if (NumberParser.TryParseInt64(element, out long value))
        {
            Append(value);
            return;
        }
        int length = element.Length;
        int header = length < 64 ? 1 : length < 4096 ? 2 : 5;
        Span<byte> entry = Reserve(header + length + BacklenSize(header + length));
        if (length < 64)
        {
            entry[0] = (byte)(0x80 | length);
        }
        else if (length < 4096)
        {
            entry[0] = (byte)(0xE0 | (length >> 8));
            entry[1] = (byte)length;
        }
        else
        {
            entry[0] = 0xF0;
            BinaryPrimitives.WriteInt32LittleEndian(entry[1..], length);
        }
        element.CopyTo(entry[header..]);
        WriteBacklen(entry[(header + length)..], header + length);
        _count++;
    }

    /// <summary>Appends an integer element in the smallest of listpack's integer encodings.</summary>
    public void Append(long value)
    {
        int size = IntegerSize(value);
        Span<byte> entry = Reserve(size + 1);
        switch (size)
        {
            case 1:
                entry[0] = (byte)value;
                break;
            case 2:
                // 110xxxxx yyyyyyyy: 13-bit two's complement.
                entry[0] = (byte)(0xC0 | ((value >> 8) & 0x1F));
                entry[1] = (byte)value;
                break;
            case 3:
                entry[0] = 0xF1;
                BinaryPrimitives.WriteInt16LittleEndian(entry[1..], (short)value);
                break;
            case 4:
                entry[0] = 0xF2;
                entry[1] = (byte)value;
                entry[2] = (byte)(value >> 8);
                entry[3] = (byte)(value >> 16);
                break;
            case 5:
                entry[0] = 0xF3;
                BinaryPrimitives.WriteInt32LittleEndian(entry[1..], (int)value);
                break;
            default:
                entry[0] = 0xF4;
                BinaryPrimitives.WriteInt64LittleEndian(entry[1..], value);
                break;
        }
        entry[size] = (byte)size; // backlen: every integer entry is under 128 bytes
        _count++;
    }

    /// <summary>lpEncodeIntegerGetType: the size of the encoding byte(s) and data of <paramref name="value"/>.</summary>
    private static int IntegerSize(long value) => value switch
    {
        >= 0 and <= 127 => 1,
        >= -4096 and <= 4095 => 2,
        >= short.MinValue and <= short.MaxValue => 3,
        >= -8388608 and <= 8388607 => 4,
        >= int.MinValue and <= int.MaxValue => 5,
        _ => 9,
    };

    /// <summary>Completes the header and the terminator; the span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        Span<byte> end = Reserve(1);
        end[0] = 0xFF;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer, _length);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), _count < UnknownCount ? (ushort)_count : UnknownCount);
        ReadOnlySpan<byte> listpack = _buffer.AsSpan(0, _length);
        _length--; // the terminator is not part of what the next append extends
        return listpack;
    }

    /// <summary>lpEncodeBacklen's size for an entry of <paramref name="l"/> bytes (its thresholds, 16383 included).</summary>
    private static int BacklenSize(int l) => l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;

    /// <summary>
    /// lpEncodeBacklen: the most significant 7-bit group first, every byte but the first with bit 7 set, so a reader
    /// going backwards from the entry's last byte finds the low bits first and stops at the byte without it.
    /// </summary>
    private static void WriteBacklen(Span<byte> destination, int l)
    {
        int n = BacklenSize(l);
        for (int i = n - 1; i >= 0; i--)
        {
            destination[i] = (byte)((l & 127) | (i == 0 ? 0 : 128));
            l >>= 7;
        }
    }

    private Span<byte> Reserve(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_length + n, _buffer.Length * 2));
        Span<byte> span = _buffer.AsSpan(_length, n);
        _length += n;
        return span;
    }
}
