using System.Buffers.Text;

namespace RedisFast.Persistence;

/// <summary>
/// The command a handler wants logged instead of its own arguments (Redis's rewriteClientCommandVector), built as
/// RESP in a reusable buffer: <c>if (c.PropagateAs(5) is { } p) p.Add("SET"u8).Add(key).Add(value).Add("PXAT"u8).Add(at);</c>
/// Loop-owned, one per server; valid until the command returns.
/// </summary>
internal sealed class PropagationBuilder
{
    private byte[] _buffer = new byte[256];
    private int _length;
    private int _declared;
    private int _added;

    /// <summary>Whether a replacement was begun for the current command.</summary>
    public bool IsSet => _declared > 0;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Starts a replacement of <paramref name="argc"/> arguments (a second call replaces the first).</summary>
    public PropagationBuilder Begin(int argc)
    {
        _length = 0;
        _declared = argc;
        _added = 0;
        Header((byte)'*', argc);
        return this;
    }

    public PropagationBuilder Add(ReadOnlySpan<byte> arg)
    {
        Header((byte)'$', arg.Length);
        Ensure(arg.Length + 2);
        arg.CopyTo(_buffer.AsSpan(_length));
        _length += arg.Length;
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
        _added++;
        return this;
    }

    public PropagationBuilder Add(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        return Add(digits[..n]);
    }

    /// <summary>Clears the replacement (after the command was propagated).</summary>
    public void Reset()
    {
        if (_declared > 0 && _added != _declared)
            throw new InvalidOperationException($"propagated command declared {_declared} arguments but has {_added}");
        _declared = 0;
        _length = 0;
    }

    private void Header(byte kind, int n)
    {
        Ensure(24);
        _buffer[_length++] = kind;
        Utf8Formatter.TryFormat(n, _buffer.AsSpan(_length), out int written);
        _length += written;
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
