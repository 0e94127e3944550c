using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// A list value (Redis's quicklist, t_list.c): a deque of byte-string elements held in one ring buffer whose
/// capacity is a power of two. Push and pop at both ends are O(1) amortized, indexing is O(1) (LINDEX, LSET,
/// LRANGE slices), and insertion or removal in the middle (LINSERT, LREM) moves the shorter side, O(n) as in
/// Redis. The buffer halves when a list shrinks to a quarter of it, so a drained list gives its memory back.
/// Redis 7.0 reports every list as "quicklist" (a quicklist of listpack nodes), whatever its size.
/// Owned by the event loop.
/// </summary>
internal sealed class RedisList
{
    private const int MinCapacity = 4;

    private byte[][] _items;
    private int _head;
    private int _count;

    public RedisList() => _items = new byte[MinCapacity][];

    private RedisList(byte[][] items, int count)
    {
        _items = items;
        _count = count;
    }

    /// <summary>OBJECT ENCODING of every list in Redis 7.0.</summary>
    public const string EncodingName = "quicklist";

    public int Count => _count;

    /// <summary>The element at <paramref name="index"/> (0 is the head; the caller checks the range).</summary>
    public byte[] this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _items[(_head + index) & (_items.Length - 1)];
        set => _items[(_head + index) & (_items.Length - 1)] = value;
    }

    /// <summary>LPUSH: adds at the head.</summary>
    public void PushHead(byte[] value)
    {
        if (_count == _items.Length) Resize(_items.Length * 2);
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = value;
        _count++;
    }

    /// <summary>RPUSH: adds at the tail.</summary>
    public void PushTail(byte[] value)
    {
        if (_count == _items.Length) Resize(_items.Length * 2);
        _items[(_head + _count) & (_items.Length - 1)] = value;
        _count++;
    }

    /// <summary>Adds at the head or the tail.</summary>
    public void Push(byte[] value, bool head)
    {
        if (head) PushHead(value);
        else PushTail(value);
    }

    /// <summary>Removes and returns the head element (the list must not be empty).</summary>
    public byte[] PopHead()
    {
        byte[] value = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        ShrinkIfSparse();
        return value;
    }

    /// <summary>Removes and returns the tail element (the list must not be empty).</summary>
    public byte[] PopTail()
    {
        int at = (_head + _count - 1) & (_items.Length - 1);
        byte[] value = _items[at];
        _items[at] = null!;
        _count--;
        ShrinkIfSparse();
        return value;
    }

    /// <summary>Removes and returns the element at the head or the tail (the list must not be empty).</summary>
    public byte[] Pop(bool head) => head ? PopHead() : PopTail();

    /// <summary>Inserts <paramref name="value"/> so that it ends up at <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, byte[] value)
    {
        if (index == 0)
        {
            PushHead(value);
            return;
        }
        if (index == _count)
        {
            PushTail(value);
            return;
        }
        if (_count == _items.Length) Resize(_items.Length * 2);
        if (index < _count / 2)
        {
            // Move the first `index` elements one step towards the head.
            _head = (_head - 1) & (_items.Length - 1);
            for (int i = 0; i < index; i++) this[i] = this[i + 1];
        }
        else
        {
            for (int i = _count; i > index; i--) this[i] = this[i - 1];
        }
        this[index] = value;
        _count++;
    }

    /// <summary>Removes the element at <paramref name="index"/>, moving the shorter side.</summary>
    public void RemoveAt(int index)
    {
        if (index < _count / 2)
        {
            for (int i = index; i > 0; i--) this[i] = this[i - 1];
            _items[_head] = null!;
            _head = (_head + 1) & (_items.Length - 1);
        }
        else
        {
            for (int i = index; i < _count - 1; i++) this[i] = this[i + 1];
            this[_count - 1] = null!;
        }
        _count--;
        ShrinkIfSparse();
    }

    /// <summary>
    /// LREM: removes up to <paramref name="limit"/> elements equal to <paramref name="value"/> (0: all of them),
    /// scanning from the head, or from the tail when <paramref name="fromTail"/>. One pass that compacts in place.
    /// </summary>
    /// <returns>The number of elements removed.</returns>
    public int Remove(ReadOnlySpan<byte> value, long limit, bool fromTail)
    {
        int removed = 0;
        if (!fromTail)
        {
            int write = 0;
            for (int read = 0; read < _count; read++)
            {
                byte[] item = this[read];
                if ((limit == 0 || removed < limit) && item.AsSpan().SequenceEqual(value))
                {
                    removed++;
                    continue;
                }
                if (write != read) this[write] = item;
                write++;
            }
            for (int i = write; i < _count; i++) this[i] = null!;
        }
        else
        {
            int write = _count - 1;
            for (int read = _count - 1; read >= 0; read--)
            {
                byte[] item = this[read];
                if ((limit == 0 || removed < limit) && item.AsSpan().SequenceEqual(value))
                {
                    removed++;
                    continue;
                }
                if (write != read) this[write] = item;
                write--;
            }
            for (int i = 0; i <= write; i++) this[i] = null!;
            _head = (_head + removed) & (_items.Length - 1);
        }
        _count -= removed;
        ShrinkIfSparse();
        return removed;
    }

    /// <summary>LTRIM: drops <paramref name="fromHead"/> elements at the head and <paramref name="fromTail"/> at the tail.</summary>
    public void Trim(int fromHead, int fromTail)
    {
        for (int i = 0; i < fromHead; i++) this[i] = null!;
        for (int i = _count - fromTail; i < _count; i++) this[i] = null!;
        _head = (_head + fromHead) & (_items.Length - 1);
        _count -= fromHead + fromTail;
        ShrinkIfSparse();
    }

    /// <summary>An independent copy (COPY); elements are immutable once stored, so they are shared.</summary>
    public RedisList Clone()
    {
        int capacity = MinCapacity;
        while (capacity < _count) capacity *= 2;
        var items = new byte[capacity][];
        CopyTo(items);
        return new RedisList(items, _count);
    }

    private void CopyTo(byte[][] destination)
    {
        int first = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, destination, 0, first);
        if (first < _count) Array.Copy(_items, 0, destination, first, _count - first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ShrinkIfSparse()
    {
        if (_items.Length > 64 && _count <= _items.Length / 4) Resize(_items.Length / 2);
    }

    private void Resize(int capacity)
    {
        var items = new byte[capacity][];
        CopyTo(items);
        _items = items;
        _head = 0;
    }
}
