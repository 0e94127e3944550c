using System.Runtime.CompilerServices;

namespace RedisFast.Protocol;

/// <summary>
/// Parses one command (RESP2 multibulk or inline) from the front of a receive buffer in place: arguments become
/// slices of the buffer. It never throws on incomplete input: it answers <see cref="ParseStatus.NeedMore"/> and
/// keeps its position in the <see cref="CommandArguments"/>, so a command split across reads resumes where it
/// stopped. The rules and error texts are Redis 7.0's (networking.c, processMultibulkBuffer and
/// processInlineBuffer).
/// </summary>
internal ref struct RespReader
{
    private readonly Span<byte> _data;
    private readonly CommandArguments _args;
    private readonly long _maxBulkLength;

    /// <param name="data">The buffer from 0 to the end of the received bytes.</param>
    /// <param name="args">Arguments and resumable state; parsing starts at <see cref="CommandArguments.Position"/>.</param>
    /// <param name="maxBulkLength">proto-max-bulk-len.</param>
    public RespReader(Span<byte> data, CommandArguments args, long maxBulkLength)
    {
        _data = data;
        _args = args;
        _maxBulkLength = maxBulkLength;
    }

    /// <summary>After <see cref="ParseStatus.ProtocolError"/>: the text after "-ERR ".</summary>
    public string? Error { get; private set; }

    public ParseStatus Read()
    {
        if (_args.MultibulkRemaining == 0)
        {
            int start = _args.Position;
            if (start >= _data.Length) return ParseStatus.NeedMore;
            if (_data[start] != (byte)'*') return ReadInline();
            ParseStatus header = ReadMultibulkHeader();
            if (header != ParseStatus.Complete) return header;
        }
        return ReadBulks();
    }

    private ParseStatus ReadMultibulkHeader()
    {
        int start = _args.Position;
        int cr = FindLineEnd(_data[start..], (byte)'\r');
        if (cr < 0) return LineMissing(start, "Protocol error: too big mbulk count string");
        // Redis needs the byte after '\r' too and skips it without looking (it is meant to be '\n').
        if (start + cr + 2 > _data.Length) return ParseStatus.NeedMore;
        if (!NumberParser.TryParseInt64(_data.Slice(start + 1, cr - 1), out long count) || count > RespLimits.MaxMultibulkLength)
            return Fail("Protocol error: invalid multibulk length");
        _args.Position = start + cr + 2;
        if (count <= 0)
        {
            _args.CommandStart = _args.Position;
            return ParseStatus.Empty;
        }
        _args.MultibulkRemaining = count;
        return ParseStatus.Complete;
    }

    private ParseStatus ReadBulks()
    {
        while (_args.MultibulkRemaining > 0)
        {
            int pos = _args.Position;
            if (pos >= _data.Length) return ParseStatus.NeedMore;
            int cr = FindLineEnd(_data[pos..], (byte)'\r');
            if (cr < 0) return LineMissing(pos, "Protocol error: too big bulk count string");
            if (pos + cr + 2 > _data.Length) return ParseStatus.NeedMore;
            if (_data[pos] != (byte)'$') return Fail(ExpectedDollar(_data[pos]));
            if (!NumberParser.TryParseInt64(_data.Slice(pos + 1, cr - 1), out long length) || length < 0 || length > _maxBulkLength)
                return Fail("Protocol error: invalid bulk length");
            int bodyStart = pos + cr + 2;
            long end = bodyStart + length + 2;
            if (end > _data.Length)
            {
                _args.RequiredLength = end - _args.CommandStart;
                return ParseStatus.NeedMore;
            }
            _args.Add(bodyStart, (int)length);
            _args.Position = (int)end;
            _args.MultibulkRemaining--;
        }
        _args.RequiredLength = 0;
        return ParseStatus.Complete;
    }

    private ParseStatus LineMissing(int from, string tooBig)
    {
        if (_data.Length - from > RespLimits.InlineMaxSize) return Fail(tooBig);
        return ParseStatus.NeedMore;
    }

    private ParseStatus ReadInline()
    {
        int start = _args.Position;
        int nl = FindLineEnd(_data[start..], (byte)'\n');
        if (nl < 0)
        {
            if (_data.Length - start > RespLimits.InlineMaxSize) return Fail("Protocol error: too big inline request");
            return ParseStatus.NeedMore;
        }
        int lineEnd = start + nl;
        _args.Position = lineEnd + 1;
        if (lineEnd > start && _data[lineEnd - 1] == (byte)'\r') lineEnd--;
        if (!InlineSplitter.TrySplit(_data, start, lineEnd, _args))
        {
            _args.Count = 0;
            return Fail("Protocol error: unbalanced quotes in request");
        }
        if (_args.Count == 0)
        {
            _args.CommandStart = _args.Position;
            return ParseStatus.Empty;
        }
        return ParseStatus.Complete;
    }

    /// <summary>
    /// Where <paramref name="terminator"/> is, or -1. Redis looks for line ends with strchr, which stops at a NUL
    /// byte: a line with a NUL before its end is never complete there (the client waits until the 64 KB
    /// too-big error), so a NUL before the terminator counts as "not found" here too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FindLineEnd(ReadOnlySpan<byte> data, byte terminator)
    {
        int i = data.IndexOfAny(terminator, (byte)0);
        return i >= 0 && data[i] == terminator ? i : -1;
    }

    private ParseStatus Fail(string error)
    {
        Error = error;
        return ParseStatus.ProtocolError;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string ExpectedDollar(byte got) => $"Protocol error: expected '$', got '{(char)got}'";
}
