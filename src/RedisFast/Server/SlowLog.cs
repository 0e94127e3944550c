using System.Text;
using RedisFast.Commands;

namespace RedisFast.Server;

/// <summary>
/// SLOWLOG (slowlog.c): the commands that ran for at least slowlog-log-slower-than microseconds (-1: none, 0: all),
/// newest first, trimmed to slowlog-max-len on each push. An entry keeps at most 32 arguments (the last one then
/// says how many more there were), each cut to 128 bytes, with redacted ones (AUTH's password) as "(redacted)".
/// Loop-owned.
/// </summary>
internal sealed class SlowLog
{
    private const int MaxArguments = 32;   // SLOWLOG_ENTRY_MAX_ARGC
    private const int MaxArgumentBytes = 128; // SLOWLOG_ENTRY_MAX_STRING
    private static readonly byte[] Redacted = "(redacted)"u8.ToArray();

    private readonly LinkedList<Entry> _entries = new();
    private long _nextId;

    public sealed record Entry(long Id, long UnixTime, long Microseconds, byte[][] Arguments, string Peer, string Name);

    public int Count => _entries.Count;

    /// <summary>Newest first.</summary>
    public IEnumerable<Entry> Entries => _entries;

    /// <summary>slowlogPushEntryIfNeeded, once the caller found the command slow enough.</summary>
    /// <param name="redacted">Bit i set: argument i is logged as "(redacted)".</param>
    public void Push(Client client, long microseconds, ulong redacted, long maxLength)
    {
        Protocol.CommandArguments args = client.Args;
        int count = Math.Min(args.Count, MaxArguments);
        var logged = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (count != args.Count && i == count - 1)
                logged[i] = Encoding.ASCII.GetBytes($"... ({args.Count - count + 1} more arguments)");
            else if (i < 64 && (redacted & (1UL << i)) != 0)
                logged[i] = Redacted;
            else if (args.LengthOf(i) > MaxArgumentBytes)
                logged[i] = [.. args[i][..MaxArgumentBytes], .. Encoding.ASCII.GetBytes($"... ({args.LengthOf(i) - MaxArgumentBytes} more bytes)")];
            else
                logged[i] = args[i].ToArray();
        }
        _entries.AddFirst(new Entry(_nextId++, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), microseconds, logged,
            client.Connection.RemoteAddress, client.Name ?? ""));
        while (_entries.Count > maxLength) _entries.RemoveLast();
    }

    public void Reset() => _entries.Clear();
}
