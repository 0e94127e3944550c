using System.Net;
using System.Net.Sockets;
using RedisFast.Server;

namespace RedisFast.Networking;

/// <summary>Accepts connections on one address with a reused SocketAsyncEventArgs and hands them to the loop.</summary>
internal sealed class Listener : IDisposable
{
    private readonly RedisServer _server;
    private readonly Socket _socket;
    private readonly SocketAsyncEventArgs _acceptArgs = new();
    private volatile bool _disposed;

    public Listener(RedisServer server, IPEndPoint endpoint, int backlog)
    {
        _server = server;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6) _socket.DualMode = false;
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(backlog);
        _acceptArgs.Completed += (_, e) => OnAccepted(e);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Start() => AcceptNext();

    private void AcceptNext()
    {
        while (!_disposed)
        {
            _acceptArgs.AcceptSocket = null;
            bool pending;
            try
            {
                pending = _socket.AcceptAsync(_acceptArgs);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (pending) return;
            Accept(_acceptArgs);
        }
    }

    private void OnAccepted(SocketAsyncEventArgs e)
    {
        Accept(e);
        AcceptNext();
    }

    private void Accept(SocketAsyncEventArgs e)
    {
        if (e.SocketError != SocketError.Success)
        {
            if (!_disposed && e.SocketError != SocketError.OperationAborted)
                _server.Log.Warning($"Accepting client connection: {e.SocketError}");
            return;
        }
        Socket socket = e.AcceptSocket!;
        try
        {
            socket.NoDelay = true;
            int keepAlive = _server.Config.TcpKeepAlive;
            if (keepAlive > 0)
            {
                // anet.c anetKeepAlive: the first probe after tcp-keepalive seconds, then one every third of it, and
                // the peer is dead after three unanswered probes.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, keepAlive);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, Math.Max(1, keepAlive / 3));
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            }
            new Connection(_server, socket).Start();
        }
        catch (SocketException)
        {
            socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
            socket.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _socket.Dispose();
    }
}
