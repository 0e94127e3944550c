using System.Text;
using RedisFast.Tests.Infrastructure;
using Xunit.Sdk;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Shared helpers of the hash and set tests: differential scripts in a chosen protocol, and comparisons of
/// hashtable-encoded replies whose element order is the table's own (so both sides are compared sorted).
/// </summary>
internal static class HashSetTestHelpers
{
    /// <summary>Runs <paramref name="script"/> on both servers after HELLO <paramref name="protocol"/> (whose reply, with its client id, is not compared).</summary>
    public static void AssertSameReplies(DifferentialFixture f, string protocol, string script)
    {
        var commands = new List<string[]> { new[] { "HELLO", protocol } };
        commands.AddRange(Differential.Script(script));
        Differential.AssertSameReplies(f, commands, static reply =>
            reply.StartsWith("%7\r\n$6\r\nserver", StringComparison.Ordinal) || reply.StartsWith("*14\r\n$6\r\nserver", StringComparison.Ordinal)
                ? "(hello)" : reply);
    }

    /// <summary>
    /// Sends each command to both servers; replies must be the same except for the order of the elements of a
    /// top-level aggregate (pairs kept together when <paramref name="pairs"/>), which is compared sorted.
    /// </summary>
    public static void AssertSameUnordered(DifferentialFixture f, string protocol, bool pairs, params string[][] commands)
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        fast.Call("HELLO", protocol);
        real.Call("HELLO", protocol);
        var diffs = new StringBuilder();
        foreach (string[] command in commands)
        {
            string a = Canonical(fast.Call(command), pairs);
            string b = Canonical(real.Call(command), pairs);
            if (a != b) diffs.AppendLine($"{string.Join(' ', command)}\n  redisfast: {Differential.Escape(a)}\n  redis:     {Differential.Escape(b)}");
        }
        if (diffs.Length > 0) throw new XunitException("Replies differ from redis-server:\n" + diffs);
    }

    /// <summary>The header line of an aggregate reply followed by its elements sorted (elements: whole lines of bulk strings or integers).</summary>
    public static string Canonical(string reply, bool pairs)
    {
        if (reply.Length == 0 || "*~%".IndexOf(reply[0]) < 0) return reply;
        List<string> items = Elements(reply, out string header);
        if (pairs)
        {
            var joined = new List<string>();
            for (int i = 0; i + 1 < items.Count; i += 2) joined.Add(items[i] + items[i + 1]);
            items = joined;
        }
        items.Sort(StringComparer.Ordinal);
        return header + string.Concat(items);
    }

    /// <summary>The elements (bulk strings, integers, nulls) of a flat aggregate reply, each as its raw text.</summary>
    public static List<string> Elements(string reply, out string header)
    {
        int p = reply.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        header = reply[..p];
        var items = new List<string>();
        while (p < reply.Length)
        {
            int end = reply.IndexOf("\r\n", p, StringComparison.Ordinal) + 2;
            if (reply[p] == '$' && reply[p + 1] != '-')
            {
                int length = int.Parse(reply.AsSpan(p + 1, end - p - 3));
                end += length + 2;
            }
            items.Add(reply[p..end]);
            p = end;
        }
        return items;
    }

    /// <summary>The bulk-string payloads of a flat aggregate reply.</summary>
    public static List<string> Bulks(string reply)
    {
        var values = new List<string>();
        foreach (string item in Elements(reply, out _))
        {
            int p = item.IndexOf("\r\n", StringComparison.Ordinal) + 2;
            values.Add(item[p..^2]);
        }
        return values;
    }

    /// <summary>A script line that sets <paramref name="count"/> fields f0.. (or members 0..) in one command.</summary>
    public static string Many(string command, string key, int count, bool withValues, string prefix = "", int valueLength = 1)
    {
        var sb = new StringBuilder(command).Append(' ').Append(key);
        for (int i = 0; i < count; i++)
        {
            sb.Append(' ').Append(prefix).Append(i);
            if (withValues) sb.Append(' ').Append(new string('v', valueLength));
        }
        return sb.ToString();
    }
}
