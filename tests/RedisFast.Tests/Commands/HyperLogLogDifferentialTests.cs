using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// PFADD PFCOUNT PFMERGE PFDEBUG compared byte for byte with redis-server 7.0 on keys "hll:&lt;test&gt;:..." of the shared
/// differential servers: replies, and GET of the HyperLogLog strings themselves (sparse runs, dense registers and
/// the cached cardinality), so each server reads what the other writes.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class HyperLogLogDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void AddCountAndTheStoredBytesAreRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL hll:a:x hll:a:y hll:a:e
            PFADD hll:a:e
            GET hll:a:e
            OBJECT ENCODING hll:a:e
            PFCOUNT hll:a:e
            GET hll:a:e
            PFADD hll:a:e
            PFADD hll:a:x a b c d e f g
            GET hll:a:x
            PFADD hll:a:x a b
            PFCOUNT hll:a:x
            GET hll:a:x
            PFCOUNT hll:a:x
            PFADD hll:a:x h
            GET hll:a:x
            PFDEBUG ENCODING hll:a:x
            PFDEBUG DECODE hll:a:x
            PFADD hll:a:y foo bar
            PFCOUNT hll:a:x hll:a:y hll:a:missing
            PFCOUNT hll:a:missing
            PFMERGE hll:a:m hll:a:x hll:a:y
            GET hll:a:m
            PFCOUNT hll:a:m
            PFMERGE hll:a:x hll:a:y
            GET hll:a:x
            PFMERGE hll:a:n
            GET hll:a:n
            PFDEBUG TODENSE hll:a:y
            PFDEBUG ENCODING hll:a:y
            PFDEBUG TODENSE hll:a:y
            PFDEBUG DECODE hll:a:y
            PFADD hll:a:y more
            PFCOUNT hll:a:y
            PFMERGE hll:a:m hll:a:y
            PFDEBUG ENCODING hll:a:m
            PFCOUNT hll:a:m
            PFDEBUG ENCODING hll:a:missing
            PFDEBUG NOSUCH hll:a:x
            DEL hll:a:m hll:a:n
            """));
    }

    [Fact]
    public void ValuesThatAreNotHyperLogLogsAreRefusedLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL hll:bad:s hll:bad:i hll:bad:l hll:bad:h hll:bad:d
            SET hll:bad:s "not an hll at all"
            SET hll:bad:i 12345
            RPUSH hll:bad:l x
            SET hll:bad:h HYLL
            SET hll:bad:d HYLLaaaaaaaaaaaaaaaa
            BITFIELD hll:bad:d SET u8 32 0
            PFADD hll:bad:s a
            PFADD hll:bad:i a
            PFADD hll:bad:l a
            PFADD hll:bad:h a
            PFADD hll:bad:d a
            PFCOUNT hll:bad:s
            PFCOUNT hll:bad:l
            PFCOUNT hll:bad:missing hll:bad:s
            PFMERGE hll:bad:new hll:bad:s
            EXISTS hll:bad:new
            PFMERGE hll:bad:s
            PFDEBUG GETREG hll:bad:l
            DEL hll:bad:c hll:bad:t
            PFADD hll:bad:c
            BITFIELD hll:bad:c SET u8 136 254
            PFCOUNT hll:bad:c
            PFADD hll:bad:c a b c d e f g h i j k l m n o p q r s t u v w x y z
            PFMERGE hll:bad:t hll:bad:c
            PFDEBUG TODENSE hll:bad:c
            PFDEBUG DECODE hll:bad:c
            GET hll:bad:c
            PFADD hll:bad:t
            BITFIELD hll:bad:t SET u8 136 0
            PFCOUNT hll:bad:t
            PFDEBUG GETREG hll:bad:t
            PFADD
            PFCOUNT
            PFMERGE
            PFDEBUG GETREG
            """));
    }

    [Fact]
    public void RunsOfAdjacentRegistersSplitAndMergeLikeRedis()
    {
        // Elements for registers R..R+5, each with a pattern length of 1 and of 2 (found with our hash; the replies
        // and bytes are then compared with redis-server's, so a wrong hash fails too).
        var ones = new Dictionary<int, string>();
        var twos = new Dictionary<int, string>();
        for (int n = 0; ones.Count < 16384 || twos.Count < 16384; n++)
        {
            if (n > 2_000_000) break;
            string e = "r" + n;
            int count = RedisFast.Storage.HyperLogLog.PatternLength(System.Text.Encoding.ASCII.GetBytes(e), out int register);
            if (count == 1) ones.TryAdd(register, e);
            else if (count == 2) twos.TryAdd(register, e);
        }
        int r = Enumerable.Range(100, 16000).First(r => Enumerable.Range(r, 6).All(i => ones.ContainsKey(i) && twos.ContainsKey(i)));
        var script = new List<string[]> { (["DEL", "hll:runs:a", "hll:runs:b"]) };
        // Left to right: VAL runs grow to 4 and a fifth starts a new one; then a middle register is raised (a split).
        foreach (int i in new[] { 0, 1, 2, 3, 4, 5 }) script.Add(["PFADD", "hll:runs:a", ones[r + i]]);
        script.Add(["PFDEBUG", "DECODE", "hll:runs:a"]);
        script.Add(["PFADD", "hll:runs:a", twos[r + 2]]);
        script.Add(["PFDEBUG", "DECODE", "hll:runs:a"]);
        script.Add(["GET", "hll:runs:a"]);
        // Out of order: registers filled in the middle of ZERO runs, merged from both sides.
        foreach (int i in new[] { 5, 0, 3, 1, 4, 2 }) script.Add(["PFADD", "hll:runs:b", ones[r + i]]);
        script.Add(["PFDEBUG", "DECODE", "hll:runs:b"]);
        script.Add(["PFADD", "hll:runs:b", twos[r + 5], twos[r + 0]]);
        script.Add(["PFDEBUG", "DECODE", "hll:runs:b"]);
        script.Add(["GET", "hll:runs:b"]);
        script.Add(["PFCOUNT", "hll:runs:a", "hll:runs:b"]);
        Differential.AssertSameReplies(f, script);
    }

    [Theory]
    [InlineData(1, 3000)]
    [InlineData(2, 300)]
    public void RandomAddsMergesAndCountsLeaveTheSameBytes(int seed, int adds)
    {
        var random = new Random(seed);
        string[] keys = [$"hll:rnd{seed}:a", $"hll:rnd{seed}:b", $"hll:rnd{seed}:c"];
        string Key() => keys[random.Next(keys.Length)];
        var script = new List<string[]> { (["DEL", .. keys, $"hll:rnd{seed}:m"]) };
        for (int i = 0; i < adds; i++)
        {
            int n = random.Next(1, 6);
            script.Add(["PFADD", Key(), .. Enumerable.Range(0, n).Select(_ => "e" + random.Next(adds * 4))]);
            switch (random.Next(12))
            {
                case 0:
                    script.Add(["PFCOUNT", Key()]);
                    break;
                case 1:
                    script.Add(["PFCOUNT", Key(), Key()]);
                    break;
                case 2:
                    script.Add(["PFMERGE", $"hll:rnd{seed}:m", Key(), Key()]);
                    break;
                case 3:
                    script.Add(["PFDEBUG", "ENCODING", Key()]);
                    break;
                case 4:
                    script.Add(["GET", Key()]);
                    break;
            }
        }
        foreach (string key in keys.Append($"hll:rnd{seed}:m"))
        {
            script.Add(["PFDEBUG", "ENCODING", key]);
            script.Add(["GET", key]);
            script.Add(["PFCOUNT", key]);
            script.Add(["GET", key]);
            script.Add(["PFDEBUG", "GETREG", key]);
        }
        script.Add(["PFCOUNT", .. keys]);
        Differential.AssertSameReplies(f, script);
    }
}
