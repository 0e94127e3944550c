using System.Text;

namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// One whole RESP2 reply (as <see cref="RawClient.ReadReplyBytes"/> returns it) as values: simple string → string,
/// error → <see cref="RespError"/>, integer → long, bulk → byte[] or null, array → List of those or null.
/// </summary>
public static class RespReply
{
    /// <summary>Parses <paramref name="reply"/>, which must be exactly one reply.</summary>
    public static object? Parse(byte[] reply)
    {
        int p = 0;
        object? value = Parse(reply, ref p);
        Assert.Equal(reply.Length, p);
        return value;
    }

    /// <summary>The elements of an array of bulk strings, as Latin-1 text (any byte value survives).</summary>
    public static List<string> Strings(object? reply) =>
        reply is List<object?> items
            ? items.Select(o => Encoding.Latin1.GetString(o as byte[] ?? throw new InvalidDataException($"not a bulk string: {o}"))).ToList()
            : throw new InvalidDataException($"not an array: {reply}");

    private static object? Parse(byte[] d, ref int p)
    {
        byte type = d[p];
        int end = p;
        while (d[end] != '\r') end++;
        string line = Encoding.Latin1.GetString(d, p + 1, end - p - 1);
        p = end + 2;
        switch (type)
        {
            case (byte)'+':
                return line;
            case (byte)'-':
                return new RespError(line);
            case (byte)':':
                return long.Parse(line);
            case (byte)'$':
            {
                int n = int.Parse(line);
                if (n < 0) return null;
                byte[] bulk = d.AsSpan(p, n).ToArray();
                p += n + 2;
                return bulk;
            }
            case (byte)'*':
            {
                int n = int.Parse(line);
                if (n < 0) return null;
                var items = new List<object?>(n);
                for (int i = 0; i < n; i++) items.Add(Parse(d, ref p));
                return items;
            }
            default:
                throw new InvalidDataException($"unexpected reply type {(char)type}");
        }
    }
}

/// <summary>An error reply.</summary>
public sealed record RespError(string Message);
