using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// The whole data set of a server, read through commands only (so RedisFast and redis-server compare alike): every key
/// of every database in sorted order, its type, its value (members sorted where the type is unordered) and its
/// absolute expiry (PEXPIRETIME, so two dumps taken at different times still compare). Keys and values are Latin-1.
/// </summary>
internal sealed class KeyspaceDump
{
    /// <summary>Redis's default number of databases, which every server of these tests keeps.</summary>
    private const int Databases = 16;

    /// <summary>How far two expiry times may be apart (a TTL set relative to each server's clock).</summary>
    private const long ExpiryToleranceMs = 1000;

    private KeyspaceDump(List<Entry> entries) => Entries = entries;

    /// <summary>One key: its value as a list of strings (a string's one, a hash's fields and values sorted by field).</summary>
    public sealed record Entry(int Db, string Key, string Type, List<string> Value, long ExpireAtMs)
    {
        public string Name => $"{Db}/{Key}";
    }

    public IReadOnlyList<Entry> Entries { get; }

    public static KeyspaceDump Read(RawClient c) => Read(args => Reply(c, args));

    /// <summary>Reads <paramref name="server"/> (started or not) through a detached connection.</summary>
    public static KeyspaceDump Read(RedisServer server)
    {
        var c = new Connection(server, null);
        try
        {
            return Read(args => Reply(c, args));
        }
        finally
        {
            c.Close();
        }
    }

    /// <summary>The dump as text, with whether each key has a TTL but not the TTL itself, for comparing as a string.</summary>
    public static string Of(RawClient c) => Read(c).ToString();

    /// <summary>
    /// The same keys in the same databases, with the same types and values, and expiry times within
    /// <see cref="ExpiryToleranceMs"/> of each other (or none on both sides).
    /// </summary>
    public static void AssertSame(KeyspaceDump expected, KeyspaceDump actual)
    {
        Assert.Equal(expected.Entries.Select(e => e.Name), actual.Entries.Select(e => e.Name));
        for (int i = 0; i < expected.Entries.Count; i++)
        {
            Entry e = expected.Entries[i], a = actual.Entries[i];
            Assert.Equal([$"{e.Name}: {e.Type}", .. e.Value], [$"{a.Name}: {a.Type}", .. a.Value]);
            if (e.ExpireAtMs < 0 || a.ExpireAtMs < 0) Assert.Equal($"{e.Name}: PEXPIRETIME {e.ExpireAtMs}", $"{a.Name}: PEXPIRETIME {a.ExpireAtMs}");
            else Assert.True(Math.Abs(e.ExpireAtMs - a.ExpireAtMs) <= ExpiryToleranceMs, $"{e.Name}: PEXPIRETIME {e.ExpireAtMs} expected, {a.ExpireAtMs} actual");
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (Entry e in Entries)
        {
            text.Append(e.Db).Append(' ').Append(e.Key.Length).Append(':').Append(e.Key).Append(' ').Append(e.Type).Append(e.ExpireAtMs < 0 ? "" : " ttl");
            foreach (string v in e.Value) text.Append(' ').Append(v.Length).Append(':').Append(v);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static KeyspaceDump Read(Func<byte[][], byte[]> call)
    {
        object? Run(params string[] args) => RespReply.Parse(call([.. args.Select(B)]));
        List<string> Items(params string[] args) => RespReply.Strings(Run(args));
        var entries = new List<Entry>();
        for (int db = 0; db < Databases; db++)
        {
            Assert.Equal("OK", Run("SELECT", db.ToString()));
            foreach (string key in Items("KEYS", "*").Order(StringComparer.Ordinal))
            {
                string type = (string)Run("TYPE", key)!;
                if (type == "none") continue; // expired between KEYS and TYPE
                List<string> value = type switch
                {
                    "string" => [S((byte[])Run("GET", key)!)],
                    "list" => Items("LRANGE", key, "0", "-1"),
                    "set" => [.. Items("SMEMBERS", key).Order(StringComparer.Ordinal)],
                    "hash" => [.. Items("HGETALL", key).Chunk(2).OrderBy(p => p[0], StringComparer.Ordinal).SelectMany(p => p)],
                    "zset" => Items("ZRANGE", key, "0", "-1", "WITHSCORES"),
                    _ => throw new InvalidOperationException($"unexpected type {type} of {db}/{key}"),
                };
                entries.Add(new Entry(db, key, type, value, (long)Run("PEXPIRETIME", key)!));
            }
        }
        Assert.Equal("OK", Run("SELECT", "0"));
        return new KeyspaceDump(entries);
    }
}
