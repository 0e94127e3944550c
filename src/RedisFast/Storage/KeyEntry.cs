namespace RedisFast.Storage;

/// <summary>
/// One slot of a <see cref="KeyTable"/>. A slot keeps its index for as long as its key exists, which is what
/// SCAN's cursor, random sampling and the expiry index rely on.
/// </summary>
internal struct KeyEntry
{
    /// <summary>The key; null when the slot is free.</summary>
    public byte[]? Key;

    /// <summary>Strings: the byte buffer (its first <see cref="Length"/> bytes are the value). Other kinds: the collection.</summary>
    public object? Value;

    /// <summary>The integer of a <see cref="ValueKind.StringInt"/> string.</summary>
    public long Number;

    /// <summary>Absolute expiry in Unix milliseconds, or <see cref="KeyTable.NoExpiry"/>.</summary>
    public long ExpireAt;

    /// <summary>
    /// String length in bytes (the buffer may be longer after APPEND or SETRANGE). For a
    /// <see cref="ValueKind.StringInt"/>: 0, or 1 for a private (unshared) integer object made by COPY
    /// (KeyCommands.PrivateInteger, seen by OBJECT REFCOUNT).
    /// </summary>
    public int Length;

    public int HashCode;

    /// <summary>Next slot in the bucket chain (-1 ends it); for a free slot, the encoded next free slot.</summary>
    public int Next;

    /// <summary>Position in the table's list of keys with an expiry, or -1.</summary>
    public int VolatileSlot;

    /// <summary>
    /// Redis's robj lru field: under an LFU maxmemory-policy the access counter (low 8 bits) and the minute it was last
    /// decremented (16 bits above, Keyspace.Touch); under any other, the last access in Unix seconds (Redis's LRU clock
    /// at 1 s resolution), which OBJECT IDLETIME and the LRU policies read. Lives in the struct's padding, so it costs
    /// no memory. 0 when never stamped (a key added through <see cref="KeyTable"/> directly).
    /// </summary>
    public uint AccessedAt;

    public ValueKind Kind;

    /// <summary>
    /// The slot's size before its current change is recorded in <see cref="KeyspaceMemory"/> and not yet settled:
    /// it is not recorded again meanwhile. Kept through a removal (the record covers the slot, whoever reuses it).
    /// </summary>
    public bool SizePending;
}
