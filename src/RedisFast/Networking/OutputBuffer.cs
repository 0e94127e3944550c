using System.Runtime.CompilerServices;

namespace RedisFast.Networking;

/// <summary>
/// A connection's pending reply bytes: a queue of pooled slabs, written at the tail and sent from the head.
/// Appending while a send of earlier bytes is in flight is safe because a send covers a fixed range.
/// Owned by the event loop.
/// </summary>
internal sealed class OutputBuffer
{
    private readonly SlabPool _pool;
    private byte[][] _slabs = new byte[4][];
    private int[] _lengths = new int[4];
    private int _head;      // index of the slab being sent
    private int _count;     // slabs in use, head..tail
    private int _sendOffset; // bytes of the head slab already sent

    public OutputBuffer(SlabPool pool) => _pool = pool;

    /// <summary>Bytes written and not yet sent.</summary>
    public long Pending { get; private set; }

    /// <summary>Total bytes of slabs held (for CLIENT LIST omem and the output buffer limit).</summary>
    public long Capacity
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _count; i++) total += _slabs[(_head + i) % _slabs.Length].Length;
            return total;
        }
    }

    /// <summary>Space for at least <paramref name="sizeHint"/> bytes at the tail; commit with <see cref="Advance"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetSpan(int sizeHint)
    {
        if (_count > 0)
        {
            int tail = Tail;
            byte[] slab = _slabs[tail];
            int used = _lengths[tail];
            if (slab.Length - used >= sizeHint) return slab.AsSpan(used);
        }
        return GetSpanSlow(sizeHint);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count)
    {
        _lengths[Tail] += count;
        Pending += count;
    }

    /// <summary>Appends bytes, spilling across slabs as needed (large values are copied in slab-sized pieces).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            Span<byte> span = GetSpan(Math.Min(bytes.Length, SlabPool.DefaultSize));
            int n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            Advance(n);
            bytes = bytes[n..];
        }
    }

    /// <summary>
    /// Drops what was written since <see cref="Pending"/> was <paramref name="pending"/> (a reply CLIENT REPLY OFF or
    /// SKIP keeps from going out). Sends start only between commands, so those bytes are in no send.
    /// </summary>
    public void Truncate(long pending)
    {
        long drop = Pending - pending;
        while (drop > 0 && _count > 0)
        {
            int tail = Tail;
            int written = _lengths[tail] - (tail == _head ? _sendOffset : 0);
            int n = (int)Math.Min(drop, written);
            if (n == 0 && _count == 1) break;
            _lengths[tail] -= n;
            Pending -= n;
            drop -= n;
            if (_lengths[tail] != 0 || _count == 1) continue;
            _pool.Return(_slabs[tail]);
            _slabs[tail] = null!;
            _count--;
        }
    }

    /// <summary>The next range to send, or an empty segment when everything has been sent.</summary>
    public ArraySegment<byte> PeekSendable()
    {
        if (_count == 0) return default;
        int length = _lengths[_head];
        return new ArraySegment<byte>(_slabs[_head], _sendOffset, length - _sendOffset);
    }

    /// <summary>Records that <paramref name="sent"/> bytes of the range from <see cref="PeekSendable"/> went out.</summary>
    public void Consume(int sent)
    {
        Pending -= sent;
        _sendOffset += sent;
        if (_sendOffset < _lengths[_head]) return;
        _sendOffset = 0;
        if (_count == 1)
        {
            // Keep the one slab for the next batch of replies: the common case costs no pool traffic.
            _lengths[_head] = 0;
            return;
        }
        _pool.Return(_slabs[_head]);
        _slabs[_head] = null!;
        _lengths[_head] = 0;
        _head = (_head + 1) % _slabs.Length;
        _count--;
    }

    /// <summary>Returns every slab to the pool (the connection is closed and no send is in flight).</summary>
    public void Release()
    {
        for (int i = 0; i < _count; i++)
        {
            int index = (_head + i) % _slabs.Length;
            _pool.Return(_slabs[index]);
            _slabs[index] = null!;
            _lengths[index] = 0;
        }
        _count = 0;
        _head = 0;
        _sendOffset = 0;
        Pending = 0;
    }

    private int Tail => (_head + _count - 1) % _slabs.Length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Span<byte> GetSpanSlow(int sizeHint)
    {
        if (_count == _slabs.Length) GrowRing();
        byte[] slab = _pool.Rent(Math.Max(sizeHint, SlabPool.DefaultSize));
        int tail = (_head + _count) % _slabs.Length;
        _slabs[tail] = slab;
        _lengths[tail] = 0;
        _count++;
        return slab;
    }

    private void GrowRing()
    {
        var slabs = new byte[_slabs.Length * 2][];
        var lengths = new int[_slabs.Length * 2];
        for (int i = 0; i < _count; i++)
        {
            int from = (_head + i) % _slabs.Length;
            slabs[i] = _slabs[from];
            lengths[i] = _lengths[from];
        }
        _slabs = slabs;
        _lengths = lengths;
        _head = 0;
    }
}
