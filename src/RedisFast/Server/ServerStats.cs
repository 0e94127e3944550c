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

    /// <summary>Keys evicted for maxmemory (INFO stats evicted_keys).</summary>
    public long EvictedKeys;

    /// <summary>Stopwatch ticks spent over maxmemory in periods that ended (total_eviction_exceeded_time).</summary>
    public long EvictionExceededTicks;

    /// <summary>When the memory used last went over maxmemory without coming back yet, or 0 (current_eviction_exceeded_time).</summary>
    public long EvictionExceededSince;

    /// <summary>Socket send operations started (one per batch of replies when the socket keeps up).</summary>
    public long SendCalls;

    /// <summary>
    /// Stopwatch timestamp the next command's duration counts from (commandstats usec): set when a connection starts
    /// executing what it received, then moved to the end of each command, so timing a command costs one clock read
    /// instead of two. A command's time thus includes parsing it (tens of nanoseconds). Not a counter: Reset keeps it.
    /// </summary>
    public long CommandClock;

    public void Reset()
    {
        CommandsProcessed = ConnectionsReceived = RejectedConnections = NetInputBytes = NetOutputBytes = RejectedCalls = SendCalls = EvictedKeys = EvictionExceededTicks = EvictionExceededSince = 0;
    }
}
