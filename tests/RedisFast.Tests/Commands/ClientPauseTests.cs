using System.Diagnostics;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// CLIENT PAUSE and UNPAUSE against redis-server 7.0: the same error replies, the same commands held back under WRITE
/// and ALL (each probe on a connection of its own, classified by whether its reply waited for the pause's end), the
/// same replies once they run, in order, and expired keys kept while the pause holds.
/// </summary>
public sealed class ClientPauseTests
{
    /// <summary>Long enough that a held command is told from one served at once on a loaded machine.</summary>
    private const int PauseMs = 1000;

    [Fact]
    public void PauseAndUnpauseAnswerAsRedisServer()
    {
        var steps = new List<(string, string[])>
        {
            ("a", ["CLIENT", "PAUSE", "abc"]),
            ("a", ["CLIENT", "PAUSE", "-1"]),
            ("a", ["CLIENT", "PAUSE", "99999999999999999999"]),
            ("a", ["CLIENT", "PAUSE", "10", "maybe"]),
            ("a", ["CLIENT", "PAUSE", "abc", "maybe"]),
            ("a", ["CLIENT", "PAUSE", "10", "write", "extra"]),
            ("a", ["CLIENT", "PAUSE"]),
            ("a", ["CLIENT", "UNPAUSE", "x"]),
            ("a", ["CLIENT", "PAUSE", "0"]),
            ("a", ["SET", "pause:k", "v"]),
            ("a", ["CLIENT", "PAUSE", "100000", "WRITE"]),
            ("a", ["GET", "pause:k"]),
            ("a", ["CLIENT", "UNPAUSE"]),
            ("a", ["DEL", "pause:k"]),
        };
        Differential.AssertSameRepliesOnOwnServers(steps, static reply => reply);
    }

    [Theory]
    [InlineData("WRITE")]
    [InlineData("ALL")]
    public void ThePauseHoldsBackTheCommandsRedisServerHoldsBack(string mode)
    {
        using var fast = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var real = new RealRedisFixture();
        Assert.Equal(Probe(real.Port, mode), Probe(fast.Port, mode));
    }

    /// <summary>
    /// Pauses, sends each probe on its own connection, and reports for each whether its reply came only after the
    /// pause's end, with the reply.
    /// </summary>
    private static string Probe(int port, string mode)
    {
        string[][] probes =
        [
            ["GET", "pause:k"],
            ["SET", "pause:k", "1"],
            ["PING"],
            ["EVAL", "return 1", "0"],
            ["EVAL", "#!lua flags=no-writes\nreturn 2", "0"],
            ["PFCOUNT", "pause:h"],
            ["PUBLISH", "pause:c", "m"],
            ["INCR", "pause:n"],
            ["EXISTS", "pause:k"],
        ];
        using var pauser = new RawClient("127.0.0.1", port);
        pauser.Call("FLUSHALL");
        var clients = probes.Select(_ => new RawClient("127.0.0.1", port)).ToList();
        try
        {
            Assert.Equal("+OK\r\n", pauser.Call("CLIENT", "PAUSE", PauseMs.ToString(), mode));
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < probes.Length; i++) clients[i].Send(RawClient.Encode(probes[i]));
            // A thread per probe: each reply's time is its own (a pool would read a served reply after a held one).
            var results = new string[probes.Length];
            var readers = Enumerable.Range(0, probes.Length).Select(i => new Thread(() =>
            {
                string reply = clients[i].ReadReply();
                bool held = clock.ElapsedMilliseconds >= PauseMs / 2;
                results[i] = $"{string.Join(' ', probes[i]).Replace("\n", " ")}: {(held ? "held" : "served")} {reply.Trim()}";
            })).ToList();
            readers.ForEach(t => t.Start());
            readers.ForEach(t => t.Join());
            return string.Join('\n', results);
        }
        finally
        {
            foreach (RawClient c in clients) c.Dispose();
        }
    }

    [Fact]
    public void PipelinedCommandsAfterAHeldOneWaitAndRunInOrderWhenUnpaused()
    {
        using var fast = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var pauser = new RawClient("127.0.0.1", fast.Port);
        using var c = new RawClient("127.0.0.1", fast.Port);
        c.Call("SET", "pause:k", "0");
        pauser.Call("CLIENT", "PAUSE", "100000", "WRITE");
        c.Send(RawClient.Encode("CLIENT", "REPLY", "SKIP").Concat(RawClient.Encode("INCR", "pause:k")).Concat(RawClient.Encode("GET", "pause:k")).ToArray());
        // The GET behind the held INCR must not run first: nothing comes back while the pause holds.
        Assert.Equal("$1\r\n0\r\n", pauser.Call("GET", "pause:k"));
        Thread.Sleep(100);
        Assert.Equal("$1\r\n0\r\n", pauser.Call("GET", "pause:k"));
        Assert.Equal("+OK\r\n", pauser.Call("CLIENT", "UNPAUSE"));
        // The INCR's reply is the one CLIENT REPLY SKIP drops; then the GET's.
        Assert.Equal("$1\r\n1\r\n", c.ReadReply());
    }

    [Fact]
    public void KeysThatExpireDuringAPauseReadAsMissingButStayUntilItEnds()
    {
        using var fast = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var real = new RealRedisFixture();
        Assert.Equal(Expiry(real.Port), Expiry(fast.Port));
    }

    private static string Expiry(int port)
    {
        using var c = new RawClient("127.0.0.1", port);
        c.Call("FLUSHALL");
        c.Call("SET", "pause:e", "v", "PX", "100");
        c.Call("SET", "pause:kept", "v");
        c.Call("CLIENT", "PAUSE", "100000", "WRITE");
        Thread.Sleep(300);
        string during = c.Call("GET", "pause:e") + c.Call("EXISTS", "pause:e") + c.Call("DBSIZE") + c.Call("RANDOMKEY").Length;
        c.Call("CLIENT", "UNPAUSE");
        c.Call("GET", "pause:e");
        return during + " after " + c.Call("DBSIZE");
    }
}
