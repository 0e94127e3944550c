using RedisFast.Server;

namespace RedisFast.Tests.Server;

public sealed class InstantaneousMetricsTests
{
    [Fact]
    public void OpsPerSecondIsTheMeanRateOfTheLastSixteenSamples()
    {
        var metrics = new InstantaneousMetrics();
        var stats = new ServerStats();
        long now = 1_000_000;
        metrics.Sample(stats, now);
        for (int i = 0; i < 16; i++)
        {
            // 50 commands and 2048 input bytes every 100 ms: 500 ops/s, 20 KB/s.
            stats.CommandsProcessed += 50;
            stats.NetInputBytes += 2048;
            now += 100;
            metrics.Sample(stats, now);
        }
        Assert.Equal(500, metrics.OpsPerSecond);
        Assert.Equal(20, metrics.InputKbps);
        Assert.Equal(0, metrics.OutputKbps);
    }

    [Fact]
    public void SamplesCloserThanAHundredMillisecondsAreSkipped()
    {
        var metrics = new InstantaneousMetrics();
        var stats = new ServerStats();
        metrics.Sample(stats, 1_000);
        stats.CommandsProcessed = 1_600;
        metrics.Sample(stats, 1_050);
        Assert.Equal(0, metrics.OpsPerSecond);
        metrics.Sample(stats, 1_100);
        // One sample of 16 000 ops/s averaged over the 16-sample window.
        Assert.Equal(1_000, metrics.OpsPerSecond);
    }

    [Fact]
    public void ResetStatClearsTheWindowAndAResetCounterDoesNotGoNegative()
    {
        var metrics = new InstantaneousMetrics();
        var stats = new ServerStats();
        metrics.Sample(stats, 1_000);
        stats.CommandsProcessed = 1_600;
        metrics.Sample(stats, 1_100);
        metrics.Reset();
        stats.Reset();
        metrics.Sample(stats, 1_200);
        Assert.Equal(0, metrics.OpsPerSecond);
    }
}
