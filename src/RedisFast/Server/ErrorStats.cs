using RedisFast.Commands;

namespace RedisFast.Server;

/// <summary>
/// Error replies counted by error code, for INFO errorstats and total_error_replies (server.c afterErrorReply,
/// incrementErrorCount): the code is the message's first word when a space comes within its first 32 bytes,
/// "ERR" otherwise. At most <see cref="MaxCodes"/> distinct codes are tracked, as Redis caps ERROR_STATS_NUMBER.
/// Loop-owned.
/// </summary>
public sealed class ErrorStats
{
    public const int MaxCodes = 128;

    private readonly Dictionary<byte[], long> _byCode = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;

    public ErrorStats() => _bySpan = _byCode.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>Every error reply (total_error_replies).</summary>
    public long Total { get; private set; }

    /// <summary>Counts one error reply; <paramref name="message"/> is the text after '-'.</summary>
    public void Count(ReadOnlySpan<byte> message)
    {
        Total++;
        int space = message[..Math.Min(message.Length, 32)].IndexOf((byte)' ');
        ReadOnlySpan<byte> code = space > 0 ? message[..space] : "ERR"u8;
        if (_bySpan.TryGetValue(code, out long count)) _bySpan[code] = count + 1;
        else if (_byCode.Count < MaxCodes) _bySpan[code] = 1;
    }

    /// <summary>Codes and counts, sorted by code as Redis lists them (a radix tree walk).</summary>
    public IEnumerable<(string Code, long Count)> Snapshot() =>
        _byCode.Select(p => (System.Text.Encoding.UTF8.GetString(p.Key), p.Value)).OrderBy(p => p.Item1, StringComparer.Ordinal);

    public void Reset()
    {
        _byCode.Clear();
        Total = 0;
    }
}
