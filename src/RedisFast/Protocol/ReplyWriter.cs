using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using RedisFast.Networking;

namespace RedisFast.Protocol;

/// <summary>
/// Writes RESP2 or RESP3 replies straight into a connection's <see cref="OutputBuffer"/>. Reply shapes that
/// differ between the protocols (null, maps, sets, doubles, booleans, verbatim strings) follow Redis 7.0's
/// choices for each version. Nothing here allocates except the string overloads meant for admin commands.
/// </summary>
internal sealed class ReplyWriter
{
    private readonly OutputBuffer _out;
    private readonly Server.ErrorStats? _errors;

    /// <param name="errors">Server-wide error counters (INFO errorstats), or null.</param>
    public ReplyWriter(OutputBuffer output, Server.ErrorStats? errors = null)
    {
        _out = output;
        _errors = errors;
    }

    /// <summary>2 or 3, as set by HELLO.</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>Error replies written (INFO stats total_error_replies).</summary>
    public long ErrorCount { get; private set; }

    /// <summary>Raw protocol bytes, e.g. <c>"+OK\r\n"u8</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = _out.GetSpan(bytes.Length);
        if (span.Length >= bytes.Length)
        {
            bytes.CopyTo(span);
            _out.Advance(bytes.Length);
        }
        else
        {
            _out.Write(bytes);
        }
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    /// <summary>A simple string reply: <c>+text\r\n</c>.</summary>
    public void WriteSimpleString(ReadOnlySpan<byte> text)
    {
        Span<byte> span = _out.GetSpan(text.Length + 3);
        span[0] = (byte)'+';
        text.CopyTo(span[1..]);
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        _out.Advance(text.Length + 3);
    }

    /// <summary>An error reply; <paramref name="message"/> includes the code, e.g. <c>"ERR syntax error"u8</c>.</summary>
    public void WriteError(ReadOnlySpan<byte> message) => WriteError(message, updateStats: true);

    /// <summary>
    /// An error reply, counted in INFO errorstats unless <paramref name="updateStats"/> is false: an error that was
    /// counted already when a script's command replied it (Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE). It still makes the
    /// command a failed call.
    /// </summary>
    public void WriteError(ReadOnlySpan<byte> message, bool updateStats)
    {
        ErrorCount++;
        if (updateStats) _errors?.Count(message);
        Span<byte> span = _out.GetSpan(message.Length + 3);
        span[0] = (byte)'-';
        message.CopyTo(span[1..]);
        // Redis replaces newlines in error texts with spaces so the reply stays one line (addReplyErrorLength).
        Span<byte> body = span.Slice(1, message.Length);
        body.Replace((byte)'\r', (byte)' ');
        body.Replace((byte)'\n', (byte)' ');
        span[message.Length + 1] = (byte)'\r';
        span[message.Length + 2] = (byte)'\n';
        _out.Advance(message.Length + 3);
    }

    /// <summary>An error reply built from a string (rare paths: formatted messages).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WriteError(string message)
    {
        int max = Encoding.UTF8.GetMaxByteCount(message.Length);
        byte[] bytes = new byte[max];
        int n = Encoding.UTF8.GetBytes(message, bytes);
        WriteError(bytes.AsSpan(0, n));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInteger(long value) => WritePrefixedNumber((byte)':', value);

    /// <summary>A bulk string: <c>$len\r\nbytes\r\n</c>.</summary>
    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        int needed = value.Length + 16;
        Span<byte> span = _out.GetSpan(Math.Min(needed, SlabPool.DefaultSize));
        if (span.Length >= needed)
        {
            span[0] = (byte)'$';
            Utf8Formatter.TryFormat(value.Length, span[1..], out int digits);
            int p = digits + 1;
            span[p++] = (byte)'\r';
            span[p++] = (byte)'\n';
            value.CopyTo(span[p..]);
            p += value.Length;
            span[p++] = (byte)'\r';
            span[p++] = (byte)'\n';
            _out.Advance(p);
            return;
        }
        WritePrefixedNumber((byte)'$', value.Length);
        _out.Write(value);
        WriteRaw("\r\n"u8);
    }

    /// <summary>A bulk string holding the decimal form of <paramref name="value"/>.</summary>
    public void WriteBulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        WriteBulk(digits[..n]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WriteBulk(string value) => WriteBulk(Encoding.UTF8.GetBytes(value));

    /// <summary>Null bulk string: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNull() => WriteRaw(Protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>Null array: <c>*-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void WriteNullArray() => WriteRaw(Protocol == 3 ? "_\r\n"u8 : "*-1\r\n"u8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteArrayHeader(long count) => WritePrefixedNumber((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: <c>%n</c> in RESP3, a flat array of 2n in RESP2.</summary>
    public void WriteMapHeader(long pairs)
    {
        if (Protocol == 3) WritePrefixedNumber((byte)'%', pairs);
        else WritePrefixedNumber((byte)'*', pairs * 2);
    }

    /// <summary>A set: <c>~n</c> in RESP3, an array in RESP2.</summary>
    public void WriteSetHeader(long count) => WritePrefixedNumber(Protocol == 3 ? (byte)'~' : (byte)'*', count);

    /// <summary>A boolean: <c>#t</c>/<c>#f</c> in RESP3, <c>:1</c>/<c>:0</c> in RESP2.</summary>
    public void WriteBoolean(bool value)
    {
        if (Protocol == 3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
    }

    /// <summary>A double: <c>,value</c> in RESP3, a bulk string in RESP2; formatted like C's %.17g (Redis 7.0).</summary>
    public void WriteDouble(double value)
    {
        Span<byte> text = stackalloc byte[40];
        int n = DoubleFormatter.FormatG17(value, text);
        if (Protocol == 3)
        {
            Span<byte> span = _out.GetSpan(n + 3);
            span[0] = (byte)',';
            text[..n].CopyTo(span[1..]);
            span[n + 1] = (byte)'\r';
            span[n + 2] = (byte)'\n';
            _out.Advance(n + 3);
        }
        else
        {
            WriteBulk(text[..n]);
        }
    }

    /// <summary>A verbatim string (<c>=len\r\ntxt:...</c>) in RESP3, a bulk string in RESP2 (INFO, CLIENT LIST).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WriteVerbatim(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (Protocol != 3)
        {
            WriteBulk(bytes);
            return;
        }
        WritePrefixedNumber((byte)'=', bytes.Length + 4);
        WriteRaw("txt:"u8);
        _out.Write(bytes);
        WriteRaw("\r\n"u8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WritePrefixedNumber(byte prefix, long value)
    {
        Span<byte> span = _out.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int n);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        _out.Advance(n + 3);
    }
}
