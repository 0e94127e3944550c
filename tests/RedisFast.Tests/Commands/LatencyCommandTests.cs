using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// LATENCY against redis-server 7.0 on servers of each test's own: the monitor's commands with no samples, and the
/// per-command histograms of latency-tracking (LATENCY HISTOGRAM, INFO latencystats), compared by their shape and
/// counts (the microseconds themselves differ from run to run).
/// </summary>
public sealed partial class LatencyCommandTests
{
    [Fact]
    public void TheLatencyMonitorWithoutSamplesAnswersLikeRedis()
    {
        (string, string[])[] steps =
        [
            ("c", ["LATENCY", "DOCTOR"]), ("c", ["LATENCY", "LATEST"]), ("c", ["LATENCY", "HISTORY", "command"]),
            ("c", ["LATENCY", "RESET"]), ("c", ["LATENCY", "RESET", "command", "fork"]), ("c", ["LATENCY", "GRAPH", "command"]),
            ("c", ["LATENCY", "HELP"]), ("c", ["LATENCY", "NOSUCH"]), ("c", ["LATENCY"]), ("c", ["LATENCY", "HISTORY"]),
            ("c", ["CONFIG", "SET", "latency-monitor-threshold", "1000"]), ("c", ["LATENCY", "DOCTOR"]),
            ("c", ["HELLO", "3"]), ("c", ["LATENCY", "DOCTOR"]), ("c", ["LATENCY", "LATEST"]),
            ("c", ["COMMAND", "INFO", "latency|doctor", "latency|graph", "latency|history", "latency|latest"]),
            ("c", ["COMMAND", "INFO", "latency|reset", "latency|histogram", "latency|help"]),
        ];
        Differential.AssertSameRepliesOnOwnServers(steps, static reply => IdField().Replace(reply, "id\r\n:N\r\n"));
    }

    [Fact]
    public void LatencyHistogramsCountEveryCallLikeRedis()
    {
        using var fast = new RedisFast.Server.RedisServer(new RedisFast.Server.ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var real = new RealRedisFixture();
        var shapes = new List<string>();
        foreach (int port in new[] { real.Port, fast.Port })
        {
            using var c = new RawClient("127.0.0.1", port);
            c.Call("CONFIG", "RESETSTAT");
            for (int i = 0; i < 5; i++) c.Call("SET", "k", "v");
            c.Call("GET", "k");
            c.Call("CONFIG", "GET", "maxmemory");
            var histogram = (List<object?>)RespReply.Parse(Latin1Commands.Reply(c, [.. new[] { "LATENCY", "HISTOGRAM", "set", "get", "config|get", "nosuch", "hset" }.Select(Latin1Commands.B)]))!;
            string info = c.Call("INFO", "latencystats");
            // Per command: its name, calls, and whether the cumulative counts grow at ascending bounds up to the calls.
            var shape = new List<string>();
            for (int j = 0; j < histogram.Count; j += 2)
            {
                var fields = (List<object?>)histogram[j + 1]!;
                long calls = (long)fields[1]!;
                var levels = (List<object?>)fields[3]!;
                bool ordered = true;
                for (int k = 2; k < levels.Count; k += 2) ordered &= (long)levels[k]! > (long)levels[k - 2]! && (long)levels[k + 1]! > (long)levels[k - 1]!;
                shape.Add($"{Latin1Commands.S((byte[])histogram[j]!)} calls={calls} last={(long)levels[^1]!} ordered={ordered}");
            }
            // (redis-server lists them in its dict order.)
            shape.AddRange(LatencyLine().Matches(info).Select(m => m.Groups[1].Value).Order());
            shapes.Add(string.Join("\n", shape));
        }
        Assert.Equal(shapes[0], shapes[1]);
        Assert.Contains("set calls=5 last=5 ordered=True", shapes[1]);
        Assert.Contains("latency_percentiles_usec_set", shapes[1]);
    }

    [GeneratedRegex(@"id\r\n:\d+\r\n")]
    private static partial Regex IdField();

    /// <summary>A latencystats line's name, when its value has Redis's shape.</summary>
    [GeneratedRegex(@"(latency_percentiles_usec_[a-z|]+):p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n")]
    private static partial Regex LatencyLine();
}
