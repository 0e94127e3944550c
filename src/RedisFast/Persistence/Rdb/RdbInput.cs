using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using RedisFast.Protocol;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// A cursor over an RDB image with rdb.c's primitive readers: lengths (rdbLoadLen), strings (rdbGenericLoadStringObject
/// with its INT8/16/32 and LZF encodings), doubles. Every length is checked against the bytes left before anything
/// is read or allocated; running out is Redis's "Short read" error, a bad encoding its "Internal error" one, both with
/// the file name and offset.
/// </summary>
internal sealed class RdbInput(byte[] data, string fileName)
{
    private const int EncodingInt8 = 0, EncodingInt16 = 1, EncodingInt32 = 2, EncodingLzf = 3;

    private readonly byte[] _data = data;

    /// <summary>The offset of the next byte to read.</summary>
    public int Position;

    public string FileName { get; } = fileName;

    public int Remaining => _data.Length - Position;

    /// <summary>The whole image.</summary>
    public ReadOnlySpan<byte> Data => _data;

    public byte ReadByte()
    {
        if (Position >= _data.Length) ThrowShortRead(1);
        return _data[Position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > _data.Length - Position) ThrowShortRead(count);
        var span = new ReadOnlySpan<byte>(_data, Position, count);
        Position += count;
        return span;
    }

    public int ReadInt32LittleEndian() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));

    public long ReadInt64LittleEndian() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

    /// <summary>rdbLoadLen for a plain length (a string encoding marker here is corrupt).</summary>
    public ulong ReadLength()
    {
        int at = Position;
        ulong length = ReadLength(out bool encoded);
        if (encoded) ThrowCorrupt($"Unexpected string encoding {length} where a length was expected", at);
        return length;
    }

    /// <summary>
    /// rdbLoadLen: 00xxxxxx (6 bits), 01xxxxxx xxxxxxxx (14 bits, big-endian), 0x80 + 4 bytes and 0x81 + 8 bytes
    /// (big-endian), or 11xxxxxx: <paramref name="encoded"/>, the low 6 bits naming a string encoding.
    /// </summary>
    public ulong ReadLength(out bool encoded)
    {
        int at = Position;
        byte first = ReadByte();
        encoded = false;
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3f);
            case 1:
                return (ulong)((first & 0x3f) << 8 | ReadByte());
            case 3:
                encoded = true;
                return (ulong)(first & 0x3f);
        }
        if (first == 0x80) return BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));
        if (first == 0x81) return BinaryPrimitives.ReadUInt64BigEndian(ReadBytes(8));
        ThrowCorrupt($"Unknown length encoding {first} in rdbLoadLen()", at);
        return 0;
    }

    /// <summary>
    /// A count of things that each take at least one byte: larger than what is left means the file is cut short
    /// (or the count is garbage), so it fails before a loop trusts it.
    /// </summary>
    public long ReadCount()
    {
        ulong count = ReadLength();
        if (count > (ulong)Remaining) ThrowShortRead(count);
        return (long)count;
    }

    /// <summary>
    /// One string: a slice of the image when stored raw, else decoded into <paramref name="scratch"/> (grown as
    /// needed, reused by the caller), so the result is valid until the next read into the same scratch.
    /// Integer encodings become their decimal text, as Redis presents them.
    /// </summary>
    public ReadOnlySpan<byte> ReadString(ref byte[] scratch)
    {
        int at = Position;
        ulong length = ReadLength(out bool encoded);
        if (!encoded)
        {
            if (length > (ulong)Remaining) ThrowShortRead(length);
            return ReadBytes((int)length);
        }
        switch ((int)length)
        {
            case EncodingInt8:
                return FormatInteger((sbyte)ReadByte(), ref scratch);
            case EncodingInt16:
                return FormatInteger(BinaryPrimitives.ReadInt16LittleEndian(ReadBytes(2)), ref scratch);
            case EncodingInt32:
                return FormatInteger(ReadInt32LittleEndian(), ref scratch);
            case EncodingLzf:
                return ReadLzf(ref scratch, at);
            default:
                ThrowCorrupt($"Unknown RDB string encoding type {length}", at);
                return default;
        }
    }

    private static ReadOnlySpan<byte> FormatInteger(long value, ref byte[] scratch)
    {
        if (scratch.Length < 20) scratch = new byte[64];
        Utf8Formatter.TryFormat(value, scratch, out int n);
        return scratch.AsSpan(0, n);
    }

    /// <summary>rdbLoadLzfStringObject: compressed length, uncompressed length, then the compressed bytes.</summary>
    private ReadOnlySpan<byte> ReadLzf(ref byte[] scratch, int at)
    {
        ulong compressed = ReadLength();
        ulong length = ReadLength();
        if (compressed > (ulong)Remaining) ThrowShortRead(compressed);
        if (length > compressed * Lzf.MaxExpansion || length > (ulong)Array.MaxLength)
            ThrowCorrupt($"Invalid LZF compressed string (compressed {compressed} bytes, claims {length})", at);
        ReadOnlySpan<byte> input = ReadBytes((int)compressed);
        if (scratch.Length < (int)length) scratch = new byte[Math.Max((int)length, Math.Min(Array.MaxLength, scratch.Length * 2))];
        Span<byte> output = scratch.AsSpan(0, (int)length);
        if (length == 0 || Lzf.Decompress(input, output) != (int)length) ThrowCorrupt("Invalid LZF compressed string", at);
        return output;
    }

    /// <summary>rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte, 253 nan, 254 inf, 255 -inf, else that many chars.</summary>
    public double ReadTextDouble()
    {
        int at = Position;
        byte length = ReadByte();
        switch (length)
        {
            case 253: return double.NaN;
            case 254: return double.PositiveInfinity;
            case 255: return double.NegativeInfinity;
        }
        if (!NumberParser.TryParseScore(ReadBytes(length), out double value)) ThrowCorrupt("Bad double value", at);
        return value;
    }

    /// <summary>rdbLoadBinaryDoubleValue (RDB_TYPE_ZSET_2): an IEEE 754 double, little-endian.</summary>
    public double ReadBinaryDouble() => BitConverter.Int64BitsToDouble(ReadInt64LittleEndian());

    /// <summary>rdb.c's eoferr: the data ends before what <paramref name="needed"/> says.</summary>
    [DoesNotReturn]
    public void ThrowShortRead(ulong needed) =>
        throw new RdbLoadException($"Short read or OOM loading DB. Unrecoverable error, aborting now. Unexpected EOF reading RDB file {FileName} at offset {Position}: {needed} bytes needed, {Remaining} left");

    [DoesNotReturn]
    private void ThrowShortRead(int needed) => ThrowShortRead((ulong)needed);

    /// <summary>rdbReportCorruptRDB: "Internal error in RDB reading offset N ... -> reason".</summary>
    [DoesNotReturn]
    public void ThrowCorrupt(string reason, int offset) =>
        throw new RdbLoadException($"Internal error in RDB reading offset {offset} of {FileName} -> {reason}");
}
