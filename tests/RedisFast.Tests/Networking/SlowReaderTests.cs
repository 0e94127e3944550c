using System.Net.Sockets;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>Replies that pile up faster than the client reads them: back-pressure and client-output-buffer-limit.</summary>
public sealed class SlowReaderTests
{
    private const int ValueSize = 100 * 1024;
    private const int Gets = 2000;

    [Fact]
    public void PipelinedBigRepliesBeyondTheBackPressureThresholdAreAllDelivered()
    {
        using var server = new TestServer();
        using RawClient c = server.Connect();
        byte[] value = SocketIoTests.Pattern(ValueSize);
        c.Send(RawClient.Encode("SET"u8.ToArray(), "big"u8.ToArray(), value));
        Assert.Equal("+OK\r\n", c.ReadReply());
        var pipeline = new MemoryStream();
        for (int i = 0; i < 40; i++) pipeline.Write(RawClient.Encode("GET", "big"));
        pipeline.Write(RawClient.Encode("PING"));
        c.Send(pipeline.ToArray());
        byte[] expected = SocketIoTests.BulkReply(value);
        for (int i = 0; i < 40; i++) Assert.Equal(expected, c.ReadReplyBytes());
        Assert.Equal("+PONG\r\n", c.ReadReply());
    }

    [Fact]
    public void ClientThatNeverReadsStopsBeingReadAndItsOutputStaysBounded()
    {
        using var server = new TestServer();
        using RawClient other = server.Connect();
        using Socket slow = StartSlowReader(server);
        WaitUntilCommandsStopProgressing(server);
        long processed = server.OnLoop(static s => s.Stats.CommandsProcessed);
        Assert.True(processed < Gets, $"the server executed all {processed} commands of a client that reads nothing");
        Assert.InRange(server.MaxPendingOutput(), 0, 4 * 1024 * 1024);
        Assert.Equal("+PONG\r\n", other.Call("PING"));
    }

    [Fact]
    public void ClientThatNeverReadsIsClosedAtTheHardOutputLimitWhileOthersAreServed()
    {
        using var server = new TestServer(c => c.OutputBufferLimitNormal = new(1024 * 1024, 0, 0));
        using RawClient other = server.Connect();
        Assert.Equal("+PONG\r\n", other.Call("PING"));
        using Socket slow = StartSlowReader(server);
        Assert.True(SpinWait.SpinUntil(() => server.ClientCount() == 1, 10_000), "the slow client was not closed");
        Assert.Equal("+PONG\r\n", other.Call("PING"));
    }

    /// <summary>Stores a 100 KB value, then pipelines GETs of it on a socket that is never read from.</summary>
    private static Socket StartSlowReader(TestServer server)
    {
        using (RawClient setup = server.Connect())
        {
            setup.Send(RawClient.Encode("SET"u8.ToArray(), "big"u8.ToArray(), new byte[ValueSize]));
            Assert.Equal("+OK\r\n", setup.ReadReply());
        }
        var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        slow.Connect("127.0.0.1", server.Port);
        var pipeline = new MemoryStream();
        for (int i = 0; i < Gets; i++) pipeline.Write(RawClient.Encode("GET", "big"));
        slow.Send(pipeline.ToArray());
        return slow;
    }

    private static void WaitUntilCommandsStopProgressing(TestServer server)
    {
        long last = -1;
        for (int i = 0; i < 100; i++)
        {
            Thread.Sleep(100);
            long now = server.OnLoop(static s => s.Stats.CommandsProcessed);
            if (now == last && now > 1) return;
            last = now;
        }
    }
}
