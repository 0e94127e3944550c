using System.Collections.Concurrent;

namespace RedisFast.Storage;

/// <summary>
/// The copy-on-write snapshot one AOF rewrite reads (the fork of Redis's rewriteAppendOnlyFileBackground, without
/// a fork): taken on the loop between two commands, it records per <see cref="KeyTable"/> the segments and
/// slot count of that instant (<see cref="TableSnapshot"/>). The rewriter thread then walks those arrays while the
/// loop keeps serving; a slot the loop is about to change is handed over first, so the rewriter always emits the
/// value of the snapshot instant. Preserved slots go through <see cref="Preserved"/> (a lock-free queue).
/// Loop-only members are marked; the rest is shared with the rewriter thread.
/// </summary>
internal sealed class RewriteSnapshot
{
    private readonly HashSet<object> _handedOver = new(ReferenceEqualityComparer.Instance);

    /// <param name="keyspace">Whose <see cref="Keyspace.ReadOnlyCommand"/> tells reads from writes.</param>
    /// <param name="now">The keyspace clock at the snapshot instant: keys expired by then are not written.</param>
    public RewriteSnapshot(Keyspace keyspace, long now)
    {
        Keyspace = keyspace;
        Now = now;
    }

    public Keyspace Keyspace { get; }

    public long Now { get; }

    /// <summary>The code of each function library at the instant (written before the keys, as Redis does).</summary>
    public IReadOnlyList<byte[]> Functions { get; init; } = [];

    /// <summary>One per database at the instant, in database order.</summary>
    public List<TableSnapshot> Tables { get; } = [];

    /// <summary>Slots the loop handed over before the rewriter reached them: their values at the instant.</summary>
    public ConcurrentQueue<PreservedEntry> Preserved { get; } = new();

    /// <summary>Loop only: bytes the loop copied so the rewriter could keep the originals (aof_last_cow_size).</summary>
    public long CowBytes { get; private set; }

    /// <summary>Loop only: slots handed over (copied or preserved), for the log.</summary>
    public long CowSlots { get; private set; }

    /// <summary>
    /// Loop only: the rewriter may still read <paramref name="value"/> (a deleted key's object, or one whose TTL alone
    /// changed), which may live on in another slot (RENAME moves objects): a write reaching it copies it first.
    /// </summary>
    public void HandOver(object? value)
    {
        if (value is not null) _handedOver.Add(value);
    }

    /// <summary>Loop only: whether <paramref name="value"/> was handed over and must be copied before a change.</summary>
    public bool IsHandedOver(object? value) => _handedOver.Count != 0 && value is not null && _handedOver.Contains(value);

    /// <summary>
    /// Loop only: whether the rewrite has ended (done, failed or cancelled): nobody reads the values of the instant any
    /// more, so tables still sharing segments with it stop copying them.
    /// </summary>
    public bool Ended { get; private set; }

    /// <summary>Loop only: the rewriter thread has stopped reading (<see cref="Ended"/>).</summary>
    public void End() => Ended = true;

    /// <summary>Loop only: counts bytes copied so the rewriter could keep the originals.</summary>
    public void AddCopiedBytes(long bytes) => CowBytes += bytes;

    /// <summary>
    /// Loop only: puts a value the loop may change in the slot, while the rewriter reads the original. Strings copy
    /// their bytes; collections split (their SplitForRewrite): a compact encoding, small by configuration, is copied,
    /// and a list or hashtable shares its chunks or segments with the original and copies each one only when the loop
    /// first changes it, so no pause grows with the collection. Integers need nothing
    /// (the rewriter reads <see cref="KeyEntry.Number"/> from its own copy of the slot).
    /// </summary>
    public void InstallCopy(ref KeyEntry e)
    {
        CowSlots++;
        switch (e.Kind)
        {
            case ValueKind.StringEmbedded or ValueKind.StringRaw:
                var bytes = (byte[])e.Value!;
                e.Value = bytes.AsSpan().ToArray();
                CowBytes += bytes.Length;
                break;
            case ValueKind.List:
                e.Value = ((RedisList)e.Value!).SplitForRewrite(this);
                break;
            case ValueKind.Set:
                e.Value = ((RedisSet)e.Value!).SplitForRewrite(this);
                break;
            case ValueKind.Hash:
                e.Value = ((RedisHash)e.Value!).SplitForRewrite(this);
                break;
            case ValueKind.SortedSet:
                e.Value = ((RedisSortedSet)e.Value!).SplitForRewrite(this);
                break;
        }
    }
}

/// <summary>
/// A slot's fields at the snapshot instant, handed over by the loop (the value object is the original, which the
/// loop no longer changes).
/// </summary>
internal readonly record struct PreservedEntry(int DbId, KeyEntry Entry);

/// <summary>
/// Per <see cref="KeyTable"/> part of a <see cref="RewriteSnapshot"/>: the segment directory and slot count of the
/// instant, the database index of the instant (SWAPDB swaps tables, so it lives with the table), and one state
/// byte per slot, changed only with compare-and-swap by both threads:
/// <list type="bullet">
/// <item><see cref="Pending"/>: nobody touched the slot since the instant.</item>
/// <item><see cref="Reading"/>: the rewriter copied the slot's fields and emits from the original value.</item>
/// <item><see cref="Done"/>: the rewriter is finished with it; the loop changes it freely.</item>
/// <item><see cref="Preserved"/>: the loop queued the slot's fields of the instant (<see cref="RewriteSnapshot.Preserved"/>).</item>
/// <item><see cref="LoopOwned"/>: the loop took it without queueing (free at the instant, or the rewriter had its copy).</item>
/// </list>
/// The rewriter copies a slot's fields and then CASes Pending → Reading; the loop CASes before its first change,
/// so a successful CAS proves the copied fields are those of the instant.
/// </summary>
internal sealed class TableSnapshot
{
    public const byte Pending = 0;
    public const byte Reading = 1;
    public const byte Done = 2;
    public const byte Preserved = 3;
    public const byte LoopOwned = 4;

    public TableSnapshot(KeyEntry[][] segments, int slotCount, int dbId, RewriteSnapshot owner)
    {
        _segments = segments;
        SlotCount = slotCount;
        DbId = dbId;
        Owner = owner;
        States = new byte[slotCount];
    }

    private readonly KeyEntry[][] _segments;

    /// <summary>
    /// Slot <paramref name="index"/> (below <see cref="SlotCount"/>) as it is now, for the rewriter to copy and then
    /// claim. The directory is the instant's copy: a segment the table replaced since (a small table's one segment
    /// grows into a new array) is not written any more, and the others are the table's own.
    /// </summary>
    public ref KeyEntry EntryAt(int index) => ref _segments[index >> Segments.Shift][index & (Segments.Size - 1)];

    public int SlotCount { get; }

    public int DbId { get; }

    public RewriteSnapshot Owner { get; }

    public byte[] States { get; }

    /// <summary>
    /// Loop only: called before slot <paramref name="index"/> (<paramref name="e"/>, in the table's current array) or
    /// its value object changes. <paramref name="removal"/>: the slot is deleted, reused, or only its ExpireAt
    /// changes, so the value object is not written (no copy; it is handed over instead). <paramref name="force"/>:
    /// also inside a read-only command (lazy expiry).
    /// </summary>
    public void BeforeChange(ref KeyEntry e, int index, bool removal, bool force)
    {
        RewriteSnapshot owner = Owner;
        if (!force && owner.Keyspace.ReadOnlyCommand) return;
        if ((uint)index < (uint)SlotCount)
        {
            while (true)
            {
                byte state = Volatile.Read(ref States[index]);
                if (state == Pending)
                {
                    if (e.Key is null)
                    {
                        // Free at the instant (a reused slot went through LoopOwned or Preserved first).
                        if (Interlocked.CompareExchange(ref States[index], LoopOwned, Pending) == Pending) break;
                        continue;
                    }
                    if (Interlocked.CompareExchange(ref States[index], Preserved, Pending) != Pending) continue;
                    owner.Preserved.Enqueue(new PreservedEntry(DbId, e));
                    if (removal) owner.HandOver(e.Value);
                    else owner.InstallCopy(ref e);
                    return;
                }
                if (state == Reading)
                {
                    if (Interlocked.CompareExchange(ref States[index], LoopOwned, Reading) != Reading) continue;
                    // The rewriter is emitting the original right now: keep it unchanged.
                    if (removal) owner.HandOver(e.Value);
                    else owner.InstallCopy(ref e);
                    return;
                }
                break;
            }
        }
        if (!removal && owner.IsHandedOver(e.Value)) owner.InstallCopy(ref e);
    }
}
