using System.Text;
using Xunit.Sdk;

namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// Runs the same command script against RedisFast and the real redis-server and asserts that every reply is
/// byte-for-byte the same. Each script runs on a fresh connection to each server, in a database the caller
/// flushes first if it needs a clean slate.
/// </summary>
public static class Differential
{
    /// <summary>
    /// Runs <paramref name="script"/> (one command per entry, arguments as strings) on both servers.
    /// Replies that depend on time or randomness can be normalized with <paramref name="normalize"/>.
    /// </summary>
    public static void AssertSameReplies(DifferentialFixture f, IEnumerable<string[]> script, Func<string, string>? normalize = null)
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        var diffs = new StringBuilder();
        int i = 0;
        foreach (string[] command in script)
        {
            string a = fast.Call(command);
            string b = real.Call(command);
            if (normalize is not null)
            {
                a = normalize(a);
                b = normalize(b);
            }
            if (a != b)
                diffs.AppendLine($"#{i} {string.Join(' ', command)}\n  redisfast: {Escape(a)}\n  redis:     {Escape(b)}");
            i++;
        }
        if (diffs.Length > 0) throw new XunitException("Replies differ from redis-server:\n" + diffs);
    }

    /// <summary>
    /// For steps that change what the whole server does (passwords, SLOWLOG, ...): runs them on a RedisFast and a
    /// redis-server 7.0 started for this call alone, each step on the named connection (opened at its first step),
    /// and asserts every normalized reply is the same.
    /// </summary>
    public static void AssertSameRepliesOnOwnServers(IReadOnlyList<(string Connection, string[] Command)> steps, Func<string, string> normalize)
    {
        using var fast = new RedisFast.Server.RedisServer(new RedisFast.Server.ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var real = new RealRedisFixture();
        List<string> expected = RunSteps(real.Port, steps, normalize);
        List<string> actual = RunSteps(fast.Port, steps, normalize);
        for (int i = 0; i < steps.Count; i++)
        {
            string step = $"{steps[i].Connection}: {string.Join(' ', steps[i].Command.Select(a => a.Length > 20 ? a[..20] + "..." : a))}";
            Assert.True(expected[i] == actual[i], $"#{i} {step}\n redis-server: {Escape(expected[i])}\n redisfast:    {Escape(actual[i])}");
        }
    }

    private static List<string> RunSteps(int port, IReadOnlyList<(string Connection, string[] Command)> steps, Func<string, string> normalize)
    {
        var connections = new Dictionary<string, RawClient>();
        try
        {
            var replies = new List<string>();
            foreach ((string name, string[] command) in steps)
            {
                if (!connections.TryGetValue(name, out RawClient? c)) connections[name] = c = new RawClient("127.0.0.1", port);
                replies.Add(normalize(c.Call(command)));
            }
            return replies;
        }
        finally
        {
            foreach (RawClient c in connections.Values) c.Dispose();
        }
    }

    /// <summary>Parses a script written one command per line, arguments split like redis-cli (quotes allowed).</summary>
    public static IEnumerable<string[]> Script(string text)
    {
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            yield return SplitArgs(line);
        }
    }

    public static string[] SplitArgs(string line)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false, any = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (inQuotes)
            {
                if (c == '\\' && i + 1 < line.Length) { current.Append(line[++i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var o => o }); }
                else if (c == '"') inQuotes = false;
                else current.Append(c);
            }
            else if (c == '"') { inQuotes = true; any = true; }
            else if (c == ' ')
            {
                if (any || current.Length > 0) args.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else current.Append(c);
        }
        if (any || current.Length > 0) args.Add(current.ToString());
        return args.ToArray();
    }

    public static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
}
