using RedisFast.Commands;
using RedisFast.Networking;

namespace RedisFast.Server;

/// <summary>What CLIENT PAUSE holds back (Redis 7.0's CLIENT_PAUSE_WRITE and CLIENT_PAUSE_ALL, ordered by how much).</summary>
internal enum PauseMode
{
    None,
    Write,
    All,
}

/// <summary>
/// CLIENT PAUSE / UNPAUSE (networking.c pauseClients, unpauseClients; processCommand's BLOCKED_POSTPONE): while a pause
/// holds, a command it covers (every command under ALL, write and may-replicate ones under WRITE: EVAL, EVALSHA, FCALL,
/// PFCOUNT, PUBLISH, SPUBLISH, an EXEC that queued one) is not run: its client waits with the command unexecuted and
/// runs it, then whatever it sent after, when the pause ends (its time, or CLIENT UNPAUSE, which under ALL waits too).
/// A later pause keeps the stronger mode and the later end. Keys neither expire nor get evicted meanwhile: reads see an
/// expired key as missing, nothing is deleted. MONITOR clients (replicas to Redis) are never paused. Owned by the loop.
/// </summary>
internal sealed class ClientPause : ILoopWork, IDisposable
{
    private readonly RedisServer _server;
    private readonly List<Client> _postponed = [];
    private Timer? _timer;
    private long _endMs;   // Environment.TickCount64 at which the pause ends

    public ClientPause(RedisServer server) => _server = server;

    /// <summary>The pause in force; <see cref="PauseMode.None"/> when there is none.</summary>
    public PauseMode Mode { get; private set; }

    /// <summary>pauseClients: <paramref name="milliseconds"/> from now (0: a pause already over), in the stronger mode.</summary>
    public void Pause(long milliseconds, PauseMode mode)
    {
        long now = Environment.TickCount64;
        long end = milliseconds > long.MaxValue - now ? long.MaxValue : now + milliseconds;
        if (mode > Mode) Mode = mode;
        if (end > _endMs) _endMs = end;
        _server.Keyspace.DeletionsPaused = true;
        if (!EndIfDue()) ScheduleEnd();
    }

    /// <summary>unpauseClients: ends the pause; the postponed clients run their commands, in the order they came.</summary>
    public void Unpause()
    {
        Mode = PauseMode.None;
        _endMs = 0;
        _server.Keyspace.DeletionsPaused = false;
        foreach (Client client in _postponed) client.Connection.Wake();
        _postponed.Clear();
    }

    /// <summary>
    /// Whether <paramref name="client"/>'s command must wait (the caller checked that <see cref="Mode"/> is set):
    /// <paramref name="mayReplicate"/> is whether it writes or may replicate (what a WRITE pause holds back).
    /// </summary>
    public bool Holds(Client client, bool mayReplicate)
    {
        if (EndIfDue() || client.IsMonitor) return false;
        return Mode == PauseMode.All || mayReplicate;
    }

    /// <summary><paramref name="client"/>'s command waits for the end of the pause.</summary>
    public void Postpone(Client client) => _postponed.Add(client);

    /// <summary>A postponed client disconnected.</summary>
    public void Forget(Client client) => _postponed.Remove(client);

    /// <summary>The pause's end came: on the loop, from the timer.</summary>
    void ILoopWork.Run()
    {
        if (Mode != PauseMode.None && !EndIfDue()) ScheduleEnd();
    }

    private bool EndIfDue()
    {
        if (Environment.TickCount64 < _endMs) return false;
        Unpause();
        return true;
    }

    private void ScheduleEnd()
    {
        _timer ??= new Timer(static state => ((ClientPause)state!)._server.Loop.Schedule((ClientPause)state!), this, Timeout.Infinite, Timeout.Infinite);
        long due = Math.Clamp(_endMs - Environment.TickCount64, 0, int.MaxValue - 1);
        _timer.Change(due, Timeout.Infinite);
    }

    public void Dispose() => _timer?.Dispose();
}
