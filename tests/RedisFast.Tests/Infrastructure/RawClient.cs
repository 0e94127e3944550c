using System.Net.Sockets;
using System.Text;

namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// A raw-socket RESP client for asserting exact bytes: it sends what it is given and reads back one whole
/// reply at a time, as the bytes the server sent.
/// </summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start, _end;

    public RawClient(string host, int port, int timeoutMs = 10_000)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = timeoutMs };
        _socket.Connect(host, port);
    }

    public Socket Socket => _socket;

    public void Send(byte[] bytes) => _socket.Send(bytes);

    public void Send(string raw) => Send(Encoding.UTF8.GetBytes(raw));

    /// <summary>Encodes the arguments as a RESP multibulk command.</summary>
    public static byte[] Encode(params string[] args) => Encode(args.Select(a => Encoding.UTF8.GetBytes(a)).ToArray());

    public static byte[] Encode(params byte[][] args)
    {
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (byte[] a in args)
        {
            ms.Write(Encoding.ASCII.GetBytes($"${a.Length}\r\n"));
            ms.Write(a);
            ms.Write("\r\n"u8);
        }
        return ms.ToArray();
    }

    /// <summary>Sends one command and returns its whole reply as text (RESP bytes, CRLFs included).</summary>
    public string Call(params string[] args)
    {
        Send(Encode(args));
        return ReadReply();
    }

    /// <summary>Reads one complete RESP2/RESP3 reply and returns its raw bytes as a string (latin-1 preserving bytes).</summary>
    public string ReadReply() => Encoding.Latin1.GetString(ReadReplyBytes());

    public byte[] ReadReplyBytes()
    {
        var output = new MemoryStream();
        ReadValue(output);
        return output.ToArray();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public byte[] ReadExactly(int count)
    {
        var result = new byte[count];
        for (int i = 0; i < count; i++) result[i] = ReadByte();
        return result;
    }

    /// <summary>True if the server closed the connection (reads 0 bytes) within the timeout.</summary>
    public bool IsClosedByServer(int timeoutMs = 5000)
    {
        if (_start < _end) return false;
        _socket.ReceiveTimeout = timeoutMs;
        try
        {
            return _socket.Receive(_buffer, 0, _buffer.Length, SocketFlags.None) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void ReadValue(MemoryStream output)
    {
        string line = ReadLine(output);
        char type = line[0];
        switch (type)
        {
            case '+' or '-' or ':' or ',' or '_' or '#' or '(':
                return;
            case '$' or '=' or '!':
            {
                int length = int.Parse(line.AsSpan(1));
                if (length < 0) return;
                output.Write(ReadExactly(length + 2));
                return;
            }
            case '*' or '~' or '>':
            {
                int count = int.Parse(line.AsSpan(1));
                for (int i = 0; i < count; i++) ReadValue(output);
                return;
            }
            case '%' or '|':
            {
                int count = int.Parse(line.AsSpan(1));
                for (int i = 0; i < count * 2; i++) ReadValue(output);
                if (type == '|') ReadValue(output);
                return;
            }
            default:
                throw new InvalidDataException($"Unexpected RESP type byte '{type}' in line '{line}'");
        }
    }

    private string ReadLine(MemoryStream output)
    {
        var line = new StringBuilder();
        while (true)
        {
            byte b = ReadByte();
            output.WriteByte(b);
            if (b == '\n' && line.Length > 0 && line[^1] == '\r') return line.ToString(0, line.Length - 1);
            line.Append((char)b);
        }
    }

    private byte ReadByte()
    {
        if (_start == _end)
        {
            _start = 0;
            _end = _socket.Receive(_buffer, 0, _buffer.Length, SocketFlags.None);
            if (_end == 0) throw new EndOfStreamException("The server closed the connection.");
        }
        return _buffer[_start++];
    }

    public void Dispose() => _socket.Dispose();
}
