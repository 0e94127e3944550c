using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// CLIENT REPLY ON|OFF|SKIP against redis-server 7.0: the same pipelined commands must produce the same bytes on the
/// wire, replies dropped exactly where Redis drops them; pub/sub messages still delivered, and the MONITOR feed not.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ClientReplyTests(DifferentialFixture f)
{
    [Fact]
    public void RepliesAreDroppedWhereRedisServerDropsThem()
    {
        string[][] script =
        [
            ["CLIENT", "REPLY", "OFF"],
            ["SET", "reply:a", "1"],
            ["GET", "reply:a"],
            ["NOSUCHCOMMAND"],
            ["CLIENT", "REPLY", "ON"],
            ["GET", "reply:a"],
            ["CLIENT", "REPLY", "SKIP"],
            ["GET", "reply:a"],
            ["INCR", "reply:a"],
            ["CLIENT", "REPLY", "SKIP"],
            ["CLIENT", "REPLY", "SKIP"],
            ["INCR", "reply:a"],
            ["INCR", "reply:a"],
            ["CLIENT", "REPLY", "OFF"],
            ["CLIENT", "REPLY", "SKIP"],
            ["GET", "reply:a"],
            ["CLIENT", "REPLY", "ON"],
            ["CLIENT", "REPLY", "SKIP"],
            ["CLIENT", "REPLY", "ON"],
            ["GET", "reply:a"],
            ["CLIENT", "REPLY", "MAYBE"],
            ["CLIENT", "REPLY"],
            ["MULTI"],
            ["CLIENT", "REPLY", "OFF"],
            ["INCR", "reply:a"],
            ["EXEC"],
            ["GET", "reply:a"],
            ["CLIENT", "REPLY", "ON"],
            ["DEL", "reply:a"],
        ];
        Assert.Equal(Run(f.Real.Port, script), Run(f.Fast.Port, script));
    }

    [Fact]
    public void ASubscriberWithRepliesOffStillGetsItsSubscriptionAndMessages()
    {
        Assert.Equal(Subscribe(f.Real.Port), Subscribe(f.Fast.Port));
    }

    /// <summary>The script pipelined in one write, then everything the server sent back up to the final ECHO's reply.</summary>
    private static string Run(int port, string[][] script)
    {
        using var c = new RawClient("127.0.0.1", port);
        c.Send(script.Append(["ECHO", "end"]).SelectMany(command => RawClient.Encode(command)).ToArray());
        var wire = new StringBuilder();
        while (!wire.ToString().EndsWith("$3\r\nend\r\n", StringComparison.Ordinal)) wire.Append(c.ReadReply());
        return wire.ToString();
    }

    [Fact]
    public void AMonitorWithRepliesOffIsFedNothingUntilRepliesAreOn()
    {
        Assert.Equal(Monitor(f.Real.Port), Monitor(f.Fast.Port));
    }

    private static string Monitor(int port)
    {
        using var monitor = new RawClient("127.0.0.1", port);
        using var c = new RawClient("127.0.0.1", port);
        var seen = new StringBuilder(monitor.Call("MONITOR"));
        monitor.Send(RawClient.Encode("CLIENT", "REPLY", "OFF"));
        // The feed of the monitor's own CLIENT REPLY OFF is dropped: a PING answered after it was executed.
        monitor.Send(RawClient.Encode("CLIENT", "REPLY", "ON"));
        seen.Append(monitor.ReadReply());
        c.Call("SET", "reply:monitored", "1");
        seen.Append(System.Text.RegularExpressions.Regex.Replace(monitor.ReadReply(), @"^\+[\d.]+ \[0 [^\]]+\]", "+T [0 C]"));
        seen.Append(System.Text.RegularExpressions.Regex.Replace(monitor.ReadReply(), @"^\+[\d.]+ \[0 [^\]]+\]", "+T [0 C]"));
        c.Call("DEL", "reply:monitored");
        return seen.ToString();
    }

    private static string Subscribe(int port)
    {
        using var subscriber = new RawClient("127.0.0.1", port);
        using var publisher = new RawClient("127.0.0.1", port);
        var seen = new StringBuilder();
        seen.Append(subscriber.Call("HELLO", "3").Length > 0 ? "hello\n" : "");
        subscriber.Send(RawClient.Encode("CLIENT", "REPLY", "OFF"));
        subscriber.Send(RawClient.Encode("SUBSCRIBE", "reply:channel"));
        // The subscription happened once a publish counts the subscriber.
        string count = "";
        for (int i = 0; i < 200 && count != ":1\r\n"; i++)
        {
            count = publisher.Call("PUBLISH", "reply:channel", "dropped");
            if (count != ":1\r\n") Thread.Sleep(10);
        }
        seen.Append("publish ").Append(count);
        seen.Append("on ").Append(subscriber.Call("CLIENT", "REPLY", "ON"));
        seen.Append("publish ").Append(publisher.Call("PUBLISH", "reply:channel", "delivered"));
        seen.Append("message ").Append(subscriber.ReadReply());
        return seen.ToString();
    }
}
