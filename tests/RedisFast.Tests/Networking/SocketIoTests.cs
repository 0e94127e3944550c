using System.Net.Sockets;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>Receive and send paths through real sockets: split commands, big values, pipelining, limits.</summary>
[Collection(ServerCollection.Name)]
public sealed class SocketIoTests(ServerFixture f)
{
    [Fact]
    public void AcceptedSocketsKeepAliveAsRedisSetsThem()
    {
        // anet.c anetKeepAlive with tcp-keepalive 300 (the default): idle 300 s, probes every 100 s, 3 of them.
        using RawClient c = f.Connect();
        long id = long.Parse(c.Call("CLIENT", "ID")[1..^2]);
        Socket socket = f.Server.Clients[id].Connection.Socket!;
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(300, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(100, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(3, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
    }

    [Fact]
    public void CommandSplitAcrossTwoWritesWithAPauseCompletes()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        byte[] set = RawClient.Encode("SET", key, "split-value");
        for (int split = 1; split < set.Length; split += 5)
        {
            c.Send(set[..split]);
            Thread.Sleep(20);
            c.Send(set[split..]);
            Assert.Equal("+OK\r\n", c.ReadReply());
        }
        c.Send("GET " + key[..3]);
        Thread.Sleep(20);
        c.Send(key[3..] + "\r\n");
        Assert.Equal("$11\r\nsplit-value\r\n", c.ReadReply());
    }

    [Fact]
    public void OneMegabyteValueSentOneByteAtATimeRoundTripsExactly()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        byte[] value = Pattern(1024 * 1024);
        byte[] command = RawClient.Encode(Encoding.ASCII.GetBytes("SET"), Encoding.ASCII.GetBytes(key), value);
        // Nagle on: the kernel may merge the tiny writes, but the server still sees the value in many small reads.
        c.Socket.NoDelay = false;
        for (int i = 0; i < command.Length; i++) c.Socket.Send(command, i, 1, SocketFlags.None);
        Assert.Equal("+OK\r\n", c.ReadReply());
        c.Send(RawClient.Encode("GET", key));
        Assert.Equal(BulkReply(value), c.ReadReplyBytes());
    }

    [Fact]
    public void TenMegabyteValueRoundTripsExactly()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        byte[] value = Pattern(10 * 1024 * 1024);
        c.Send(RawClient.Encode(Encoding.ASCII.GetBytes("SET"), Encoding.ASCII.GetBytes(key), value));
        Assert.Equal("+OK\r\n", c.ReadReply());
        c.Send(RawClient.Encode("GET", key));
        Assert.Equal(BulkReply(value), c.ReadReplyBytes());
    }

    [Fact]
    public void ThousandPipelinedCommandsInOneWriteAreAnsweredInOrder()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        var pipeline = new MemoryStream();
        for (int i = 0; i < 1000; i++)
        {
            pipeline.Write(i % 2 == 0 ? RawClient.Encode("SET", key, "v" + i) : RawClient.Encode("GET", key));
        }
        c.Send(pipeline.ToArray());
        for (int i = 0; i < 1000; i++)
        {
            string expected = i % 2 == 0 ? "+OK\r\n" : $"${("v" + (i - 1)).Length}\r\nv{i - 1}\r\n";
            Assert.Equal(expected, c.ReadReply());
        }
    }

    [Fact]
    public void ProtocolErrorRepliesAndClosesOnlyThatConnection()
    {
        using RawClient bad = f.Connect();
        using RawClient good = f.Connect();
        Assert.Equal("+PONG\r\n", good.Call("PING"));
        bad.Send("*1\r\n$4\r\nPING\r\n*1\r\nfoo\r\n");
        Assert.Equal("+PONG\r\n", bad.ReadReply());
        Assert.Equal("-ERR Protocol error: expected '$', got 'f'\r\n", bad.ReadReply());
        Assert.True(bad.IsClosedByServer());
        Assert.Equal("+PONG\r\n", good.Call("PING"));
    }

    [Fact]
    public void RepliesOfOnePipelinedReadLeaveInOneSend()
    {
        using var server = new TestServer();
        using RawClient c = server.Connect();
        Assert.Equal("+PONG\r\n", c.Call("PING"));
        long before = Interlocked.Read(ref server.Server.Stats.SendCalls);
        var pipeline = new StringBuilder();
        for (int i = 0; i < 50; i++) pipeline.Append("*1\r\n$4\r\nPING\r\n");
        c.Send(pipeline.ToString());
        for (int i = 0; i < 50; i++) Assert.Equal("+PONG\r\n", c.ReadReply());
        Assert.Equal(1, Interlocked.Read(ref server.Server.Stats.SendCalls) - before);
    }

    [Fact]
    public void BulkLongerThanProtoMaxBulkLenIsRefusedWithAProtocolError()
    {
        using var server = new TestServer(c => c.ProtoMaxBulkLen = 1000);
        using RawClient c = server.Connect();
        Assert.Equal("+OK\r\n", c.Call("SET", "k", new string('x', 1000)));
        c.Send(RawClient.Encode("SET", "k", new string('x', 1001)));
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", c.ReadReply());
        Assert.True(c.IsClosedByServer());
    }

    [Fact]
    public void ClientOverQueryBufferLimitIsClosedAndOthersGoOn()
    {
        using var server = new TestServer(c => c.ClientQueryBufferLimit = 1024 * 1024);
        using RawClient other = server.Connect();
        using RawClient greedy = server.Connect();
        Assert.Equal("+PONG\r\n", greedy.Call("PING"));
        // A 2 MB bulk is within proto-max-bulk-len but its partial command outgrows the 1 MB query buffer limit.
        greedy.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n");
        try
        {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 24; i++) greedy.Send(chunk);
        }
        catch (SocketException)
        {
            // The server may already have closed: that is the expected outcome.
        }
        Assert.True(greedy.IsClosedByServer());
        Assert.Equal("+PONG\r\n", other.Call("PING"));
        Assert.Equal("$-1\r\n", other.Call("GET", "k"));
    }

    [Fact]
    public void AnnouncedHugeBulkWithFewBytesSentDoesNotGrowTheReceiveBuffer()
    {
        using var server = new TestServer();
        using RawClient c = server.Connect();
        Assert.Equal("+PONG\r\n", c.Call("PING"));
        c.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$524288000\r\n");
        // Each piece is its own receive: wait until the server has read it before sending the next one.
        for (int i = 0; i < 20; i++)
        {
            long received = server.OnLoop(static s => s.Stats.NetInputBytes);
            c.Send("0123456789");
            SpinWait.SpinUntil(() => server.OnLoop(static s => s.Stats.NetInputBytes) > received, 5000);
        }
        Assert.InRange(server.MaxQueryBufferCapacity(), 1, 64 * 1024);
        using RawClient other = server.Connect();
        Assert.Equal("+PONG\r\n", other.Call("PING"));
    }

    [Fact]
    public void ConnectionBeyondMaxClientsIsToldAndClosed()
    {
        using var server = new TestServer(c => c.MaxClients = 2);
        using RawClient first = server.Connect();
        using RawClient second = server.Connect();
        Assert.Equal("+PONG\r\n", first.Call("PING"));
        Assert.Equal("+PONG\r\n", second.Call("PING"));
        using RawClient third = server.Connect();
        Assert.Equal("-ERR max number of clients reached\r\n", third.ReadReply());
        Assert.True(third.IsClosedByServer());
        Assert.Equal("+PONG\r\n", first.Call("PING"));
    }

    internal static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte)(i % 251 == 0 ? '\r' : i % 253 == 0 ? '\n' : i * 7 + (i >> 10));
        return bytes;
    }

    internal static byte[] BulkReply(byte[] value) => [.. Encoding.ASCII.GetBytes($"${value.Length}\r\n"), .. value, .. "\r\n"u8];
}
