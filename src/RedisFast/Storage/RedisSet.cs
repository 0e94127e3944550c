using System.Buffers.Text;
using RedisFast.Protocol;

namespace RedisFast.Storage;

/// <summary>
/// A set value (TYPE "set"). As in Redis 7.0 (t_set.c, intset.c), a set of integers (members string2ll accepts)
/// is an "intset": a sorted long array searched by binary search, so SMEMBERS of one lists members in numeric
/// order as Redis does. A non-integer member, or more than set-max-intset-entries members, turns it into a
/// "hashtable" (<see cref="SlotTable{TValue}"/>) for good. Redis 7.0 has no listpack sets.
/// <para>
/// Members are reached through positions: an index into the intset, a slot index in the table;
/// <see cref="First"/> and <see cref="Next"/> walk them in order. Owned by the event loop.
/// </para>
/// </summary>
internal sealed class RedisSet : IPositionedCollection
{
    private long[]? _ints;
    private int _count;
    private SlotTable<byte[]?>? _table;

    private RedisSet()
    {
    }

    /// <summary>setTypeCreate: an intset when <paramref name="first"/> is an integer, else a hashtable.</summary>
    public static RedisSet CreateFor(ReadOnlySpan<byte> first) =>
        NumberParser.TryParseInt64(first, out _) ? CreateIntset() : new RedisSet { _table = new SlotTable<byte[]?>() };

    /// <summary>createIntsetObject: an empty intset (the destination of SINTERSTORE and friends).</summary>
    public static RedisSet CreateIntset() => new() { _ints = new long[4] };

    public int Count => _table is null ? _count : _table.Count;

    public bool IsIntset => _table is null;

    /// <summary>Whether the compact encoding is in use.</summary>
    public bool IsCompact => IsIntset;

    /// <summary>The table's elements' share of <see cref="MemoryBytes"/> (0 for the compact encoding, counted by its array).</summary>
    internal long ElementBytes => _table?.ElementBytes ?? 0;

    /// <summary>What the set holds (<see cref="MemorySize"/>): the intset's array, or the table with its members. O(1).</summary>
    public long MemoryBytes => MemorySize.ObjectHeader + 24 + (_table?.MemoryBytes ?? MemorySize.Array((long)_ints!.Length * sizeof(long)));

    /// <summary>OBJECT ENCODING's name.</summary>
    public string EncodingName => _table is null ? "intset" : "hashtable";

    /// <summary>Whether <paramref name="member"/> is in the set.</summary>
    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_table is not null) return _table.Find(member) >= 0;
        return NumberParser.TryParseInt64(member, out long value) && Array.BinarySearch(_ints!, 0, _count, value) >= 0;
    }

    /// <summary>Adds <paramref name="member"/>; true when it was new (t_set.c setTypeAdd).</summary>
    public bool Add(ReadOnlySpan<byte> member, int maxIntsetEntries)
    {
        if (_table is null)
        {
            if (NumberParser.TryParseInt64(member, out long value))
            {
                int at = Array.BinarySearch(_ints!, 0, _count, value);
                if (at >= 0) return false;
                at = ~at;
                if (_count == _ints!.Length) Array.Resize(ref _ints, _count * 2);
                Array.Copy(_ints, at, _ints, at + 1, _count - at);
                _ints[at] = value;
                _count++;
                if (_count > maxIntsetEntries) ConvertToTable();
                return true;
            }
            ConvertToTable();
        }
        _table!.FindOrAdd(member, out bool added);
        return added;
    }

    /// <summary>Removes <paramref name="member"/>; false when absent.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_table is not null) return _table.Remove(member);
        if (!NumberParser.TryParseInt64(member, out long value)) return false;
        int at = Array.BinarySearch(_ints!, 0, _count, value);
        if (at < 0) return false;
        RemoveAt(at);
        return true;
    }

    /// <summary>Removes the member at an occupied position.</summary>
    public void RemoveAt(int position)
    {
        if (_table is not null)
        {
            _table.RemoveAt(position);
            return;
        }
        Array.Copy(_ints!, position + 1, _ints!, position, _count - position - 1);
        _count--;
    }

    /// <summary>The first position, or -1 when empty.</summary>
    public int First() => _table is not null ? _table.NextOccupied(0) : _count > 0 ? 0 : -1;

    /// <summary>The position after <paramref name="position"/>, or -1.</summary>
    public int Next(int position)
    {
        if (_table is not null) return _table.NextOccupied(position + 1);
        return position + 1 < _count ? position + 1 : -1;
    }

    /// <summary>The member at <paramref name="position"/>; an intset member is formatted into <paramref name="scratch"/> (20 bytes).</summary>
    public ReadOnlySpan<byte> MemberAt(int position, Span<byte> scratch)
    {
        if (_table is not null) return _table.KeyAt(position);
        Utf8Formatter.TryFormat(_ints![position], scratch, out int n);
        return scratch[..n];
    }

    /// <summary>The member at <paramref name="position"/> as a new array.</summary>
    public byte[] MemberArrayAt(int position)
    {
        if (_table is not null) return _table.KeyAt(position)!;
        Span<byte> scratch = stackalloc byte[20];
        return MemberAt(position, scratch).ToArray();
    }

    /// <summary>A random occupied position (the set must not be empty).</summary>
    public int RandomPosition() => _table is not null ? _table.RandomSlot() : Random.Shared.Next(_count);

    /// <summary>An independent copy (COPY).</summary>
    public RedisSet DeepCopy()
    {
        var copy = (RedisSet)MemberwiseClone();
        if (_ints is not null) copy._ints = (long[])_ints.Clone();
        if (_table is not null) copy._table = _table.Clone();
        return copy;
    }

    /// <summary>
    /// For the loop, when the rewrite of <paramref name="snapshot"/> may still read this set
    /// (<see cref="RewriteSnapshot.InstallCopy"/>): the set the loop goes on with. An intset is copied (it is small:
    /// set-max-intset-entries); a hashtable splits per segment (<see cref="SlotTable{TValue}.SplitForRewrite"/>), and
    /// this object, left to the rewriter, may then only be walked (First, Next, MemberAt, Count).
    /// </summary>
    public RedisSet SplitForRewrite(RewriteSnapshot snapshot)
    {
        if (_table is null)
        {
            snapshot.AddCopiedBytes(_count * sizeof(long));
            return DeepCopy();
        }
        var copy = (RedisSet)MemberwiseClone();
        copy._table = _table.SplitForRewrite(snapshot);
        return copy;
    }

    private void ConvertToTable()
    {
        var table = new SlotTable<byte[]?>(_count);
        Span<byte> scratch = stackalloc byte[20];
        for (int i = 0; i < _count; i++) table.AddNew(MemberAt(i, scratch).ToArray(), null);
        _table = table;
        _ints = null;
        _count = 0;
    }
}
