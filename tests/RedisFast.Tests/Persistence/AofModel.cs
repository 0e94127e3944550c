using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// A data set as canonical text per "db/key": read from a live server with commands, or built by replaying the
/// commands of an AOF base file (SELECT, SET, RPUSH, SADD, HMSET, ZADD, PEXPIREAT), so a base file can be compared
/// with the data set it was taken from.
/// </summary>
internal static class AofModel
{
    /// <summary>Every key of every database with its type, value and absolute expiry (read as <see cref="KeyspaceDump"/> does).</summary>
    public static SortedDictionary<string, string> Read(RawClient c)
    {
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyspaceDump.Entry e in KeyspaceDump.Read(c).Entries)
        {
            string value = e.Type switch
            {
                "hash" => string.Join(",", Pairs(e.Value).Order(StringComparer.Ordinal)),
                "zset" => string.Join(",", Pairs(e.Value)),
                _ => string.Join(",", e.Value),
            };
            model[e.Name] = e.Type + "|" + value + "|" + e.ExpireAtMs;
        }
        return model;
    }

    /// <summary>Replays a base file's commands into the same canonical form (keys expired before <paramref name="now"/> dropped).</summary>
    public static SortedDictionary<string, string> FromBase(byte[] file, long now = 0)
    {
        var types = new Dictionary<string, string>();
        var strings = new Dictionary<string, string>();
        var lists = new Dictionary<string, List<string>>();
        var sets = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, SortedDictionary<string, string>>();
        var zsets = new Dictionary<string, List<(string Member, string Score)>>();
        var expires = new Dictionary<string, long>();
        int db = 0;
        foreach (List<string> cmd in Commands(file))
        {
            string name = cmd[0].ToUpperInvariant();
            if (name == "SELECT")
            {
                db = int.Parse(cmd[1]);
                continue;
            }
            string k = db + "/" + cmd[1];
            switch (name)
            {
                case "SET": types[k] = "string"; strings[k] = cmd[2]; break;
                case "RPUSH": types[k] = "list"; Get(lists, k).AddRange(cmd.Skip(2)); break;
                case "SADD": types[k] = "set"; foreach (string m in cmd.Skip(2)) Get(sets, k).Add(m); break;
                case "HMSET":
                    types[k] = "hash";
                    for (int i = 2; i < cmd.Count; i += 2) Get(hashes, k)[cmd[i]] = cmd[i + 1];
                    break;
                case "ZADD":
                    types[k] = "zset";
                    for (int i = 2; i < cmd.Count; i += 2) Get(zsets, k).Add((cmd[i + 1], cmd[i]));
                    break;
                case "PEXPIREAT": expires[k] = long.Parse(cmd[2]); break;
                default: throw new InvalidOperationException("unexpected command in a base file: " + name);
            }
        }
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string k, string type) in types)
        {
            long expire = expires.TryGetValue(k, out long at) ? at : -1;
            if (expire != -1 && expire < now) continue;
            string value = type switch
            {
                "string" => strings[k],
                "list" => string.Join(",", lists[k]),
                "set" => string.Join(",", sets[k]),
                "hash" => string.Join(",", hashes[k].Select(p => p.Key + "=" + p.Value).Order(StringComparer.Ordinal)),
                _ => string.Join(",", zsets[k].OrderBy(m => double.Parse(m.Score)).ThenBy(m => m.Member, StringComparer.Ordinal).Select(m => m.Member + "=" + m.Score)),
            };
            model[k] = type + "|" + value + "|" + expire;
        }
        return model;
    }

    /// <summary>Differences as readable lines (empty when equal).</summary>
    public static List<string> Diff(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var lines = new List<string>();
        foreach ((string k, string v) in expected)
        {
            if (!actual.TryGetValue(k, out string? a)) lines.Add("missing " + k + " = " + Cut(v));
            else if (a != v) lines.Add("differs " + k + ": expected " + Cut(v) + " actual " + Cut(a));
        }
        foreach (string k in actual.Keys) if (!expected.ContainsKey(k)) lines.Add("extra " + k + " = " + Cut(actual[k]));
        return lines;
    }

    private static string Cut(string s) => s.Length > 120 ? s[..120] + "..." : s;

    private static TValue Get<TValue>(Dictionary<string, TValue> d, string k) where TValue : new()
    {
        if (!d.TryGetValue(k, out TValue? v)) d[k] = v = new TValue();
        return v;
    }

    private static IEnumerable<string> Pairs(List<string> items)
    {
        for (int i = 0; i + 1 < items.Count; i += 2) yield return items[i] + "=" + items[i + 1];
    }

    /// <summary>The commands of an AOF file (RESP arrays of bulk strings).</summary>
    public static IEnumerable<List<string>> Commands(byte[] file)
    {
        int p = 0;
        while (p < file.Length)
        {
            int count = ReadNumber(file, ref p, (byte)'*');
            var cmd = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                int n = ReadNumber(file, ref p, (byte)'$');
                cmd.Add(Encoding.UTF8.GetString(file, p, n));
                p += n + 2;
            }
            yield return cmd;
        }
    }

    private static int ReadNumber(byte[] file, ref int p, byte kind)
    {
        if (file[p] != kind) throw new InvalidOperationException($"expected '{(char)kind}' at offset {p}");
        int end = Array.IndexOf(file, (byte)'\r', p);
        int n = int.Parse(Encoding.ASCII.GetString(file, p + 1, end - p - 1));
        p = end + 2;
        return n;
    }
}
