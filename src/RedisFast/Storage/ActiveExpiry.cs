using System.Diagnostics;
using RedisFast.Server;

namespace RedisFast.Storage;

/// <summary>
/// The active expiry cycle: a port of Redis 7.0's activeExpireCycle (expire.c), slow cycle, run from the cron at
/// hz. Per database it samples keys that have an expiry at random (Redis walks its expires dict bucket by bucket;
/// the <see cref="KeyTable"/> keeps those keys in a dense array, so sampling is O(1) per key), deletes the expired
/// ones, and repeats while more than the acceptable share of the sample was stale, within a time budget of a
/// quarter of the cron period. It never scans a whole keyspace. Owned by the event loop.
/// </summary>
internal sealed class ActiveExpiry
{
    /// <summary>ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP.</summary>
    private const int KeysPerLoop = 20;

    /// <summary>ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: share of the cron period the cycle may use, in percent.</summary>
    private const int SlowTimePercent = 25;

    /// <summary>ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE: percent of expired keys in a sample that ends the repeats.</summary>
    private const int AcceptableStale = 10;

    /// <summary>CRON_DBS_PER_CALL.</summary>
    private const int DatabasesPerCall = 16;

    private readonly Random _random = new();
    private int _currentDb;
    private bool _timeLimitExit;

    /// <summary>The cron task: runs one slow cycle unless active expiry is disabled.</summary>
    public void Run(RedisServer server)
    {
        if (!server.Config.ActiveExpireEnabled || server.Keyspace.DeletionsPaused) return;
        Cycle(server.Keyspace, server.Config.Hz, server.Config.ActiveExpireEffort);
    }

    /// <summary>One slow cycle over the databases of <paramref name="keyspace"/>.</summary>
    public void Cycle(Keyspace keyspace, int hz, int activeExpireEffort)
    {
        long start = Stopwatch.GetTimestamp();
        int effort = Math.Clamp(activeExpireEffort, 1, 10) - 1; // rescaled to 0..9 as in Redis
        int keysPerLoop = KeysPerLoop + KeysPerLoop / 4 * effort;
        int timePercent = SlowTimePercent + 2 * effort;
        int acceptableStale = AcceptableStale - effort;
        Database[] databases = keyspace.Databases;
        KeyspaceStats stats = keyspace.Stats;

        // Normally 16 databases per call; all of them after a call that ran out of time, since then there is
        // work waiting somewhere.
        int dbsPerCall = DatabasesPerCall;
        if (dbsPerCall > databases.Length || _timeLimitExit) dbsPerCall = databases.Length;

        long timeLimitMicros = (long)timePercent * 1000000 / Math.Max(hz, 1) / 100;
        if (timeLimitMicros <= 0) timeLimitMicros = 1;
        _timeLimitExit = false;

        long totalSampled = 0, totalExpired = 0;
        int iteration = 0;
        for (int j = 0; j < dbsPerCall && !_timeLimitExit; j++)
        {
            // Advance before working so a database that exhausts the budget is not first again next time.
            Database db = databases[_currentDb % databases.Length];
            _currentDb = (_currentDb + 1) % databases.Length;
            long sampled, expired;
            do
            {
                iteration++;
                KeyTable table = db.Table;
                int volatileCount = table.VolatileCount;
                if (volatileCount == 0) break;
                long now = keyspace.Now;
                int num = Math.Min(volatileCount, keysPerLoop);
                sampled = 0;
                expired = 0;
                for (int n = 0; n < num && table.VolatileCount > 0; n++)
                {
                    int index = table.VolatileAt(_random.Next(table.VolatileCount));
                    sampled++;
                    // Read through Peek: a sample changes nothing, so a running rewrite has nothing to copy (deleting an
                    // expired key hands its slot over in RemoveAt).
                    long at = table.Peek(index).ExpireAt;
                    if (at <= now)
                    {
                        db.ExpireAt(index);
                        expired++;
                    }
                }
                totalSampled += sampled;
                totalExpired += expired;

                // The clock is read once every 16 iterations, as in Redis.
                if ((iteration & 0xf) == 0 && ElapsedMicros(start) > timeLimitMicros)
                {
                    _timeLimitExit = true;
                    stats.ExpiredTimeCapReachedCount++;
                    break;
                }
            }
            while (sampled == 0 || expired * 100 / sampled > acceptableStale);
        }

        long elapsed = ElapsedMicros(start);
        stats.ExpireCycleMicroseconds += elapsed;
        stats.ExpireCycleCpuMilliseconds = stats.ExpireCycleMicroseconds / 1000;
        // Running average of the stale share, each cycle weighing 5%.
        double current = totalSampled > 0 ? (double)totalExpired / totalSampled : 0;
        stats.ExpiredStalePercent = current * 0.05 + stats.ExpiredStalePercent * 0.95;
    }

    private static long ElapsedMicros(long start) => (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
}
