namespace RedisFast.Storage;

/// <summary>The type and encoding of a stored value (TYPE and OBJECT ENCODING report from it).</summary>
internal enum ValueKind : byte
{
    None = 0,

    /// <summary>A string held as a 64-bit integer in <see cref="KeyEntry.Number"/> (OBJECT ENCODING "int").</summary>
    StringInt,

    /// <summary>A short string (≤ 44 bytes when created; OBJECT ENCODING "embstr").</summary>
    StringEmbedded,

    /// <summary>A string changed in place or created long (OBJECT ENCODING "raw").</summary>
    StringRaw,

    List,
    Hash,
    Set,
    SortedSet,
}
