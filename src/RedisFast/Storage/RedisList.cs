using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// A list value (Redis's quicklist, t_list.c): a deque of byte-string elements held in a ring whose capacity is a
/// power of two. Push and pop at both ends are O(1) amortized, indexing is O(1) (LINDEX, LSET, LRANGE slices), and
/// insertion or removal in the middle (LINSERT, LREM) moves the shorter side, O(n) as in Redis. Redis 7.0 reports
/// every list as "quicklist" (a quicklist of listpack nodes), whatever its size.
/// <para>
/// The ring's positions live in chunks of <see cref="ChunkSize"/> (one shorter chunk while the list is small), as
/// a quicklist lives in nodes: an AOF rewrite takes the list copy-on-write per chunk (<see cref="SplitForRewrite"/>);
/// growing a long list moves chunk references instead of elements, and its chunks are allocated when first written
/// and freed when emptied, so a drained list gives its memory back without copying (a small one halves its ring).
/// Owned by the event loop.
/// </para>
/// </summary>
internal sealed class RedisList
{
    /// <summary>Ring positions per chunk: 8 KB of references, copied once when a rewrite shares it.</summary>
    public const int ChunkSize = Segments.Size;

    /// <summary>OBJECT ENCODING of every list in Redis 7.0.</summary>
    public const string EncodingName = "quicklist";

    private const int ChunkShift = Segments.Shift;
    private const int ChunkMask = ChunkSize - 1;
    private const int MinCapacity = 4;

    private byte[][][] _chunks;  // capacity / ChunkSize chunks, or one chunk of the whole capacity below ChunkSize
    private int _capacity;
    private int _head;           // ring position of element 0
    private int _count;
    private SharedSegments _sharing;
    private long _elementBytes;  // MemorySize.Of of every element held: every write to a position keeps it

    public RedisList() : this(MinCapacity)
    {
    }

    private RedisList(int capacity)
    {
        _capacity = capacity;
        _chunks = NewChunks(capacity);
    }

    public int Count => _count;

    /// <summary>The elements' share of <see cref="MemoryBytes"/>, kept as they change (tests check it against a walk).</summary>
    internal long ElementBytes => _elementBytes;

    /// <summary>What the list holds (<see cref="MemorySize"/>): the object, the ring's references and the elements. O(1).</summary>
    public long MemoryBytes => MemorySize.ObjectHeader + 40 + (long)_capacity * MemorySize.Reference + _elementBytes;

    /// <summary>Chunks holding memory now (a small list's one chunk included): what a drained list gives back.</summary>
    internal int AllocatedChunks
    {
        get
        {
            int n = 0;
            foreach (byte[][] chunk in _chunks) n += chunk is null ? 0 : 1;
            return n;
        }
    }

    /// <summary>The element at <paramref name="index"/> (0 is the head; the caller checks the range).</summary>
    public byte[] this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => PositionRef((_head + index) & (_capacity - 1));
        set
        {
            ref byte[] slot = ref WritablePositionRef((_head + index) & (_capacity - 1));
            _elementBytes += MemorySize.Of(value) - MemorySize.Of(slot);
            slot = value;
        }
    }

    /// <summary>Unchecked: a position is masked by the capacity (<see cref="Segments"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte[] PositionRef(int position) => ref Segments.At(_chunks, position);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte[] WritablePositionRef(int position)
    {
        int chunk = position >> ChunkShift;
        byte[][] positions = Segments.Segment(_chunks, chunk);
        if (positions is null || _sharing.IsShared(chunk)) positions = PrepareChunk(chunk);
        return ref Segments.In(positions, position);
    }

    /// <summary>
    /// Before a write to a chunk not yet allocated (a long list's chunks come when first written, so growing never
    /// allocates the whole new half) or still shared with a rewrite.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte[][] PrepareChunk(int chunk)
    {
        if (_sharing.IsShared(chunk)) _sharing.Unshare(_chunks, chunk);
        else _chunks[chunk] = new byte[ChunkSize][];
        return _chunks[chunk];
    }

    /// <summary>LPUSH: adds at the head.</summary>
    public void PushHead(byte[] value)
    {
        if (_count == _capacity) Grow();
        _head = (_head - 1) & (_capacity - 1);
        WritablePositionRef(_head) = value;
        _elementBytes += MemorySize.Of(value);
        _count++;
    }

    /// <summary>RPUSH: adds at the tail.</summary>
    public void PushTail(byte[] value)
    {
        if (_count == _capacity) Grow();
        WritablePositionRef((_head + _count) & (_capacity - 1)) = value;
        _elementBytes += MemorySize.Of(value);
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
        ref byte[] slot = ref WritablePositionRef(_head);
        byte[] value = slot;
        slot = null!;
        _elementBytes -= MemorySize.Of(value);
        int vacated = _head;
        _head = (_head + 1) & (_capacity - 1);
        _count--;
        if (_capacity <= ChunkSize) ShrinkSmallIfSparse();
        else if ((_head & ChunkMask) == 0) ReleaseIfDead(vacated >> ChunkShift);
        return value;
    }

    /// <summary>Removes and returns the tail element (the list must not be empty).</summary>
    public byte[] PopTail()
    {
        int vacated = (_head + _count - 1) & (_capacity - 1);
        ref byte[] slot = ref WritablePositionRef(vacated);
        byte[] value = slot;
        slot = null!;
        _elementBytes -= MemorySize.Of(value);
        _count--;
        if (_capacity <= ChunkSize) ShrinkSmallIfSparse();
        else if ((vacated & ChunkMask) == 0) ReleaseIfDead(vacated >> ChunkShift);
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
        if (_count == _capacity) Grow();
        if (index < _count / 2)
        {
            // Move the first `index` elements one step towards the head.
            _head = (_head - 1) & (_capacity - 1);
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
            this[0] = null!;
            _head = (_head + 1) & (_capacity - 1);
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
            _head = (_head + removed) & (_capacity - 1);
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
        _head = (_head + fromHead) & (_capacity - 1);
        _count -= fromHead + fromTail;
        ShrinkIfSparse();
    }

    /// <summary>An independent copy (COPY); elements are immutable once stored, so they are shared.</summary>
    public RedisList Clone()
    {
        var copy = new RedisList(CapacityFor(_count));
        CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// For the loop, when the rewrite of <paramref name="snapshot"/> may still read this list
    /// (<see cref="RewriteSnapshot.InstallCopy"/>): the list the loop goes on with, which shares every chunk with this
    /// one and copies a chunk the first time it changes it while the rewrite runs. O(chunks): no pause proportional to
    /// the list. This object, left to the rewriter, keeps the elements of the instant and may then only be read.
    /// </summary>
    public RedisList SplitForRewrite(RewriteSnapshot snapshot)
    {
        var loop = (RedisList)MemberwiseClone();
        loop._chunks = loop._sharing.Split(_chunks, snapshot);
        return loop;
    }

    private static int CapacityFor(int count) => Math.Max(MinCapacity, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count));

    /// <summary>A directory for <paramref name="capacity"/> positions: a small list's one chunk, or chunks to come.</summary>
    private static byte[][][] NewChunks(int capacity) =>
        capacity <= ChunkSize ? [new byte[capacity][]] : new byte[capacity >> ChunkShift][][];

    /// <summary>Copies the elements, in order from the head, into the fresh, empty <paramref name="destination"/>.</summary>
    private void CopyTo(RedisList destination)
    {
        for (int i = 0; i < _count; i++) destination.WritablePositionRef(i) = this[i];
        destination._count = _count;
        destination._elementBytes = _elementBytes;
    }

    /// <summary>
    /// After removals: a small list's ring halves when it is down to a quarter (at most 1,024 references copied); a long
    /// one keeps its ring and gives back every chunk that holds no element (a quicklist frees emptied nodes), so it
    /// never copies its elements to shrink.
    /// </summary>
    private void ShrinkIfSparse()
    {
        if (_capacity <= ChunkSize)
        {
            ShrinkSmallIfSparse();
            return;
        }
        for (int chunk = 0; chunk < _chunks.Length; chunk++) ReleaseIfDead(chunk);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ShrinkSmallIfSparse()
    {
        if (_capacity > 64 && _count <= _capacity / 4) Relayout(_capacity / 2);
    }

    /// <summary>Frees chunk <paramref name="chunk"/> of a long list if no element lives in it any more.</summary>
    private void ReleaseIfDead(int chunk)
    {
        int start = chunk << ChunkShift, mask = _capacity - 1;
        // Live: the chunk starts inside [head, head + count) of the ring, or the head is inside the chunk.
        if (((start - _head) & mask) < _count || ((_head - start) & mask) < ChunkSize) return;
        _chunks[chunk] = null!;
        _sharing.Owned(chunk);
    }

    /// <summary>
    /// Doubles a full ring. A long list keeps every chunk and only moves the references of the chunks that hold the
    /// wrapped tail (positions before the head) up by the old capacity; the one chunk holding both the head and the
    /// wrapped tail is split in two new chunks. O(chunks + ChunkSize), where copying the ring would be O(n).
    /// </summary>
    private void Grow()
    {
        int capacity = _capacity * 2;
        if (capacity <= ChunkSize)
        {
            Relayout(capacity);
            return;
        }
        int oldChunks = _chunks.Length, headChunk = _head >> ChunkShift, headOffset = _head & ChunkMask;
        var chunks = new byte[oldChunks * 2][][];
        bool[]? shared = _sharing.Moving(oldChunks * 2);
        for (int c = 0; c < oldChunks; c++)
        {
            int to = c < headChunk ? c + oldChunks : c;
            chunks[to] = _chunks[c];
            if (shared is not null) shared[to] = _sharing.IsShared(c);
        }
        if (headOffset != 0)
        {
            byte[][] old = _chunks[headChunk], tail = new byte[ChunkSize][], head = new byte[ChunkSize][];
            Array.Copy(old, 0, tail, 0, headOffset);
            Array.Copy(old, headOffset, head, headOffset, ChunkSize - headOffset);
            chunks[headChunk] = head;
            chunks[headChunk + oldChunks] = tail;
            if (shared is not null) shared[headChunk] = shared[headChunk + oldChunks] = false;
        }
        _chunks = chunks;
        _sharing.Moved(shared);
        _capacity = capacity;
    }

    /// <summary>Moves the elements into fresh chunks of <paramref name="capacity"/> positions, the head at 0.</summary>
    private void Relayout(int capacity)
    {
        var fresh = new RedisList(capacity);
        CopyTo(fresh);
        _chunks = fresh._chunks;
        _capacity = capacity;
        _head = 0;
        _sharing.Forget();
    }
}
