using System.Globalization;
using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// ZSCAN's cursor over skiplist-encoded sorted sets: paging bounded by COUNT, the cursor back to 0 at the end,
/// and every member present for the whole scan returned while members come and go. Redis's own pages follow
/// its dict layout, so these are properties rather than byte comparisons (the differential tests cover the
/// listpack case and whole-set pages).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SortedSetScanTests(ServerFixture f)
{
    /// <summary>Parses a ZSCAN reply: the next cursor and the (member, score) pairs.</summary>
    private static (string Cursor, List<(string Member, string Score)> Pairs) ParseScan(string reply)
    {
        var parts = Assert.IsType<List<object?>>(RespReply.Parse(Encoding.Latin1.GetBytes(reply)));
        Assert.Equal(2, parts.Count);
        string cursor = Encoding.Latin1.GetString(Assert.IsType<byte[]>(parts[0]));
        List<string> items = RespReply.Strings(parts[1]);
        Assert.True(items.Count % 2 == 0, "ZSCAN returns member/score pairs");
        var pairs = new List<(string, string)>();
        for (int i = 0; i < items.Count; i += 2) pairs.Add((items[i], items[i + 1]));
        return (cursor, pairs);
    }

    /// <summary>ZADD key score member ... for members prefix0..prefix(count-1), member i scoring i.</summary>
    private static string[] ZAddMany(string key, string prefix, int count)
    {
        var args = new List<string> { "ZADD", key };
        for (int i = 0; i < count; i++)
        {
            args.Add(i.ToString(CultureInfo.InvariantCulture));
            args.Add(prefix + i.ToString(CultureInfo.InvariantCulture));
        }
        return args.ToArray();
    }

    [Fact]
    public void ZScanWithCount10PagesThroughASkiplistReturningEveryMemberPresentThroughoutWhileMembersComeAndGo()
    {
        using RawClient c = f.Connect();
        string key = f.Key("zscan-churn");
        Assert.Equal(":1000\r\n", c.Call(ZAddMany(key, "m", 1000)));
        // 1024 members fill the member table's slots exactly, so the members added while scanning grow it.
        Assert.Equal(":24\r\n", c.Call(ZAddMany(key, "doomed", 24)));
        Assert.Equal("$8\r\nskiplist\r\n", c.Call("OBJECT", "ENCODING", key));

        var seen = new Dictionary<string, int>();
        string cursor = "0";
        int calls = 0, added = 0;
        do
        {
            (cursor, List<(string Member, string Score)> pairs) = ParseScan(c.Call("ZSCAN", key, cursor, "COUNT", "10"));
            Assert.True(pairs.Count <= 10, $"a COUNT 10 call returned {pairs.Count} members");
            foreach ((string member, string score) in pairs)
            {
                seen[member] = seen.GetValueOrDefault(member) + 1;
                if (member.StartsWith('m')) Assert.Equal(member[1..], score);
            }
            // Churn between calls: members there at the start go, new ones arrive (reusing freed slots, then
            // growing the table), some of the new ones go again, and scores change (which moves skiplist nodes).
            if (calls < 24) Assert.Equal(":1\r\n", c.Call("ZREM", key, "doomed" + calls));
            for (int k = 0; k < 3; k++) c.Call("ZADD", key, "0.5", "new" + added++);
            if (calls % 2 == 1) Assert.Equal(":1\r\n", c.Call("ZREM", key, "new" + (added - 5)));
            c.Call("ZINCRBY", key, "1", "m" + (calls % 1000));
            c.Call("ZINCRBY", key, "-1", "m" + (calls % 1000));
            calls++;
        }
        while (cursor != "0");

        Assert.True(calls >= 100, $"1024 members came back in {calls} calls of COUNT 10");
        for (int i = 0; i < 1000; i++) Assert.Equal(1, seen.GetValueOrDefault("m" + i));
    }

    [Fact]
    public void ZScanMatchFiltersEachPageAndTheScanStillVisitsTheWholeSet()
    {
        using RawClient c = f.Connect();
        string key = f.Key("zscan-match");
        c.Call(ZAddMany(key, "a", 500));
        c.Call(ZAddMany(key, "b", 500));
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            (cursor, List<(string Member, string Score)> pairs) = ParseScan(c.Call("ZSCAN", key, cursor, "MATCH", "a*", "COUNT", "10"));
            Assert.True(pairs.Count <= 10);
            foreach ((string member, _) in pairs)
            {
                Assert.StartsWith("a", member);
                Assert.True(seen.Add(member), $"{member} returned twice");
            }
            calls++;
        }
        while (cursor != "0");
        Assert.True(calls >= 100, $"COUNT counts members before MATCH filters them: {calls} calls");
        Assert.Equal(500, seen.Count);
    }

    [Fact]
    public void ZScanDefaultCountIs10AndAHugeCountReturnsTheWholeSkiplistWithCursor0()
    {
        using RawClient c = f.Connect();
        string key = f.Key("zscan-count");
        c.Call(ZAddMany(key, "m", 200));
        c.Call("ZADD", key, "0.1", "tenth", "-inf", "low", "1e300", "high");
        (string cursor, List<(string Member, string Score)> pairs) = ParseScan(c.Call("ZSCAN", key, "0"));
        Assert.Equal(10, pairs.Count);
        Assert.NotEqual("0", cursor);

        (cursor, pairs) = ParseScan(c.Call("ZSCAN", key, "0", "COUNT", "1000000000000"));
        Assert.Equal("0", cursor);
        Assert.Equal(203, pairs.Count);
        var scores = new Dictionary<string, string>();
        foreach ((string member, string score) in pairs) scores.Add(member, score);
        // A skiplist's scores print like %.17g (ld2string), as ZSCORE does.
        Assert.Equal("0.10000000000000001", scores["tenth"]);
        Assert.Equal("-inf", scores["low"]);
        Assert.Equal("1.0000000000000001e+300", scores["high"]);
        Assert.Equal("199", scores["m199"]);

        // A cursor past the last slot ends the scan at once.
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", c.Call("ZSCAN", key, "18446744073709551615"));
    }

    [Fact]
    public void ZScanOfACopiedSkiplistPagesLikeTheOriginal()
    {
        using RawClient c = f.Connect();
        string key = f.Key("zscan-copy"), copy = f.Key("zscan-copy-dst");
        c.Call(ZAddMany(key, "m", 300));
        for (int i = 0; i < 300; i += 3) c.Call("ZREM", key, "m" + i);
        Assert.Equal(":1\r\n", c.Call("COPY", key, copy));
        string cursor = "0";
        do
        {
            string original = c.Call("ZSCAN", key, cursor, "COUNT", "7");
            Assert.Equal(original, c.Call("ZSCAN", copy, cursor, "COUNT", "7"));
            cursor = ParseScan(original).Cursor;
        }
        while (cursor != "0");
    }

    [Fact]
    public void ZScanOfAListpackIgnoresTheCursorAndCountAndReturnsEverything()
    {
        using RawClient c = f.Connect();
        string key = f.Key("zscan-lp");
        c.Call(ZAddMany(key, "m", 50));
        Assert.Equal("$8\r\nlistpack\r\n", c.Call("OBJECT", "ENCODING", key));
        (string cursor, List<(string Member, string Score)> pairs) = ParseScan(c.Call("ZSCAN", key, "17", "COUNT", "1"));
        Assert.Equal("0", cursor);
        Assert.Equal(50, pairs.Count);
        Assert.Equal(("m0", "0"), pairs[0]);
        Assert.Equal(("m49", "49"), pairs[49]);
        Assert.Equal(Encoding.ASCII.GetBytes("*2\r\n$1\r\n0\r\n*2\r\n$3\r\nm42\r\n$2\r\n42\r\n"), Encoding.ASCII.GetBytes(c.Call("ZSCAN", key, "5", "MATCH", "m42")));
    }
}
