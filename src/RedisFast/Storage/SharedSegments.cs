using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// The copy-on-write state of a collection stored as a directory of segments (<see cref="SlotTable{TValue}"/>,
/// <see cref="RedisList"/>) while an AOF rewrite reads it: which segments the loop still shares with the rewriter's
/// copy, and the copy the loop makes before it first changes one. A mutable struct held in a field of the collection:
/// call it in place. Loop only.
/// </summary>
internal struct SharedSegments
{
    private bool[]? _shared;   // per segment of the loop's directory
    private RewriteSnapshot? _snapshot;

    /// <summary>
    /// Whether segment <paramref name="segment"/> must be copied before it changes (segments added after the split
    /// never are).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsShared(int segment) => _shared is not null && (uint)segment < (uint)_shared.Length && _shared[segment];

    /// <summary>
    /// For a collection whose directory <paramref name="segments"/> the rewrite of <paramref name="snapshot"/> keeps
    /// reading: returns the loop's own directory, every segment of it shared (a directory's spare entries are null until
    /// a segment is added, which is the loop's own). O(segments).
    /// </summary>
    public T[][] Split<T>(T[][] segments, RewriteSnapshot snapshot)
    {
        _shared = new bool[segments.Length];
        for (int s = 0; s < segments.Length; s++) _shared[s] = segments[s] is not null;
        _snapshot = snapshot;
        snapshot.AddCopiedBytes(segments.Length * (IntPtr.Size + 1L));
        return (T[][])segments.Clone();
    }

    /// <summary>
    /// Before the first change of shared segment <paramref name="segment"/>: puts a copy of it in the loop's
    /// <paramref name="segments"/>, counted in aof_last_cow_size. Once the rewrite has ended nobody reads the segments
    /// of the instant any more, and the sharing is forgotten instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Unshare<T>(T[][] segments, int segment)
    {
        if (_snapshot!.Ended)
        {
            Forget();
            return;
        }
        T[] copy = (T[])segments[segment].Clone();
        segments[segment] = copy;
        _shared![segment] = false;
        _snapshot.AddCopiedBytes((long)copy.Length * Unsafe.SizeOf<T>());
    }

    /// <summary>Segment <paramref name="segment"/> was replaced by a new array of the loop's own.</summary>
    public readonly void Owned(int segment)
    {
        if (_shared is not null) _shared[segment] = false;
    }

    /// <summary>
    /// The directory is being rebuilt with <paramref name="count"/> segments: a new per-segment table to fill with
    /// <see cref="IsShared"/> of the segments moved (new ones stay false), or null when nothing is shared. Then
    /// <see cref="Moved"/>.
    /// </summary>
    public readonly bool[]? Moving(int count) => _shared is null ? null : new bool[count];

    /// <summary>The rebuilt directory's table from <see cref="Moving"/>.</summary>
    public void Moved(bool[]? shared) => _shared = shared;

    /// <summary>Every segment is the loop's own (fresh segments, or a copy with nothing shared).</summary>
    public void Forget()
    {
        _shared = null;
        _snapshot = null;
    }
}
