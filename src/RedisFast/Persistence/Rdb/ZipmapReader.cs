using System.Buffers.Binary;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Reads a zipmap (zipmap.c; RDB type HASH_ZIPMAP, written by Redis before 2.6): a count byte (254 and up: unknown),
/// then per pair the field length, the field, the value length, a byte of trailing free space, the value and that
/// free space; 0xFF ends it. A length is one byte below 254, or 254 and 4 bytes. Everything is checked to lie inside
/// the blob and the count to agree (zipmapValidateIntegrity); else <see cref="BlobFormatException"/>.
/// </summary>
internal ref struct ZipmapReader
{
    private const string Check = "Zipmap integrity check failed.";
    private const byte BigLength = 254, End = 255;

    private readonly ReadOnlySpan<byte> _zm;
    private readonly int _declared;
    private int _pos;
    private int _seen;

    public ZipmapReader(ReadOnlySpan<byte> zipmap)
    {
        if (zipmap.Length < 2) BlobFormatException.Throw(Check, $"{zipmap.Length} bytes is shorter than a header");
        if (zipmap[^1] != End) BlobFormatException.Throw(Check, "no end marker");
        _zm = zipmap;
        _declared = zipmap[0];
        _pos = 1;
    }

    /// <summary>The next field and value, slices of the zipmap; false at the end.</summary>
    public bool Next(out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (_zm[_pos] == End)
        {
            if (_pos != _zm.Length - 1) BlobFormatException.Throw(Check, $"end marker at byte {_pos} before the end");
            if (_declared < BigLength && _declared != _seen) BlobFormatException.Throw(Check, $"header says {_declared} pairs, found {_seen}");
            field = value = default;
            return false;
        }
        int start = _pos;
        int fieldLength = Length(start);
        field = Take(fieldLength, start);
        int valueLength = Length(start);
        int free = Take(1, start)[0];
        value = Take(valueLength, start);
        Take(free, start);
        _seen++;
        return true;
    }

    private int Length(int entry)
    {
        byte b = Take(1, entry)[0];
        if (b < BigLength) return b;
        if (b == End) BlobFormatException.Throw(Check, $"end marker inside the pair at byte {entry}");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, entry));
        if (length > (uint)_zm.Length) BlobFormatException.Throw(Check, $"length {length} in the pair at byte {entry} runs past the end");
        return (int)length;
    }

    /// <summary>The next <paramref name="count"/> bytes, which must end before the end marker.</summary>
    private ReadOnlySpan<byte> Take(int count, int entry)
    {
        if (count > _zm.Length - 1 - _pos) BlobFormatException.Throw(Check, $"pair at byte {entry} runs past the end");
        ReadOnlySpan<byte> taken = _zm.Slice(_pos, count);
        _pos += count;
        return taken;
    }
}
