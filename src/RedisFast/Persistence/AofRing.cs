using System.Runtime.CompilerServices;

namespace RedisFast.Persistence;

/// <summary>
/// A single-producer single-consumer byte ring between the event loop (producer: propagated commands) and the
/// AOF thread (consumer: writes them to the file). Power-of-two capacity; <see cref="Head"/> and
/// <see cref="Tail"/> are monotonically increasing byte offsets (never wrapped), each written by one side only,
/// published with volatile writes: no locks and no interlocked operations on the hot path. The consumer sleeps
/// on a semaphore when the ring is empty; the producer releases it only when it finds the consumer asleep (the
/// empty → non-empty transition), so a busy stream costs no system call per command.
/// </summary>
internal sealed class AofRing
{
    private readonly byte[] _buffer;
    private readonly int _mask;
    private readonly SemaphoreSlim _dataAvailable = new(0);
    private long _head;     // producer-owned: one past the last published byte
    private long _pending;  // producer-owned: one past the last byte written (published or not)
    private long _tail;     // consumer-owned: next byte to read
    private int _sleeping;  // the consumer announced it is about to sleep

    /// <param name="capacity">Bytes; rounded up to a power of two.</param>
    public AofRing(int capacity)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 4096));
        _buffer = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        _mask = size - 1;
    }

    public int Capacity => _buffer.Length;

    /// <summary>Offset one past the last byte produced (all bytes ever written to the ring).</summary>
    public long Head => Volatile.Read(ref _head);

    /// <summary>Offset of the next byte the consumer will take (everything before it was handed to the file).</summary>
    public long Tail => Volatile.Read(ref _tail);

    /// <summary>Producer: free bytes, counting written but unpublished ones as used.</summary>
    public long Free
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _buffer.Length - (_pending - Volatile.Read(ref _tail));
    }

    /// <summary>
    /// Producer: copies <paramref name="data"/> in. When the ring lacks room the producer waits for the consumer (the
    /// caller keeps a reserve free before executing commands, see <see cref="AppendOnlyFile.HasRoomForCommand"/>, so
    /// this only happens for a single command larger than that reserve: Redis's loop blocks in write(2) then too).
    /// Does not publish: call <see cref="Publish"/> once the whole command is in.
    /// </summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            long free = Free;
            if (free == 0)
            {
                // Let the consumer see what is already here, then wait for room.
                Publish();
                WaitForRoom();
                continue;
            }
            int n = (int)Math.Min(free, data.Length);
            int start = (int)(_pending & _mask);
            int first = Math.Min(n, _buffer.Length - start);
            data[..first].CopyTo(_buffer.AsSpan(start));
            if (first < n) data[first..n].CopyTo(_buffer);
            _pending += n;
            data = data[n..];
        }
    }

    /// <summary>Producer: bytes copied in but not yet visible to the consumer, as the head offset they will have.</summary>
    public long PendingHead => _pending;

    /// <summary>Producer: makes everything written so far visible to the consumer and wakes it if it sleeps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish()
    {
        Volatile.Write(ref _head, _pending);
        // Full fence between publishing the head and reading the flag (pairs with the consumer's fence in WaitForData).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1) _dataAvailable.Release();
    }

    private void WaitForRoom()
    {
        SpinWait spin = default;
        while (Free == 0) spin.SpinOnce(sleep1Threshold: 20);
    }

    /// <summary>Consumer: the readable bytes from <see cref="Tail"/> up to <paramref name="limit"/> bytes, as up to two segments.</summary>
    public int Peek(long limit, out ArraySegment<byte> first, out ArraySegment<byte> second)
    {
        long tail = _tail;
        long available = Math.Min(Volatile.Read(ref _head) - tail, limit);
        int start = (int)(tail & _mask);
        int firstLength = (int)Math.Min(available, _buffer.Length - start);
        first = new ArraySegment<byte>(_buffer, start, firstLength);
        second = new ArraySegment<byte>(_buffer, 0, (int)(available - firstLength));
        return (int)available;
    }

    /// <summary>Consumer: frees <paramref name="count"/> bytes at the tail.</summary>
    public void Advance(int count) => Volatile.Write(ref _tail, _tail + count);

    /// <summary>
    /// Consumer: waits until there is something to read, up to <paramref name="timeoutMs"/> (-1: forever).
    /// </summary>
    /// <returns>True when data is available.</returns>
    public bool WaitForData(int timeoutMs)
    {
        if (Volatile.Read(ref _head) != _tail) return true;
        SpinWait spin = default;
        while (!spin.NextSpinWillYield)
        {
            spin.SpinOnce();
            if (Volatile.Read(ref _head) != _tail) return true;
        }
        Volatile.Write(ref _sleeping, 1);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _head) != _tail)
        {
            // Data arrived while announcing sleep; if the producer already took the flag it also released: consume that.
            if (Interlocked.Exchange(ref _sleeping, 0) == 0) _dataAvailable.Wait();
            return true;
        }
        bool signaled = _dataAvailable.Wait(timeoutMs);
        if (!signaled && Interlocked.Exchange(ref _sleeping, 0) == 0) _dataAvailable.Wait();
        return Volatile.Read(ref _head) != _tail;
    }

    /// <summary>Wakes a sleeping consumer without data (shutdown, a requested flush).</summary>
    public void Nudge()
    {
        if (Interlocked.Exchange(ref _sleeping, 0) == 1) _dataAvailable.Release();
    }
}
