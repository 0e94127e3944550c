using System.Runtime.CompilerServices;
using RedisFast.Server;

namespace RedisFast.Storage;

/// <summary>
/// All databases plus the clock and counters that lookups share. Owned by the event loop: no locks.
/// </summary>
internal sealed class Keyspace
{
    private int _rehashDb;

    public Keyspace(int databases)
    {
        Memory = new KeyspaceMemory(this);
        Databases = new Database[databases];
        for (int i = 0; i < databases; i++) Databases[i] = new Database(this, i);
    }

    public Database[] Databases { get; }

    /// <summary>Keeps the databases' byte counts (<see cref="KeyTable.Bytes"/>) as keys change.</summary>
    public KeyspaceMemory Memory { get; }

    /// <summary>
    /// What the keys and values of every database hold (INFO used_memory_dataset, what maxmemory limits), with the
    /// changes made so far settled.
    /// </summary>
    public long UsedBytes
    {
        get
        {
            if (Memory.HasChanges) Memory.Settle();
            return Memory.Bytes;
        }
    }

    /// <summary>The command-time clock in Unix milliseconds; the loop refreshes it before each batch of commands.</summary>
    public long Now { get; private set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public KeyspaceStats Stats { get; } = new();

    /// <summary>
    /// Changes made to the data set (Redis's server.dirty): every write that changes something adds to it, so
    /// comparing it before and after a command tells whether the command must be propagated (AOF).
    /// </summary>
    public long Dirty;

    /// <summary>
    /// True while a command flagged readonly runs (set by the dispatcher around each handler): such a command changes
    /// no value, so a running AOF rewrite's snapshot need not copy the slots it reads (<see cref="TableSnapshot"/>).
    /// False everywhere else (write commands, EXEC, serving blocked clients, cron), so nothing can be missed.
    /// </summary>
    public bool ReadOnlyCommand;

    /// <summary>
    /// CLIENT PAUSE holds (PAUSE_ACTION_EXPIRE, PAUSE_ACTION_EVICT): expired keys are not deleted (lookups treat them
    /// as missing), and neither the active expiry cycle nor eviction runs.
    /// </summary>
    public bool DeletionsPaused;

    /// <summary>
    /// Called for every modified key when set (WATCH, client-side caching): Redis's signalModifiedKey. Null while
    /// nobody needs it, so the common path costs one null check.
    /// </summary>
    public Action<Database, ReadOnlySpan<byte>>? ModifiedKeyListener { get; set; }

    /// <summary>
    /// Called by <see cref="Database.KeyModified"/> for every modified key while some client waits in a blocking
    /// command (Commands.BlockingKeys sets it then, and clears it when nobody waits): Redis's signalKeyAsReady.
    /// </summary>
    public Action<Database, ReadOnlySpan<byte>>? KeyReadyListener { get; set; }

    /// <summary>
    /// Called for every key deleted because it expired, lazily or by the active cycle, before it goes (the expired
    /// event, and the AOF's DEL as Redis's deleteExpiredKeyAndPropagate).
    /// </summary>
    public Action<Database, ReadOnlySpan<byte>>? ExpiredKeyListener { get; set; }

    /// <summary>Called when a command adds a key that did not exist (dbAdd's "new" event).</summary>
    public Action<Database, ReadOnlySpan<byte>>? KeyAddedListener { get; set; }

    /// <summary>Called when a read command looks a key up and misses it (lookupKeyRead's "keymiss" event).</summary>
    public Action<Database, ReadOnlySpan<byte>>? KeyMissListener { get; set; }

    /// <summary>
    /// <see cref="Now"/> in whole seconds: the clock of <see cref="KeyEntry.AccessedAt"/>. Kept as a field so a
    /// lookup stores it without a division.
    /// </summary>
    public uint NowSeconds { get; private set; } = (uint)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000);

    /// <summary>The server's configuration (maxmemory-policy decides what <see cref="KeyEntry.AccessedAt"/> holds); null for a scratch keyspace.</summary>
    public ServerConfig? Config { get; init; }

    /// <summary>
    /// A key was accessed (lookupKey's LRU/LFU update): under an LFU maxmemory-policy its counter is decayed and then
    /// maybe incremented, as evict.c updateLFU; otherwise its access time is stamped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ref KeyEntry e)
    {
        if (Lfu) TouchLfu(ref e);
        else e.AccessedAt = NowSeconds;
    }

    /// <summary>Whether maxmemory-policy is an LFU one, so <see cref="KeyEntry.AccessedAt"/> holds LFU data.</summary>
    public bool Lfu => Config is not null && (Config.EvictionPolicy & EvictionPolicy.Lfu) != 0;

    /// <summary>A key was created (createObject): its access time, or under an LFU policy the counter's start (LFU_INIT_VAL).</summary>
    public void Stamp(ref KeyEntry e)
    {
        e.AccessedAt = Lfu ? (LfuMinutes << 8) | Eviction.LfuInitialCount : NowSeconds;
    }

    /// <summary>LFUGetTimeInMinutes: the LFU clock, minutes modulo 2^16.</summary>
    private uint LfuMinutes => (NowSeconds / 60) & 0xFFFF;

    private void TouchLfu(ref KeyEntry e)
    {
        uint counter = LfuCount(e.AccessedAt);
        // LFULogIncr: a counter above LFU_INIT_VAL climbs with probability 1 / ((counter - 5) * lfu-log-factor + 1).
        if (counter < 255)
        {
            double baseValue = Math.Max(0, (int)counter - Eviction.LfuInitialCount);
            if (Random.Shared.NextDouble() < 1.0 / (baseValue * Config!.LfuLogFactor + 1)) counter++;
        }
        e.AccessedAt = (LfuMinutes << 8) | counter;
    }

    /// <summary>
    /// LFUDecrAndReturn: the access counter kept in <paramref name="stamp"/>, less a point per lfu-decay-time minutes
    /// since it was last updated.
    /// </summary>
    public uint LfuCount(uint stamp) => LfuCount(stamp, NowSeconds, Config?.LfuDecayTime ?? 0);

    /// <summary>LFUDecrAndReturn at <paramref name="nowSeconds"/> with lfu-decay-time <paramref name="decayMinutes"/>.</summary>
    public static uint LfuCount(uint stamp, uint nowSeconds, int decayMinutes)
    {
        uint then = stamp >> 8, counter = stamp & 255, now = (nowSeconds / 60) & 0xFFFF;
        uint elapsed = now >= then ? now - then : 65535 - then + now;
        uint periods = decayMinutes > 0 ? elapsed / (uint)decayMinutes : 0;
        return periods > counter ? 0 : counter - periods;
    }

    /// <summary>
    /// objectSetLRUOrLFU for a key just stored by RESTORE or a loaded file: under an LFU policy <paramref name="freq"/>
    /// (0..255) sets the counter, under any other <paramref name="idleSeconds"/> back-dates the access; a negative
    /// value leaves the key as just created.
    /// </summary>
    public void SetAccess(ref KeyEntry e, long idleSeconds, long freq)
    {
        if (Lfu)
        {
            if (freq >= 0) e.AccessedAt = (LfuMinutes << 8) | (uint)Math.Min(freq, 255);
        }
        else if (idleSeconds >= 0)
        {
            e.AccessedAt = (uint)Math.Max(1, NowSeconds - Math.Min(idleSeconds, NowSeconds - 1));
        }
    }

    public void RefreshClock()
    {
        Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        NowSeconds = (uint)(Now / 1000);
    }

    /// <summary>
    /// The cron's rehashing (server.c databasesCron with activerehashing): a millisecond of it on the first database,
    /// from where the last call stopped, whose table is rehashing; the next tick goes on from there.
    /// </summary>
    public void RehashSome()
    {
        long budget = System.Diagnostics.Stopwatch.Frequency / 1000;
        for (int n = 0; n < Databases.Length; n++)
        {
            if (Databases[_rehashDb].Table.Rehash(budget)) return;
            _rehashDb = (_rehashDb + 1) % Databases.Length;
        }
    }

    /// <summary>SWAPDB: exchanges the contents of two databases (clients keep their selected index).</summary>
    public void Swap(int a, int b)
    {
        (Databases[a].Table, Databases[b].Table) = (Databases[b].Table, Databases[a].Table);
    }
}

/// <summary>Counters reported by INFO stats.</summary>
internal sealed class KeyspaceStats
{
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long ExpiredKeys;
    public long ExpiredStalePercentSamples;
    public long ExpiredTimeCapReachedCount;
    public long ExpireCycleCpuMilliseconds;

    /// <summary>
    /// expired_stale_perc as a fraction (0..1): running average (5% weight per cycle) of the share of sampled
    /// volatile keys that the active expiry cycle found expired (Redis's stat_expired_stale_perc).
    /// </summary>
    public double ExpiredStalePercent;

    /// <summary>Microseconds spent in the active expiry cycle (stat_expire_cycle_time_used).</summary>
    public long ExpireCycleMicroseconds;

    public void Reset()
    {
        KeyspaceHits = KeyspaceMisses = ExpiredKeys = ExpiredTimeCapReachedCount = ExpireCycleCpuMilliseconds = 0;
        ExpiredStalePercentSamples = 0;
        ExpiredStalePercent = 0;
        ExpireCycleMicroseconds = 0;
    }
}
