using System.Buffers.Binary;
using RedisFast.Persistence.Rdb;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Persistence;

/// <summary>Builds an RDB image byte by byte.</summary>
internal sealed class RdbImage
{
    private readonly MemoryStream _bytes = new();

    public RdbImage(int version = 10) => Raw(B($"REDIS{version:D4}"));

    public RdbImage Raw(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public RdbImage Byte(int b) => Raw((byte)b);

    /// <summary>rdbSaveLen: the shortest of the 6-bit, 14-bit, 32-bit and 64-bit forms.</summary>
    public RdbImage Length(ulong n)
    {
        if (n < 1 << 6) return Byte((int)n);
        if (n < 1 << 14) return Raw((byte)(0x40 | (int)(n >> 8)), (byte)n);
        var b = new byte[9];
        if (n <= uint.MaxValue)
        {
            b[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(1), (uint)n);
            return Raw(b[..5]);
        }
        b[0] = 0x81;
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(1), n);
        return Raw(b);
    }

    public RdbImage String(byte[] s) => Length((ulong)s.Length).Raw(s);

    public RdbImage String(string s) => String(B(s));

    /// <summary>A string stored as INT8 (width 1), INT16 (2) or INT32 (4).</summary>
    public RdbImage IntString(long value, int width)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
        return Byte(0xC0 | (width == 1 ? 0 : width == 2 ? 1 : 2)).Raw(b[..width]);
    }

    /// <summary>A string stored LZF-compressed: <paramref name="compressed"/> decompresses to <paramref name="length"/> bytes.</summary>
    public RdbImage LzfString(byte[] compressed, int length) => Byte(0xC3).Length((ulong)compressed.Length).Length((ulong)length).Raw(compressed);

    public RdbImage Aux(string name, string value) => Byte(0xFA).String(name).String(value);

    public RdbImage SelectDb(int db) => Byte(0xFE).Length((ulong)db);

    public RdbImage ResizeDb(int keys, int expires) => Byte(0xFB).Length((ulong)keys).Length((ulong)expires);

    public RdbImage ExpireMs(long unixMs)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, unixMs);
        return Byte(0xFC).Raw(b);
    }

    public RdbImage ExpireSeconds(int unixSeconds)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, unixSeconds);
        return Byte(0xFD).Raw(b);
    }

    /// <summary>A key's type byte and name; the value follows.</summary>
    public RdbImage Key(int type, string key) => Byte(type).String(key);

    public byte[] Bytes => _bytes.ToArray();

    /// <summary>EOF and, for version 5 and later, the CRC-64 (or 0 when <paramref name="checksum"/> is false).</summary>
    public byte[] End(bool checksum = true)
    {
        Byte(0xFF);
        byte[] body = _bytes.ToArray();
        if (int.Parse(S(body[5..9])) < 5) return body;
        var crc = new byte[8];
        if (checksum) BinaryPrimitives.WriteUInt64LittleEndian(crc, Crc64.Update(0, body));
        return [.. body, .. crc];
    }
}
