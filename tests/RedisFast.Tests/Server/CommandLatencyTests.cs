using RedisFast.Server;

namespace RedisFast.Tests.Server;

public sealed class CommandLatencyTests
{
    [Fact]
    public void TheHistogramAndPercentilesAreRedisFiguresForTheSameDurations()
    {
        // Durations redis-server reported as LATENCY HISTOGRAM set: 4:1 8:4 66:5 and latency_percentiles_usec_set:
        // p50=6.015,p99=40.191 for one 4 µs call, three 6 µs calls and one 40 µs call.
        var latency = new CommandLatency();
        foreach (long us in new long[] { 4, 6, 6, 6, 40 }) latency.Record(us);
        Assert.Equal([(4L, 1L), (8L, 4L), (66L, 5L)], latency.CumulativeDistribution());
        Assert.Equal("6.015", latency.Percentile(50));
        Assert.Equal("40.191", latency.Percentile(99));
        Assert.Equal(5, latency.Count);
    }

    [Fact]
    public void SlowCallsLandInTheHistogramsSubBucketsWithoutAllocating()
    {
        var latency = new CommandLatency();
        long before = GC.GetAllocatedBytesForCurrentThread();
        latency.Record(0);
        latency.Record(2000);
        for (int i = 0; i < 1000; i++) latency.Record(2000 + i);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // 0 µs is recorded as 1 ns (first level, 1 µs); 2000 to 2097 µs sit below 1024 × 2^11 ns (key 2113 µs), the
        // rest below 1024 × 2^12 ns (key 4227 µs).
        List<(long Micros, long Cumulative)> levels = latency.CumulativeDistribution();
        Assert.Equal([(1L, 1L), (2113L, 100L), (4227L, 1002L)], levels);
        // hdr's highest equivalent value of 2,000,000 ns: its sub-bucket of 8192 ns ends at 2,007,039.
        Assert.Equal("2007.039", latency.Percentile(0.2));
        Assert.Equal(1002, latency.Count);
    }
}
