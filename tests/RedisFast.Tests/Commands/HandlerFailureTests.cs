using RedisFast.Commands;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

public sealed class HandlerFailureTests
{
    [Fact]
    public void HandlerThatThrowsGetsAnErrorReplyAndTheConnectionGoesOn()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "nothing" });
        server.Commands.Add("x-throw", 1, CommandFlags.None, 0, 0, 0, static _ => throw new InvalidOperationException("bug"), "test");
        server.Start();
        using var client = new RawClient("127.0.0.1", server.Port);

        Assert.Equal("-ERR internal error executing 'x-throw': InvalidOperationException\r\n", client.Call("X-THROW"));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
    }

    [Fact]
    public void HandlerThatThrowsAfterWritingPartOfItsReplyClosesTheConnectionAfterTheError()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "nothing" });
        server.Commands.Add("x-half", 1, CommandFlags.None, 0, 0, 0, static c =>
        {
            c.Reply.WriteArrayHeader(2);
            throw new InvalidOperationException("bug");
        }, "test");
        server.Start();
        using var client = new RawClient("127.0.0.1", server.Port);

        client.Send(RawClient.Encode("X-HALF"));
        Assert.Equal("*2\r\n-ERR internal error executing 'x-half': InvalidOperationException\r\n", System.Text.Encoding.ASCII.GetString(client.ReadExactly(71)));
        Assert.True(client.IsClosedByServer());
    }
}
