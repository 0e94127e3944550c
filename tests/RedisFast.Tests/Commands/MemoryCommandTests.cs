using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Commands;

/// <summary>
/// MEMORY against redis-server 7.0 on the shared differential servers: errors, nulls and reply shapes as Redis's
/// (the numbers are each server's own accounting), and USAGE growing with what a key holds.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class MemoryCommandTests(DifferentialFixture f)
{
    [Fact]
    public void ErrorsNullsAndHelpAreRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL mem:s
            SET mem:s value
            MEMORY USAGE mem:missing
            MEMORY USAGE mem:s SAMPLES
            MEMORY USAGE mem:s SAMPLES -1
            MEMORY USAGE mem:s SAMPLES x
            MEMORY USAGE mem:s BOGUS 1
            MEMORY USAGE
            MEMORY HELP
            MEMORY PURGE
            MEMORY MALLOC-STATS extra
            MEMORY NOSUCH
            MEMORY
            """), reply => Regex.Replace(reply, @"^:\d+\r\n$", ":N\r\n"));
    }

    [Fact]
    public void UsageCountsTheValueOfEveryType()
    {
        using RawClient c = f.Fast.Connect();
        long Usage(params string[] extra) => (long)Exec(c, ["MEMORY", "USAGE", .. extra])!;
        Exec(c, "DEL", "mem:u:small", "mem:u:big", "mem:u:list", "mem:u:set", "mem:u:hash", "mem:u:zset", "mem:u:ints");
        Exec(c, "SET", "mem:u:small", "x");
        Exec(c, "SET", "mem:u:big", new string('x', 100_000));
        Assert.InRange(Usage("mem:u:big") - Usage("mem:u:small"), 99_900, 100_200);
        foreach (int n in (int[])[10, 1000])
        {
            Exec(c, ["RPUSH", "mem:u:list", .. Enumerable.Range(0, n).Select(i => new string('l', 100))]);
            Exec(c, ["SADD", "mem:u:set", .. Enumerable.Range(0, n).Select(i => "member-" + i)]);
            Exec(c, ["HSET", "mem:u:hash", .. Enumerable.Range(0, n).SelectMany(i => new[] { "f" + i, new string('v', 50) })]);
            Exec(c, ["ZADD", "mem:u:zset", .. Enumerable.Range(0, n).SelectMany(i => new[] { i.ToString(), "z" + i })]);
            Exec(c, ["SADD", "mem:u:ints", .. Enumerable.Range(0, n).Select(i => i.ToString())]);
        }
        // 1010 elements of 100 bytes: at least their bytes, sampled (5) or counted whole (SAMPLES 0).
        Assert.True(Usage("mem:u:list") > 101_000);
        Assert.True(Usage("mem:u:list", "SAMPLES", "0") > 101_000);
        foreach (string key in (string[])["mem:u:set", "mem:u:hash", "mem:u:zset", "mem:u:ints"])
            Assert.True(Usage(key, "SAMPLES", "0") > 1010 * 8, key);
    }

    [Fact]
    public void StatsHasRedisFieldsAndDoctorAnswersWithOneOfRedisReports()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        static List<string> Names(object? reply) =>
            ((List<object?>)reply!).Where((_, i) => i % 2 == 0).Select(o => S((byte[])o!)).Where(n => !n.StartsWith("db.", StringComparison.Ordinal)).ToList();
        Assert.Equal(Names(Exec(real, "MEMORY", "STATS")), Names(Exec(fast, "MEMORY", "STATS")));
        string doctor = Bulk(fast, "MEMORY", "DOCTOR")!;
        Assert.Matches("^(Hi Sam, |Sam, I detected a few issues)", doctor);
    }
}
