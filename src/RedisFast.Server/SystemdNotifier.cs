using System.Net.Sockets;
using System.Text;
using RedisFast.Server;

namespace RedisFast.Host;

/// <summary>
/// supervised systemd, or auto with NOTIFY_SOCKET set (server.c redisCommunicateSystemd): the sd_notify messages
/// redis-server 7.0 sends, as datagrams to $NOTIFY_SOCKET, so a Type=notify unit such as Debian's
/// redis-server.service starts and stops RedisFast as it does Redis. supervised upstart is refused with a warning
/// (upstart signals readiness by stopping the process; nothing runs upstart any more).
/// </summary>
internal sealed class SystemdNotifier
{
    private readonly ServerLog _log;
    private readonly string? _socket;

    private SystemdNotifier(ServerLog log, string? socket)
    {
        _log = log;
        _socket = socket;
    }

    /// <summary>The notifier the supervised setting asks for, or null when there is none to notify.</summary>
    public static SystemdNotifier? Create(ServerConfig config, ServerLog log)
    {
        string mode = config.Registry.Find("supervised")?.Get() ?? "no";
        string? socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (mode == "auto") mode = socket is not null ? "systemd" : "no";
        if (mode == "upstart") log.Warning("supervised upstart is not supported by RedisFast: use systemd (Type=notify) or no supervision.");
        return mode == "systemd" ? new SystemdNotifier(log, socket) : null;
    }

    /// <summary>Sends one message ("READY=1\n"); failures are logged with Redis's texts, never thrown.</summary>
    public void Send(string message)
    {
        if (string.IsNullOrEmpty(_socket))
        {
            _log.Warning("systemd supervision error: NOTIFY_SOCKET not found!");
            return;
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            // "@name" is a socket in the abstract namespace (sd_notify: a leading NUL byte).
            string path = _socket[0] == '@' ? "\0" + _socket[1..] : _socket;
            socket.SendTo(Encoding.ASCII.GetBytes(message), new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e)
        {
            _log.Warning($"systemd supervision error: sd_notify: -{e.NativeErrorCode}");
        }
    }
}
