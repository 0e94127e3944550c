namespace RedisFast.Storage;

/// <summary>
/// A hash value (TYPE "hash"). Small hashes are a "listpack" as in Redis 7.0 (t_hash.c): one byte array of
/// length-prefixed field, value, field, value... in insertion order, searched linearly: an object and one array
/// per hash, where a dictionary would cost several hundred bytes. Past hash-max-listpack-entries pairs or
/// a field or value longer than hash-max-listpack-value bytes it becomes a "hashtable" (<see cref="SlotTable{TValue}"/>)
/// and never goes back, as in Redis.
/// <para>
/// Elements are reached through positions: a byte offset of the field in the listpack, a slot index in the table.
/// <see cref="First"/> and <see cref="Next"/> walk them in order (insertion order for a listpack, which is what
/// makes HGETALL of a small hash byte-identical to Redis's). Owned by the event loop.
/// </para>
/// </summary>
internal sealed class RedisHash : IPositionedCollection
{
    private byte[]? _listpack;
    private int _used;     // bytes of _listpack in use
    private int _count;    // pairs in the listpack
    private SlotTable<byte[]?>? _table;

    /// <summary>An empty listpack-encoded hash with room for <paramref name="bytes"/> bytes.</summary>
    public RedisHash(int bytes = 32) => _listpack = new byte[Math.Max(bytes, 8)];

    /// <summary>Number of fields.</summary>
    public int Count => _table is null ? _count : _table.Count;

    /// <summary>Whether the hash is still listpack-encoded.</summary>
    public bool IsListpack => _table is null;

    /// <summary>Whether the compact encoding is in use.</summary>
    public bool IsCompact => IsListpack;

    /// <summary>The table's elements' share of <see cref="MemoryBytes"/> (0 for the compact encoding, counted by its array).</summary>
    internal long ElementBytes => _table?.ElementBytes ?? 0;

    /// <summary>What the hash holds (<see cref="MemorySize"/>): the listpack's array, or the table with its fields and values. O(1).</summary>
    public long MemoryBytes => MemorySize.ObjectHeader + 24 + (_table?.MemoryBytes ?? MemorySize.Array(_listpack!.Length));

    /// <summary>OBJECT ENCODING's name.</summary>
    public string EncodingName => _table is null ? "listpack" : "hashtable";

    /// <summary>The bytes a listpack entry for <paramref name="length"/> bytes takes (a 7-bit varint length prefix).</summary>
    public static int EntrySize(int length) => length + (length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5);

    /// <summary>The position of <paramref name="field"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> field)
    {
        if (_table is not null) return _table.Find(field);
        byte[] lp = _listpack!;
        int p = 0, end = _used;
        while (p < end)
        {
            int fieldLength = ReadLength(lp, ref p);
            if (fieldLength == field.Length && lp.AsSpan(p, fieldLength).SequenceEqual(field)) return HeaderStart(p, fieldLength);
            p += fieldLength;
            p = SkipEntry(lp, p);
        }
        return -1;
    }

    /// <summary>The first position, or -1 when empty.</summary>
    public int First() => _table is not null ? _table.NextOccupied(0) : _used > 0 ? 0 : -1;

    /// <summary>The position after <paramref name="position"/>, or -1.</summary>
    public int Next(int position)
    {
        if (_table is not null) return _table.NextOccupied(position + 1);
        byte[] lp = _listpack!;
        int p = SkipEntry(lp, SkipEntry(lp, position));
        return p < _used ? p : -1;
    }

    /// <summary>The field at <paramref name="position"/>.</summary>
    public ReadOnlySpan<byte> FieldAt(int position)
    {
        if (_table is not null) return _table.KeyAt(position);
        int p = position;
        int length = ReadLength(_listpack!, ref p);
        return new ReadOnlySpan<byte>(_listpack, p, length);
    }

    /// <summary>The value at <paramref name="position"/>.</summary>
    public ReadOnlySpan<byte> ValueAt(int position)
    {
        if (_table is not null) return _table.ValueAt(position);
        byte[] lp = _listpack!;
        int p = SkipEntry(lp, position);
        int length = ReadLength(lp, ref p);
        return new ReadOnlySpan<byte>(lp, p, length);
    }

    /// <summary>
    /// Sets <paramref name="field"/> to <paramref name="value"/>; true when the field is new. Converts to a
    /// hashtable first when either is longer than <paramref name="maxValue"/>, and after adding when the hash
    /// has more than <paramref name="maxEntries"/> fields (t_hash.c hashTypeSet).
    /// </summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, int maxEntries, int maxValue)
    {
        if (_table is null && (field.Length > maxValue || value.Length > maxValue)) ConvertToTable();
        if (_table is not null)
        {
            int slot = _table.FindOrAdd(field, out bool added);
            _table.SetValueAt(slot, value.ToArray());
            return added;
        }
        int position = Find(field);
        if (position >= 0)
        {
            SetListpackValue(position, value);
            return false;
        }
        int need = EntrySize(field.Length) + EntrySize(value.Length);
        EnsureCapacity(_used + need);
        _used = WriteEntry(_listpack!, _used, field);
        _used = WriteEntry(_listpack!, _used, value);
        _count++;
        if (_count > maxEntries) ConvertToTable();
        return true;
    }

    /// <summary>Removes <paramref name="field"/>; false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_table is not null) return _table.Remove(field);
        int position = Find(field);
        if (position < 0) return false;
        int end = Next(position);
        if (end < 0) end = _used;
        Buffer.BlockCopy(_listpack!, end, _listpack!, position, _used - end);
        _used -= end - position;
        _count--;
        return true;
    }

    /// <summary>A random position (the hash must not be empty).</summary>
    public int RandomPosition()
    {
        if (_table is not null) return _table.RandomSlot();
        return PositionOf(Random.Shared.Next(_count));
    }

    /// <summary>The position of the <paramref name="n"/>-th pair of a listpack (0-based), or the n-th occupied slot.</summary>
    public int PositionOf(int n)
    {
        int p = First();
        while (n-- > 0) p = Next(p);
        return p;
    }

    /// <summary>An independent copy (COPY).</summary>
    public RedisHash DeepCopy()
    {
        var copy = (RedisHash)MemberwiseClone();
        if (_listpack is not null) copy._listpack = _listpack.AsSpan(0, Math.Max(_used, 8)).ToArray();
        if (_table is not null) copy._table = _table.Clone();
        return copy;
    }

    /// <summary>
    /// For the loop, when the rewrite of <paramref name="snapshot"/> may still read this hash
    /// (<see cref="RewriteSnapshot.InstallCopy"/>): the hash the loop goes on with. A listpack is copied (it is small:
    /// hash-max-listpack-entries); a hashtable splits per segment (<see cref="SlotTable{TValue}.SplitForRewrite"/>),
    /// and this object, left to the rewriter, may then only be walked (First, Next, FieldAt, ValueAt, Count).
    /// </summary>
    public RedisHash SplitForRewrite(RewriteSnapshot snapshot)
    {
        if (_table is null)
        {
            snapshot.AddCopiedBytes(_used);
            return DeepCopy();
        }
        var copy = (RedisHash)MemberwiseClone();
        copy._table = _table.SplitForRewrite(snapshot);
        return copy;
    }

    private void SetListpackValue(int position, ReadOnlySpan<byte> value)
    {
        byte[] lp = _listpack!;
        int p = SkipEntry(lp, position);
        int valueStart = p;
        int oldLength = ReadLength(lp, ref p);
        int oldEnd = p + oldLength;
        int newSize = EntrySize(value.Length);
        int delta = newSize - (oldEnd - valueStart);
        if (delta != 0)
        {
            EnsureCapacity(_used + delta);
            lp = _listpack!;
            Buffer.BlockCopy(lp, oldEnd, lp, oldEnd + delta, _used - oldEnd);
            _used += delta;
        }
        WriteEntry(lp, valueStart, value);
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _listpack!.Length) return;
        // Grow by half again: building a hash field by field copies O(n) bytes in total per field, as
        // lpInsert's realloc does in Redis, but not on every insert.
        int size = Math.Max(needed, _listpack.Length + (_listpack.Length >> 1));
        Array.Resize(ref _listpack, size);
    }

    private void ConvertToTable()
    {
        var table = new SlotTable<byte[]?>(_count);
        for (int p = First(); p >= 0; p = Next(p)) table.AddNew(FieldAt(p).ToArray(), ValueAt(p).ToArray());
        _table = table;
        _listpack = null;
        _used = 0;
        _count = 0;
    }

    private static int WriteEntry(byte[] lp, int p, ReadOnlySpan<byte> bytes)
    {
        uint length = (uint)bytes.Length;
        while (length >= 0x80)
        {
            lp[p++] = (byte)(length | 0x80);
            length >>= 7;
        }
        lp[p++] = (byte)length;
        bytes.CopyTo(lp.AsSpan(p));
        return p + bytes.Length;
    }

    /// <summary>The offset after the entry that starts at <paramref name="p"/>.</summary>
    private static int SkipEntry(byte[] lp, int p)
    {
        int length = ReadLength(lp, ref p);
        return p + length;
    }

    private static int ReadLength(byte[] lp, ref int p)
    {
        int length = 0, shift = 0;
        byte b;
        do
        {
            b = lp[p++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return length;
    }

    /// <summary>The start of the entry whose payload (of <paramref name="length"/> bytes) begins at <paramref name="payload"/>.</summary>
    private static int HeaderStart(int payload, int length) => payload - (EntrySize(length) - length);
}
