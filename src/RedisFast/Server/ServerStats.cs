namespace RedisFast.Server;

/// <summary>Counters for INFO stats, updated on the event loop.</summary>
public sealed class ServerStats
{
    public long CommandsProcessed;
    public long ConnectionsReceived;
    public long RejectedConnections;
    public long NetInputBytes;
    public long NetOutputBytes;
    public long RejectedCalls;

    /// <summary>Socket send operations started (one per batch of replies when the socket keeps up).</summary>
    public long SendCalls;

    public void Reset()
    {
        CommandsProcessed = ConnectionsReceived = RejectedConnections = NetInputBytes = NetOutputBytes = RejectedCalls = SendCalls = 0;
    }
}
