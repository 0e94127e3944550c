using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// The sizes RedisFast counts a value's memory in (INFO used_memory, maxmemory, MEMORY USAGE): the .NET objects that
/// hold it, laid out as the x64 runtime lays them out. Redis counts what its allocator handed out; this counts what
/// the managed heap holds for the same data, without the collector's free space (that shows as fragmentation).
/// </summary>
internal static class MemorySize
{
    /// <summary>A byte[] of no length: object header, method table and length.</summary>
    public const int ArrayHeader = 24;

    /// <summary>A reference in an array or a field.</summary>
    public const int Reference = 8;

    /// <summary>An object with no fields: header and method table.</summary>
    public const int ObjectHeader = 16;

    /// <summary>A key's slot in its database's table and its bucket (Redis's dictEntry).</summary>
    public static readonly int KeySlot = Unsafe.SizeOf<KeyEntry>() + sizeof(int);

    /// <summary>An array of <paramref name="length"/> bytes, rounded up to the 8-byte allocation unit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Array(long length) => (ArrayHeader + length + 7) & ~7L;

    /// <summary><see cref="Array(long)"/> of a stored element, 0 for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Of(byte[]? element) => element is null ? 0 : Array(element.Length);

    /// <summary>
    /// What a key's slot holds: the slot, the key and the value (a string's buffer, a collection's
    /// <c>MemoryBytes</c>, all O(1)); 0 for a free slot.
    /// </summary>
    public static long Of(in KeyEntry e)
    {
        if (e.Key is null) return 0;
        long size = KeySlot + Array(e.Key.Length);
        return e.Value switch
        {
            null => size,
            byte[] buffer => size + Array(buffer.Length),
            RedisList list => size + list.MemoryBytes,
            RedisHash hash => size + hash.MemoryBytes,
            RedisSet set => size + set.MemoryBytes,
            RedisSortedSet zset => size + zset.MemoryBytes,
            _ => size,
        };
    }
}
