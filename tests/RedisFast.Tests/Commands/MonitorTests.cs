using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// MONITOR against redis-server 7.0 on the shared differential servers: the same commands from one connection give
/// the same feed on a monitoring one (timestamps and client addresses normalized), and a monitoring client is
/// refused the keyspace with Redis's error.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class MonitorTests(DifferentialFixture f)
{
    [GeneratedRegex(@"^\+\d{10}\.\d{6} \[(\d+) (?:127\.0\.0\.1:\d+|(lua))\] ")]
    private static partial Regex LinePrefix();

    /// <summary>Runs <paramref name="script"/> on one connection while another monitors; returns both sides' replies.</summary>
    private static (List<string> Replies, List<string> Feed, List<string> MonitorReplies) Run(int port, string[][] script, string[][] fromMonitor)
    {
        using var monitor = new RawClient("127.0.0.1", port);
        using var client = new RawClient("127.0.0.1", port);
        Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
        var replies = script.Select(command => client.Call(command)).ToList();
        var monitorReplies = new List<string>();
        var feed = new List<string>();
        foreach (string[] command in fromMonitor)
        {
            monitor.Send(RawClient.Encode(command));
            // Feed lines of the script come first; the monitor's own command shows in the feed after its reply.
            string reply = monitor.ReadReply();
            while (LinePrefix().IsMatch(reply))
            {
                feed.Add(reply);
                reply = monitor.ReadReply();
            }
            monitorReplies.Add(reply);
        }
        // The feed of the script, then an end marker from the client.
        client.Call("ECHO", "end-of-feed");
        while (true)
        {
            string line = monitor.ReadReply();
            feed.Add(line);
            if (line.Contains("end-of-feed", StringComparison.Ordinal)) break;
        }
        return (replies, feed.Select(l => LinePrefix().Replace(l, "+T [$1 ADDR$2] ")).ToList(), monitorReplies);
    }

    [Fact]
    public void TheFeedShowsWhatRedisShows()
    {
        string[][] script =
        [
            ["SET", "mon:a", "a\"b\nc\\d\u0001"], ["GET", "mon:a"], ["MULTI"], ["INCR", "mon:n"], ["MONITOR"], ["EXEC"],
            ["SELECT", "3"], ["GET", "mon:x"], ["SELECT", "0"], ["CONFIG", "GET", "databases"], ["AUTH", "secret"], ["NOSUCH", "x"],
            ["GET"], ["HELLO", "2", "AUTH", "default", "pwd"], ["DEL", "mon:a", "mon:n"], ["PING"],
        ];
        string[][] fromMonitor = [["PING"], ["GET", "mon:a"], ["ECHO", "hi"]];
        (List<string> Replies, List<string> Feed, List<string> MonitorReplies) fast = Run(f.Fast.Port, script, fromMonitor);
        (List<string> Replies, List<string> Feed, List<string> MonitorReplies) real = Run(f.Real.Port, script, fromMonitor);
        // HELLO's reply carries the client id: compared by its first line only.
        int hello = Array.FindIndex(script, c => c[0] == "HELLO");
        fast.Replies[hello] = fast.Replies[hello].Split('\n')[0];
        real.Replies[hello] = real.Replies[hello].Split('\n')[0];
        Assert.Equal(real.Replies, fast.Replies);
        Assert.Equal(real.MonitorReplies, fast.MonitorReplies);
        Assert.Equal(real.Feed, fast.Feed);
    }

    [Fact]
    public void ScriptsShowBeforeTheirCommandsWhichComeFromLua()
    {
        string[][] script =
        [
            ["EVAL", "redis.call('set', KEYS[1], 'v') redis.call('select', 2) return redis.call('get', KEYS[1])", "1", "mon:s"],
            ["EVAL", "return 1", "x"], ["EVAL", "syntax error", "0"], ["EVALSHA", new string('0', 40), "0"],
            ["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "mon:s"], ["SCRIPT", "LOAD", "return 1"],
            ["MULTI"], ["EVAL", "return redis.call('del', KEYS[1])", "1", "mon:s"], ["EXEC"],
        ];
        (List<string> Replies, List<string> Feed, List<string> MonitorReplies) fast = Run(f.Fast.Port, script, []);
        (List<string> Replies, List<string> Feed, List<string> MonitorReplies) real = Run(f.Real.Port, script, []);
        Assert.Equal(real.Replies, fast.Replies);
        Assert.Equal(real.Feed, fast.Feed);
    }

    [Fact]
    public void ASecondMonitorAnswersNothing()
    {
        foreach (int port in new[] { f.Fast.Port, f.Real.Port })
        {
            using var monitor = new RawClient("127.0.0.1", port);
            Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
            monitor.Send(RawClient.Encode("MONITOR"));
            monitor.Send(RawClient.Encode("ECHO", "after"));
            // No reply to the second MONITOR: ECHO's reply comes next, then its own line in the feed.
            Assert.Equal("$5\r\nafter\r\n", monitor.ReadReply());
            Assert.Matches(LinePrefix(), monitor.ReadReply());
        }
    }

    [Fact]
    public void AMonitoringClientShowsInClientListWithFlagO()
    {
        using var monitor = new RawClient("127.0.0.1", f.Fast.Port);
        using var client = new RawClient("127.0.0.1", f.Fast.Port);
        Assert.Equal("+OK\r\n", monitor.Call("CLIENT", "SETNAME", "watcher"));
        Assert.Equal("+OK\r\n", monitor.Call("MONITOR"));
        string list = client.Call("CLIENT", "LIST");
        Assert.Matches(@"name=watcher [^\n]* flags=O ", list);
        // Gone from the feed once disconnected: the next commands still run.
        monitor.Dispose();
        Assert.Equal("+PONG\r\n", client.Call("PING"));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
    }
}
