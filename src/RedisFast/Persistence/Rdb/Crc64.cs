namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Redis's CRC-64 (crc64.c: Jones polynomial 0xad93d23594c935a9, reflected, initial value 0, no final xor), the
/// checksum at the end of an RDB file, stored little-endian. crc64(0, "123456789") is 0xe9c6d914c4b8d9ca.
/// </summary>
internal static class Crc64
{
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5; // 0xad93d23594c935a9 bit-reversed

    // Slicing by 8: eight tables of 256 entries, table k advancing a byte through k further zero bytes.
    private static readonly ulong[] Table = BuildTable();

    private static ulong[] BuildTable()
    {
        var t = new ulong[8 * 256];
        for (int n = 0; n < 256; n++)
        {
            ulong crc = (ulong)n;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            t[n] = crc;
        }
        for (int n = 0; n < 256; n++)
        {
            for (int k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[(int)(t[(k - 1) * 256 + n] & 0xff)];
        }
        return t;
    }

    /// <summary>Continues <paramref name="crc"/> over <paramref name="data"/>.</summary>
    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        ulong[] t = Table;
        while (data.Length >= 8)
        {
            crc ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7 * 256 + (int)(crc & 0xff)] ^ t[6 * 256 + (int)((crc >> 8) & 0xff)]
                ^ t[5 * 256 + (int)((crc >> 16) & 0xff)] ^ t[4 * 256 + (int)((crc >> 24) & 0xff)]
                ^ t[3 * 256 + (int)((crc >> 32) & 0xff)] ^ t[2 * 256 + (int)((crc >> 40) & 0xff)]
                ^ t[1 * 256 + (int)((crc >> 48) & 0xff)] ^ t[(int)(crc >> 56)];
            data = data[8..];
        }
        foreach (byte b in data) crc = t[(int)((crc ^ b) & 0xff)] ^ (crc >> 8);
        return crc;
    }
}
