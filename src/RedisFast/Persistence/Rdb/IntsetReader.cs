using System.Buffers.Binary;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Reads an intset (intset.c; RDB type SET_INTSET): a 4-byte element width (2, 4 or 8), a 4-byte count, then the
/// integers, little-endian. The sizes must agree exactly (intsetValidateIntegrity); else <see cref="BlobFormatException"/>.
/// </summary>
internal ref struct IntsetReader
{
    private const string Check = "Intset integrity check failed.";
    private const int HeaderSize = 8;

    private readonly ReadOnlySpan<byte> _set;
    private readonly int _width;
    private int _pos;

    public IntsetReader(ReadOnlySpan<byte> intset)
    {
        if (intset.Length < HeaderSize) BlobFormatException.Throw(Check, $"{intset.Length} bytes is shorter than a header");
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(intset);
        if (width is not (2 or 4 or 8)) BlobFormatException.Throw(Check, $"element width {width}");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(intset[4..]);
        if ((ulong)count * width != (ulong)(intset.Length - HeaderSize))
            BlobFormatException.Throw(Check, $"{count} elements of {width} bytes in {intset.Length - HeaderSize} bytes");
        _set = intset;
        _width = (int)width;
        _pos = HeaderSize;
    }

    public readonly int Count => (_set.Length - HeaderSize) / _width;

    /// <summary>The next integer; false at the end.</summary>
    public bool Next(out long value)
    {
        if (_pos == _set.Length)
        {
            value = 0;
            return false;
        }
        ReadOnlySpan<byte> at = _set[_pos..];
        value = _width switch
        {
            2 => BinaryPrimitives.ReadInt16LittleEndian(at),
            4 => BinaryPrimitives.ReadInt32LittleEndian(at),
            _ => BinaryPrimitives.ReadInt64LittleEndian(at),
        };
        _pos += _width;
        return true;
    }
}
