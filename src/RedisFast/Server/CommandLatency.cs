using System.Globalization;
using System.Numerics;

namespace RedisFast.Server;

/// <summary>
/// A command's latency distribution (latency-tracking, Redis 7.0's per-command hdr_histogram), answering what Redis
/// reads from it with Redis's arithmetic: LATENCY HISTOGRAM's cumulative counts at 1024 ns × 2^k and INFO
/// latencystats' percentiles. Redis records durations in whole microseconds (as nanoseconds, at least 1) into a
/// histogram of two significant figures; this keeps the microsecond counts themselves (an array for the first 1024,
/// a dictionary beyond) and applies the histogram's bucket bounds when it reports, so both give the same figures.
/// Loop only.
/// </summary>
internal sealed class CommandLatency
{
    private const int SmallMicros = 1024;
    private const long MaxMicros = 1_000_000_000; // LATENCY_HISTOGRAM_MAX_VALUE: 1000 s in ns, / 1000

    private readonly long[] _small = new long[SmallMicros];
    private Dictionary<long, long>? _large;

    /// <summary>Calls recorded (LATENCY HISTOGRAM's calls).</summary>
    public long Count { get; private set; }

    public void Record(long micros)
    {
        Count++;
        if ((ulong)micros < SmallMicros)
        {
            _small[micros]++;
            return;
        }
        micros = Math.Min(micros, MaxMicros);
        _large ??= [];
        _large[micros] = _large.GetValueOrDefault(micros) + 1;
    }

    /// <summary>The recorded durations in ascending order, with their counts.</summary>
    private IEnumerable<(long Micros, long Count)> Ascending()
    {
        for (int us = 0; us < SmallMicros; us++)
        {
            if (_small[us] != 0) yield return (us, _small[us]);
        }
        if (_large is null) yield break;
        foreach (long us in _large.Keys.Order()) yield return (us, _large[us]);
    }

    /// <summary>The value in nanoseconds Redis records for a duration (at least LATENCY_HISTOGRAM_MIN_VALUE, 1).</summary>
    private static long Nanos(long micros) => Math.Max(1, micros * 1000);

    /// <summary>hdr_histogram's highest_equivalent_value with two significant figures: the end of the value's sub-bucket.</summary>
    private static long HighestEquivalent(long value)
    {
        if (value < 256) return value;
        int magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value);
        long width = 1L << (magnitude - 7);
        return value / width * width + width - 1;
    }

    /// <summary>
    /// fillCommandCDF: (µs, cumulative count) at each reporting level 1024 ns × 2^k whose count grew; the level's key is
    /// its highest equivalent value in µs.
    /// </summary>
    public List<(long Micros, long Cumulative)> CumulativeDistribution()
    {
        var result = new List<(long, long)>();
        long cumulative = 0;
        long level = 1024;
        foreach ((long us, long count) in Ascending())
        {
            long nanos = Nanos(us);
            // The first level above the value counts it (log iteration by powers of two from 1024 ns).
            while (nanos >= level) level *= 2;
            cumulative += count;
            long key = HighestEquivalent(level) / 1000;
            if (result.Count > 0 && result[^1].Item1 == key) result[^1] = (key, cumulative);
            else result.Add((key, cumulative));
        }
        return result;
    }

    /// <summary>hdr_value_at_percentile, in µs with three decimals as INFO latencystats prints it.</summary>
    public string Percentile(double percentile)
    {
        long target = Math.Max(1, (long)(percentile / 100 * Count + 0.5));
        long seen = 0;
        long value = 0;
        foreach ((long us, long count) in Ascending())
        {
            seen += count;
            value = Nanos(us);
            if (seen >= target) break;
        }
        return (HighestEquivalent(value) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
    }
}
