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

    public void Reset()
    {
        CommandsProcessed = ConnectionsReceived = RejectedConnections = NetInputBytes = NetOutputBytes = RejectedCalls = 0;
    }
}
