using System.Diagnostics;
using RedisFast.Networking;
using RedisFast.Storage;

namespace RedisFast.Server;

/// <summary>maxmemory-policy, with the flags of Redis's MAXMEMORY_* values (server.h).</summary>
[Flags]
internal enum EvictionPolicy
{
    NoEviction = 0,
    Lru = 1,
    Lfu = 2,
    AllKeys = 4,
    Ttl = 8,
    Random = 16,
    VolatileLru = Lru,
    VolatileLfu = Lfu,
    VolatileTtl = Ttl,
    VolatileRandom = Random,
    AllKeysLru = AllKeys | Lru,
    AllKeysLfu = AllKeys | Lfu,
    AllKeysRandom = AllKeys | Random,
}

/// <summary>
/// maxmemory (evict.c): before each command, while <see cref="RedisServer.UsedMemory"/> is over the limit, keys are
/// evicted by maxmemory-policy, as Redis does: LRU, LFU and TTL policies sample maxmemory-samples keys per database
/// into a pool of the 16 best candidates kept from call to call and evict the best that still exists; the random
/// ones take a random key of the next database. Each eviction is counted (evicted_keys), signalled (WATCH), published
/// (the evicted event) and logged to the AOF as DEL (UNLINK with lazyfree-lazy-eviction). A pass stops after the
/// time maxmemory-eviction-tenacity allows and goes on at the next turn of the loop. Owned by the event loop.
/// </summary>
internal sealed class Eviction : ILoopWork
{
    /// <summary>EVPOOL_SIZE.</summary>
    private const int PoolSize = 16;

    /// <summary>maxmemory-samples' upper bound (config.c).</summary>
    private const int MaxSamples = 64;

    /// <summary>LFU_INIT_VAL: a new key's access counter under an LFU policy.</summary>
    public const int LfuInitialCount = 5;

    private readonly RedisServer _server;
    private readonly Candidate[] _pool = new Candidate[PoolSize];
    private int _nextDb;
    private bool _continuing;

    public Eviction(RedisServer server) => _server = server;

    /// <summary>What <see cref="Perform"/> achieved (EVICT_OK, EVICT_RUNNING, EVICT_FAIL).</summary>
    public enum Result
    {
        Ok,
        Running,
        Fail,
    }

    private struct Candidate
    {
        public ulong Idle;
        public byte[]? Key;
        public int Db;
        public int Slot;
    }

    /// <summary>maxmemory-policy's value as <see cref="EvictionPolicy"/> (null for a name Redis does not have).</summary>
    public static EvictionPolicy? Parse(string name) => name switch
    {
        "volatile-lru" => EvictionPolicy.VolatileLru,
        "volatile-lfu" => EvictionPolicy.VolatileLfu,
        "volatile-random" => EvictionPolicy.VolatileRandom,
        "volatile-ttl" => EvictionPolicy.VolatileTtl,
        "allkeys-lru" => EvictionPolicy.AllKeysLru,
        "allkeys-lfu" => EvictionPolicy.AllKeysLfu,
        "allkeys-random" => EvictionPolicy.AllKeysRandom,
        "noeviction" => EvictionPolicy.NoEviction,
        _ => null,
    };

    /// <summary>
    /// performEvictions: evicts until the memory used is within maxmemory (the caller checked that it is set).
    /// <see cref="Result.Fail"/> when it is over and nothing more can go (noeviction, or no key the policy may
    /// evict): then commands that may add memory are refused with OOM.
    /// </summary>
    public Result Perform()
    {
        Result result = EvictUntilWithinLimit();
        // performEvictions' update_metrics: how long the memory used stays over the limit.
        ServerStats stats = _server.Stats;
        if (result != Result.Ok)
        {
            if (stats.EvictionExceededSince == 0) stats.EvictionExceededSince = Stopwatch.GetTimestamp();
        }
        else if (stats.EvictionExceededSince != 0)
        {
            stats.EvictionExceededTicks += Stopwatch.GetTimestamp() - stats.EvictionExceededSince;
            stats.EvictionExceededSince = 0;
        }
        return result;
    }

    private Result EvictUntilWithinLimit()
    {
        long limit = _server.Config.MaxMemory;
        long used = _server.UsedMemory;
        // isSafeToPerformEvictions: nothing goes while CLIENT PAUSE holds.
        if (used <= limit || _server.Keyspace.DeletionsPaused) return Result.Ok;
        EvictionPolicy policy = _server.Config.EvictionPolicy;
        if (policy == EvictionPolicy.NoEviction) return Result.Fail;
        long toFree = used - limit, freed = 0;
        long start = Stopwatch.GetTimestamp();
        int evicted = 0;
        Keyspace keyspace = _server.Keyspace;
        while (freed < toFree)
        {
            if (!TrySelect(policy, out Database? db, out int slot)) return Result.Fail;
            long before = keyspace.UsedBytes;
            EvictKey(db!, slot);
            freed += before - keyspace.UsedBytes;
            evicted++;
            if (evicted % 16 == 0 && TimeLimitTicks(_server.Config.MaxMemoryEvictionTenacity) is var budget && budget >= 0
                && Stopwatch.GetTimestamp() - start > budget)
            {
                // startEvictionTimeProc: the rest at the next turn of the loop, the command goes on meanwhile.
                ContinueLater();
                return Result.Running;
            }
        }
        return Result.Ok;
    }

    /// <summary>
    /// config.c updateMaxmemory: a limit below the memory used is logged, and evictions start at the next turn of the
    /// loop rather than with the next command (startEvictionTimeProc).
    /// </summary>
    public void MaxMemoryChanged()
    {
        long limit = _server.Config.MaxMemory;
        if (limit == 0) return;
        long used = _server.UsedMemory;
        if (limit < used)
        {
            _server.Log.Warning($"WARNING: the new maxmemory value set via CONFIG SET ({limit}) is smaller than the current memory usage ({used}). "
                + "This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.");
        }
        ContinueLater();
    }

    private void ContinueLater()
    {
        if (_continuing) return;
        _continuing = true;
        _server.Loop.Schedule(this);
    }

    /// <summary>evictionTimeProc: another pass, again at the next turn while the limit is not reached.</summary>
    void ILoopWork.Run()
    {
        _continuing = false;
        if (_server.Config.MaxMemory != 0) Perform();
    }

    /// <summary>evictionTimeLimitUs: 50 µs per tenacity point up to 10, then 15% more per point; 100 means no limit (-1).</summary>
    private static long TimeLimitTicks(int tenacity)
    {
        if (tenacity >= 100) return -1;
        double micros = tenacity <= 10 ? 50.0 * tenacity : 500.0 * Math.Pow(1.15, tenacity - 10);
        return (long)(micros * Stopwatch.Frequency / 1_000_000);
    }

    private void EvictKey(Database db, int slot)
    {
        byte[] key = db.Table.Peek(slot).Key!;
        bool lazy = _server.Config.LazyfreeLazyEviction;
        db.Delete(slot);
        _server.Stats.EvictedKeys++;
        _server.Keyspace.ModifiedKeyListener?.Invoke(db, key);
        KeyspaceEvents.Notify(_server, KeyspaceEvents.Evicted, "evicted"u8, key, db.Id);
        _server.Aof.Propagator?.KeyDeleted(db, key, lazy);
    }

    /// <summary>The key to evict next under <paramref name="policy"/>, if the policy leaves any.</summary>
    private bool TrySelect(EvictionPolicy policy, out Database? db, out int slot)
    {
        Database[] databases = _server.Keyspace.Databases;
        bool allKeys = (policy & EvictionPolicy.AllKeys) != 0;
        if ((policy & EvictionPolicy.Random) != 0)
        {
            for (int i = 0; i < databases.Length; i++)
            {
                _nextDb = (_nextDb + 1) % databases.Length;
                KeyTable table = databases[_nextDb].Table;
                if ((allKeys ? table.Count : table.VolatileCount) == 0) continue;
                db = databases[_nextDb];
                slot = allKeys ? table.RandomSlot() : table.VolatileAt(Random.Shared.Next(table.VolatileCount));
                return true;
            }
            db = null;
            slot = -1;
            return false;
        }
        while (true)
        {
            long keys = 0;
            for (int i = 0; i < databases.Length; i++)
            {
                KeyTable table = databases[i].Table;
                int count = allKeys ? table.Count : table.VolatileCount;
                if (count == 0) continue;
                Populate(policy, i, table, allKeys);
                keys += count;
            }
            if (keys == 0) break;
            // From the best candidate down: the first that still exists is the pick, ghosts are dropped.
            for (int k = PoolSize - 1; k >= 0; k--)
            {
                ref Candidate candidate = ref _pool[k];
                if (candidate.Key is null) continue;
                byte[] key = candidate.Key;
                int dbIndex = candidate.Db, at = candidate.Slot;
                candidate = default;
                KeyTable table = databases[dbIndex].Table;
                if (at < table.SlotCount && ReferenceEquals(table.Peek(at).Key, key)
                    && (allKeys || table.Peek(at).ExpireAt != KeyTable.NoExpiry))
                {
                    db = databases[dbIndex];
                    slot = at;
                    return true;
                }
            }
        }
        db = null;
        slot = -1;
        return false;
    }

    /// <summary>
    /// evictionPoolPopulate: maxmemory-samples keys of <paramref name="table"/> (of its keys with an expiry for a
    /// volatile policy) go into the pool, which stays sorted by how good a candidate each is (the best last).
    /// </summary>
    private void Populate(EvictionPolicy policy, int dbIndex, KeyTable table, bool allKeys)
    {
        Keyspace keyspace = _server.Keyspace;
        Span<int> sampled = stackalloc int[MaxSamples];
        int samples = Math.Min(_server.Config.MaxMemorySamples, MaxSamples);
        if (allKeys)
        {
            samples = table.SampleSlots(sampled[..samples]);
        }
        else
        {
            // Consecutive entries of the expiry list, from a random one (its slots are anywhere in the table).
            int volatileCount = table.VolatileCount, start = Random.Shared.Next(volatileCount);
            samples = Math.Min(samples, volatileCount);
            for (int j = 0; j < samples; j++) sampled[j] = table.VolatileAt((start + j) % volatileCount);
        }
        for (int j = 0; j < samples; j++)
        {
            int slot = sampled[j];
            ref KeyEntry e = ref table.Peek(slot);
            ulong idle;
            if ((policy & EvictionPolicy.Lru) != 0) idle = keyspace.NowSeconds - Math.Min(e.AccessedAt, keyspace.NowSeconds);
            else if ((policy & EvictionPolicy.Lfu) != 0) idle = 255 - (ulong)keyspace.LfuCount(e.AccessedAt);
            else idle = ulong.MaxValue - (ulong)e.ExpireAt;
            Insert(idle, e.Key!, dbIndex, slot);
        }
    }

    private void Insert(ulong idle, byte[] key, int db, int slot)
    {
        int k = 0;
        while (k < PoolSize && _pool[k].Key is not null && _pool[k].Idle < idle) k++;
        if (k == 0 && _pool[PoolSize - 1].Key is not null) return;  // worse than every candidate of a full pool
        if (k < PoolSize && _pool[k].Key is null)
        {
            // An empty place: nothing to move.
        }
        else if (_pool[PoolSize - 1].Key is null)
        {
            Array.Copy(_pool, k, _pool, k + 1, PoolSize - k - 1);
        }
        else
        {
            // Full: the worst candidate (on the left) goes.
            k--;
            Array.Copy(_pool, 1, _pool, 0, k);
        }
        _pool[k] = new Candidate { Idle = idle, Key = key, Db = db, Slot = slot };
    }
}
