using System.Text;

namespace RedisFast.Commands.Docs;

/// <summary>
/// One value of a captured RESP2/RESP3 reply, with the byte range it occupies so that unchanged parts can be
/// copied out verbatim. Only used at start-up to index the captured COMMAND / COMMAND DOCS replies.
/// </summary>
internal sealed class RespNode
{
    private RespNode(byte type, int start, int end, RespNode[] children, string? text)
    {
        Type = type;
        Start = start;
        End = end;
        Children = children;
        Text = text;
    }

    /// <summary>The RESP type byte: '*', '%', '~', '$', '+', ':', '_', ...</summary>
    public byte Type { get; }

    public int Start { get; }

    public int End { get; }

    /// <summary>Elements of an aggregate; for a map, keys and values alternate.</summary>
    public RespNode[] Children { get; }

    /// <summary>The payload of a bulk, simple string or integer; null for aggregates.</summary>
    public string? Text { get; }

    /// <summary>Parses the single value at the start of <paramref name="data"/> (trusted, complete input).</summary>
    public static RespNode Parse(byte[] data)
    {
        int position = 0;
        return Parse(data, ref position);
    }

    private static RespNode Parse(byte[] data, ref int position)
    {
        int start = position;
        byte type = data[position];
        int lineEnd = Array.IndexOf(data, (byte)'\r', position);
        string line = Encoding.ASCII.GetString(data, position + 1, lineEnd - position - 1);
        position = lineEnd + 2;
        switch ((char)type)
        {
            case '$' or '=' or '!':
            {
                int length = int.Parse(line);
                if (length < 0) return new RespNode(type, start, position, [], null);
                string text = Encoding.UTF8.GetString(data, position, length);
                position += length + 2;
                return new RespNode(type, start, position, [], text);
            }
            case '*' or '~' or '>' or '%':
            {
                int count = int.Parse(line);
                if (count < 0) return new RespNode(type, start, position, [], null);
                if (type == '%') count *= 2;
                var children = new RespNode[count];
                for (int i = 0; i < count; i++) children[i] = Parse(data, ref position);
                return new RespNode(type, start, position, children, null);
            }
            default:
                return new RespNode(type, start, position, [], line);
        }
    }
}
