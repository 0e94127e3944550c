using System.Buffers.Binary;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Lays out an intset as intset.c does, the value of the SET_INTSET RDB encoding: the element width in bytes (2, 4
/// or 8) and the count, both 32-bit little-endian, then the values ascending, each little-endian at that width.
/// </summary>
internal static class IntsetEncoder
{
    private const int HeaderSize = 8;

    /// <summary>The width intset.c's _intsetValueEncoding picks for <paramref name="value"/>.</summary>
    public static int WidthOf(long value) =>
        value is < int.MinValue or > int.MaxValue ? 8 : value is < short.MinValue or > short.MaxValue ? 4 : 2;

    /// <summary>The size of an intset of <paramref name="count"/> values of <paramref name="width"/> bytes.</summary>
    public static int Size(int width, int count) => HeaderSize + width * count;

    /// <summary>
    /// Writes the intset of <paramref name="sorted"/> (ascending, distinct) at <paramref name="width"/>, the widest
    /// <see cref="WidthOf"/> among them, into <paramref name="destination"/> (<see cref="Size"/> bytes).
    /// </summary>
    public static void Write(ReadOnlySpan<long> sorted, int width, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)sorted.Length);
        Span<byte> p = destination[HeaderSize..];
        foreach (long value in sorted)
        {
            switch (width)
            {
                case 2:
                    BinaryPrimitives.WriteInt16LittleEndian(p, (short)value);
                    break;
                case 4:
                    BinaryPrimitives.WriteInt32LittleEndian(p, (int)value);
                    break;
                default:
                    BinaryPrimitives.WriteInt64LittleEndian(p, value);
                    break;
            }
            p = p[width..];
        }
    }
}
