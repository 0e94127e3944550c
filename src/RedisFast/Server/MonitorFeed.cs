using System.Buffers.Text;
using RedisFast.Commands;
using RedisFast.Protocol;

namespace RedisFast.Server;

/// <summary>
/// MONITOR (replication.c replicationFeedMonitors): after each command runs, a line
/// <c>+SECONDS.MICROS [DB ADDRESS] "ARG" "ARG"...</c> goes to every monitoring client, arguments quoted and escaped as
/// sdscatrepr does, redacted ones (AUTH's password) as "(redacted)". Admin commands are not shown, nor are commands
/// refused before running (unknown, wrong arity) or only queued inside MULTI: those show when EXEC runs them, before
/// EXEC itself. Loop-owned; a command pays one branch while nobody monitors.
/// </summary>
internal sealed class MonitorFeed
{
    private readonly List<Client> _monitors = [];
    private readonly List<Client> _overLimit = [];
    private byte[] _line = new byte[256];
    private int _length;

    public bool Any => _monitors.Count > 0;

    public void Add(Client client) => _monitors.Add(client);

    public void Remove(Client client) => _monitors.Remove(client);

    /// <summary>Sends the command <paramref name="source"/> just ran to every monitor (the source itself included).</summary>
    public void Feed(Client source, CommandArguments args, ulong redacted)
    {
        _length = 0;
        long micros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        Append((byte)'+');
        AppendNumber(micros / 1_000_000);
        Append((byte)'.');
        Span<byte> digits = stackalloc byte[6];
        Utf8Formatter.TryFormat(micros % 1_000_000, digits, out _, new System.Buffers.StandardFormat('D', 6));
        Append(digits);
        Append(" ["u8);
        AppendNumber(source.Db.Id);
        Append((byte)' ');
        if (source.IsScript) Append("lua"u8);
        else Append(System.Text.Encoding.ASCII.GetBytes(source.Connection.RemoteAddress));
        Append("] "u8);
        for (int j = 0; j < args.Count; j++)
        {
            if (j > 0) Append((byte)' ');
            if (j < 64 && (redacted & (1UL << j)) != 0) Append("\"(redacted)\""u8);
            else AppendRepr(args[j]);
        }
        Append("\r\n"u8);
        ReadOnlySpan<byte> line = _line.AsSpan(0, _length);
        foreach (Client monitor in _monitors)
        {
            if (monitor.RepliesSuppressed) continue;
            monitor.Reply.WriteRaw(line);
            if (monitor.OutputLimitReached()) _overLimit.Add(monitor);
            else if (monitor != source) monitor.Connection.Wake();
        }
        // Closing unregisters the client, which changes the list walked above: after the loop.
        foreach (Client monitor in _overLimit) monitor.Connection.Close();
        _overLimit.Clear();
    }

    /// <summary>sdscatrepr: in double quotes, \\ \" \n \r \t \a \b escaped, other bytes outside 0x20..0x7e as \xHH.</summary>
    private void AppendRepr(ReadOnlySpan<byte> value)
    {
        Append((byte)'"');
        foreach (byte b in value)
        {
            switch (b)
            {
                case (byte)'\\': Append("\\\\"u8); break;
                case (byte)'"': Append("\\\""u8); break;
                case (byte)'\n': Append("\\n"u8); break;
                case (byte)'\r': Append("\\r"u8); break;
                case (byte)'\t': Append("\\t"u8); break;
                case 7: Append("\\a"u8); break;
                case 8: Append("\\b"u8); break;
                default:
                    if (b is >= 0x20 and <= 0x7e)
                    {
                        Append(b);
                    }
                    else
                    {
                        Append("\\x"u8);
                        Append((byte)"0123456789abcdef"[b >> 4]);
                        Append((byte)"0123456789abcdef"[b & 15]);
                    }
                    break;
            }
        }
        Append((byte)'"');
    }

    private void AppendNumber(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Append(digits[..n]);
    }

    private void Append(byte b)
    {
        if (_length == _line.Length) Array.Resize(ref _line, _line.Length * 2);
        _line[_length++] = b;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _line.Length) Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + bytes.Length));
        bytes.CopyTo(_line.AsSpan(_length));
        _length += bytes.Length;
    }
}
