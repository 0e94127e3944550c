using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// The whole data set of a server as text, through commands only (so RedisFast and redis-server compare alike):
/// per database and key in sorted order, its type, its value (members sorted where the type is unordered) and
/// whether it has a TTL.
/// </summary>
internal static class KeyspaceDump
{
    public static string Of(RawClient c, int databases = 16)
    {
        var text = new StringBuilder();
        for (int db = 0; db < databases; db++)
        {
            Assert.Equal("+OK\r\n", c.Call("SELECT", db.ToString()));
            var keys = new List<string>();
            string cursor = "0";
            do
            {
                string[] reply = Lines(c.Call("SCAN", cursor, "COUNT", "1000"));
                cursor = reply[0];
                keys.AddRange(reply.Skip(1));
            }
            while (cursor != "0");
            keys.Sort(StringComparer.Ordinal);
            foreach (string key in keys)
            {
                string type = c.Call("TYPE", key).Trim();
                string value = type switch
                {
                    "+string" => c.Call("GET", key),
                    "+list" => c.Call("LRANGE", key, "0", "-1"),
                    "+set" => string.Join(",", Lines(c.Call("SMEMBERS", key)).Order(StringComparer.Ordinal)),
                    "+hash" => string.Join(",", Pairs(Lines(c.Call("HGETALL", key))).Order(StringComparer.Ordinal)),
                    "+zset" => c.Call("ZRANGE", key, "0", "-1", "WITHSCORES"),
                    _ => throw new InvalidOperationException($"unexpected type {type} of {key}"),
                };
                bool ttl = c.Call("PTTL", key) != ":-1\r\n";
                text.Append(db).Append(' ').Append(key).Append(' ').Append(type).Append(ttl ? " ttl " : " ").Append(value).Append('\n');
            }
        }
        Assert.Equal("+OK\r\n", c.Call("SELECT", "0"));
        return text.ToString();
    }

    /// <summary>The bulk strings of a (possibly nested) array reply, in order.</summary>
    private static string[] Lines(string reply)
    {
        var items = new List<string>();
        string[] parts = reply.Split("\r\n");
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].StartsWith('$') && parts[i] != "$-1") items.Add(parts[++i]);
        }
        return [.. items];
    }

    private static IEnumerable<string> Pairs(string[] items)
    {
        for (int i = 0; i + 1 < items.Length; i += 2) yield return items[i] + "=" + items[i + 1];
    }
}
