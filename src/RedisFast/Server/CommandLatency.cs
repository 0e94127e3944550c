using System.Globalization;
using System.Numerics;

namespace RedisFast.Server;

/// <summary>
/// A command's latency distribution (latency-tracking, Redis 7.0's per-command hdr_histogram), answering what Redis
/// reads from it with Redis's arithmetic: LATENCY HISTOGRAM's cumulative counts at 1024 ns × 2^k and INFO
/// latencystats' percentiles. Redis records durations in whole microseconds (as nanoseconds, at least 1) into a
/// histogram of two significant figures. This keeps a count per microsecond below 1024 µs, and above it a count per
/// sub-bucket of that histogram (128 per power of two, which no reporting level splits), so both give Redis's
/// figures. Both arrays are made with the histogram (about 30 KB per command called, as Redis's hdr_histogram of
/// about 36 KB), so recording never allocates. Loop only.
/// </summary>
internal sealed class CommandLatency
{
    private const int SmallMicros = 1024;
    private const long MaxNanos = 1_000_000_000_000; // LATENCY_HISTOGRAM_MAX_VALUE
    private const int SubBuckets = 128;                // 2 significant figures: 256 sub-buckets, the upper half per power of two
    private const int FirstLargeMagnitude = 19;        // 1024 µs = 1,024,000 ns ≥ 2^19
    private const int LargeMagnitudes = 40 - FirstLargeMagnitude + 1;

    private readonly long[] _small = new long[SmallMicros];
    private readonly long[] _large = new long[LargeMagnitudes * SubBuckets];

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
        long nanos = Math.Min(micros * 1000, MaxNanos);
        int magnitude = 63 - BitOperations.LeadingZeroCount((ulong)nanos);
        int sub = (int)(nanos >> (magnitude - 7)) - SubBuckets;
        _large[(magnitude - FirstLargeMagnitude) * SubBuckets + sub]++;
    }

    /// <summary>The recorded values in nanoseconds (for a sub-bucket, its lowest), ascending, with their counts.</summary>
    private IEnumerable<(long Nanos, long Count)> Ascending()
    {
        for (int us = 0; us < SmallMicros; us++)
        {
            if (_small[us] != 0) yield return (Math.Max(1, us * 1000L), _small[us]);
        }
        for (int i = 0; i < _large.Length; i++)
        {
            if (_large[i] == 0) continue;
            int magnitude = FirstLargeMagnitude + i / SubBuckets;
            yield return ((long)(SubBuckets + i % SubBuckets) << (magnitude - 7), _large[i]);
        }
    }

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
        foreach ((long nanos, long count) in Ascending())
        {
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
        foreach ((long nanos, long count) in Ascending())
        {
            seen += count;
            value = nanos;
            if (seen >= target) break;
        }
        return (HighestEquivalent(value) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
    }
}
