using System.Net;
using System.Net.Sockets;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

public sealed class ServerConfigListenerTests
{
    [Fact]
    public void ConfigSetPortMovesTheListenerToTheNewPort()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], LogLevel = "warning" });
        server.Start();
        int oldPort = server.Port, newPort = RealRedisFixture.FreePort();
        using (var c = new RawClient("127.0.0.1", oldPort))
        {
            Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "port", newPort.ToString()));
            // The connection that made the change stays open.
            Assert.Equal("+PONG\r\n", c.Call("PING"));
        }
        Assert.Equal(newPort, server.Port);
        using (var c = new RawClient("127.0.0.1", newPort)) Assert.Equal("+PONG\r\n", c.Call("PING"));
        Assert.Throws<SocketException>(() => new RawClient("127.0.0.1", oldPort).Dispose());
    }

    [Fact]
    public void ConfigSetPortToAPortInUseFailsAndKeepsListening()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], LogLevel = "warning" });
        server.Start();
        int oldPort = server.Port;
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int busy = ((IPEndPoint)taken.LocalEndpoint).Port;
        try
        {
            using var c = new RawClient("127.0.0.1", oldPort);
            Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port\r\n",
                c.Call("CONFIG", "SET", "port", busy.ToString()));
            Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
                c.Call("CONFIG", "SET", "bind", "127.0.0.1 not-an-address"));
            Assert.Equal("*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n", c.Call("CONFIG", "GET", "bind"));
        }
        finally
        {
            taken.Stop();
        }
        Assert.Equal(oldPort, server.Port);
        using (var c = new RawClient("127.0.0.1", oldPort)) Assert.Equal("+PONG\r\n", c.Call("PING"));
    }
}
