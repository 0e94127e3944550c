using System.Text;
using RedisFast.Protocol;

namespace RedisFast.Tests.Protocol;

/// <summary>
/// Drives <see cref="RespReader"/> the way a connection does: bytes are appended to a buffer, every complete
/// command is taken out, a partial one is kept with its parse state, moved to the front when room is needed and
/// the buffer doubles when a partial command fills it. Starts tiny so every feed exercises compaction and growth.
/// </summary>
internal sealed class ReaderHarness
{
    private readonly CommandArguments _args = new();
    private readonly long _maxBulkLength;
    private byte[] _buffer = new byte[8];
    private int _end;

    public ReaderHarness(long maxBulkLength = RespLimits.DefaultMaxBulkLength)
    {
        _maxBulkLength = maxBulkLength;
        _args.Buffer = _buffer;
    }

    /// <summary>Each parsed command as its arguments joined by '|' (latin-1), or "ERR text" for a protocol error.</summary>
    public List<string> Commands { get; } = [];

    public bool Failed { get; private set; }

    /// <summary>Parses a whole payload in one feed, split once at <paramref name="split"/>, or in pieces of <paramref name="piece"/>.</summary>
    public static List<string> Parse(byte[] payload, int split = -1, int piece = 0)
    {
        var h = new ReaderHarness();
        if (piece > 0)
        {
            for (int i = 0; i < payload.Length; i += piece) h.Feed(payload.AsSpan(i, Math.Min(piece, payload.Length - i)));
        }
        else if (split >= 0)
        {
            h.Feed(payload.AsSpan(0, split));
            h.Feed(payload.AsSpan(split));
        }
        else
        {
            h.Feed(payload);
        }
        return h.Commands;
    }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0 && !Failed)
        {
            MakeRoom();
            int n = Math.Min(bytes.Length, _buffer.Length - _end);
            bytes[..n].CopyTo(_buffer.AsSpan(_end));
            _end += n;
            bytes = bytes[n..];
            ParseBuffered();
        }
    }

    private void ParseBuffered()
    {
        while (!Failed)
        {
            var reader = new RespReader(_buffer.AsSpan(0, _end), _args, _maxBulkLength);
            ParseStatus status = reader.Read();
            if (status == ParseStatus.NeedMore) break;
            if (status == ParseStatus.ProtocolError)
            {
                Commands.Add("ERR " + reader.Error);
                Failed = true;
                break;
            }
            if (status == ParseStatus.Complete)
            {
                var text = new StringBuilder();
                for (int i = 0; i < _args.Count; i++)
                {
                    if (i > 0) text.Append('|');
                    text.Append(Encoding.Latin1.GetString(_args[i]));
                }
                Commands.Add(text.ToString());
            }
            _args.BeginNext();
        }
        if (_args.CommandStart == _end && _args.MultibulkRemaining == 0)
        {
            _end = 0;
            _args.Reset();
        }
    }

    private void MakeRoom()
    {
        int start = _args.CommandStart;
        int live = _end - start;
        if (_end < _buffer.Length) return;
        if (live < _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, start, _buffer, 0, live);
        }
        else
        {
            var bigger = new byte[_buffer.Length * 2];
            Buffer.BlockCopy(_buffer, start, bigger, 0, live);
            _buffer = bigger;
            _args.Buffer = bigger;
        }
        _args.Shift(start);
        _end = live;
    }
}
