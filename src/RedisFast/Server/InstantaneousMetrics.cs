namespace RedisFast.Server;

/// <summary>
/// instantaneous_ops_per_sec and the input/output kbps of INFO stats, sampled like Redis's trackInstantaneousMetric
/// (server.c): every 100 ms the rate since the previous sample goes into a ring of 16 samples, and INFO reports
/// their mean. Runs on the loop as a cron task.
/// </summary>
internal sealed class InstantaneousMetrics
{
    /// <summary>STATS_METRIC_SAMPLES.</summary>
    private const int Samples = 16;

    /// <summary>serverCron's run_with_period(100).</summary>
    private const long PeriodMs = 100;

    private readonly Metric _ops = new();
    private readonly Metric _input = new();
    private readonly Metric _output = new();
    private long _lastSampleMs;

    public double OpsPerSecond => _ops.Mean;

    /// <summary>Highest <see cref="RedisServer.UsedMemory"/> seen (INFO used_memory_peak).</summary>
    public long PeakMemory { get; private set; }

    /// <summary>
    /// INFO used_memory_startup: what creating the server allocated (its databases, pools and registries; not the static
    /// command table), measured on the creating thread, so it is this server's own figure even when several share a
    /// process.
    /// </summary>
    public long StartupMemory { get; internal set; }

    public double InputKbps => _input.Mean / 1024;

    public double OutputKbps => _output.Mean / 1024;

    /// <summary>Cron task: takes a sample when at least 100 ms have passed since the last one.</summary>
    public void Sample(RedisServer server) => Sample(server.Stats, Environment.TickCount64, server.UsedMemory);

    /// <summary>Takes a sample of <paramref name="stats"/> at <paramref name="nowMs"/> (monotonic milliseconds) if one is due.</summary>
    internal void Sample(ServerStats stats, long nowMs, long usedMemory = 0)
    {
        PeakMemory = Math.Max(PeakMemory, usedMemory);
        if (nowMs - _lastSampleMs < PeriodMs) return;
        _lastSampleMs = nowMs;
        _ops.Track(stats.CommandsProcessed, nowMs);
        _input.Track(stats.NetInputBytes, nowMs);
        _output.Track(stats.NetOutputBytes, nowMs);
    }

    /// <summary>CONFIG RESETSTAT clears the samples too.</summary>
    public void Reset()
    {
        _ops.Reset();
        _input.Reset();
        _output.Reset();
    }

    private sealed class Metric
    {
        private readonly long[] _samples = new long[Samples];
        private int _index;
        private long _lastTimeMs;
        private long _lastReading;

        public double Mean
        {
            get
            {
                long sum = 0;
                foreach (long s in _samples) sum += s;
                return (double)sum / Samples;
            }
        }

        public void Track(long reading, long nowMs)
        {
            long elapsed = nowMs - _lastTimeMs;
            long delta = reading - _lastReading;
            // A reading that went down was reset (RESETSTAT): count from zero.
            if (delta < 0) delta = reading;
            _samples[_index] = elapsed > 0 && _lastTimeMs != 0 ? delta * 1000 / elapsed : 0;
            _index = (_index + 1) % Samples;
            _lastTimeMs = nowMs;
            _lastReading = reading;
        }

        public void Reset()
        {
            Array.Clear(_samples);
            _lastReading = 0;
        }
    }
}
