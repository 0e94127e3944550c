using System.Diagnostics.CodeAnalysis;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// A ziplist, listpack, intset or zipmap blob is malformed. The blob readers know nothing of the file, so the loader
/// turns this into an <see cref="RdbLoadException"/> with the file name and the offset of the blob.
/// </summary>
internal sealed class BlobFormatException(string message) : Exception(message)
{
    /// <summary>Throws "<paramref name="check"/> (<paramref name="detail"/>)", Redis's integrity message plus where.</summary>
    [DoesNotReturn]
    public static void Throw(string check, string detail) => throw new BlobFormatException($"{check} ({detail})");
}
