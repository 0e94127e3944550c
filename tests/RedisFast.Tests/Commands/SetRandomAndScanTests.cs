using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Commands.HashSetTestHelpers;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Properties of the random commands (SPOP, SRANDMEMBER, HRANDFIELD) and of cursor-driven SSCAN/HSCAN over
/// hashtable encodings, whose exact replies cannot match redis-server byte for byte.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SetRandomAndScanTests(ServerFixture f)
{
    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    public void SRandMemberWithPositiveCountReturnsDistinctMembersAndNegativeCountMayRepeat(int size)
    {
        using RawClient c = f.Connect();
        string key = f.Key("srand");
        c.Call(Differential.SplitArgs(Many("SADD", key, size, withValues: false, prefix: size > 500 ? "m" : "")));
        var all = new HashSet<string>(Bulks(c.Call("SMEMBERS", key)));
        foreach (int count in new[] { 1, 3, size / 2, size - 1 })
        {
            List<string> got = Bulks(c.Call("SRANDMEMBER", key, count.ToString()));
            Assert.Equal(count, got.Count);
            Assert.Equal(count, new HashSet<string>(got).Count);
            Assert.All(got, m => Assert.Contains(m, all));
        }
        List<string> repeated = Bulks(c.Call("SRANDMEMBER", key, (-3 * size).ToString()));
        Assert.Equal(3 * size, repeated.Count);
        Assert.All(repeated, m => Assert.Contains(m, all));
        Assert.True(new HashSet<string>(repeated).Count < repeated.Count);
        Assert.Contains(Bulks("*1\r\n" + c.Call("SRANDMEMBER", key))[0], all);
        Assert.Equal($":{size}\r\n", c.Call("SCARD", key));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    public void SPopRemovesWhatItReturnsAndDeletesTheEmptiedKey(int size)
    {
        using RawClient c = f.Connect();
        string key = f.Key("spop");
        c.Call(Differential.SplitArgs(Many("SADD", key, size, withValues: false, prefix: size > 500 ? "m" : "")));
        var remaining = new HashSet<string>(Bulks(c.Call("SMEMBERS", key)));
        foreach (int count in new[] { 1, 2, size / 3 })
        {
            List<string> popped = Bulks(c.Call("SPOP", key, count.ToString()));
            Assert.Equal(count, popped.Count);
            foreach (string m in popped) Assert.True(remaining.Remove(m), $"{m} popped twice or never a member");
            Assert.Equal($":{remaining.Count}\r\n", c.Call("SCARD", key));
        }
        string single = Bulks("*1\r\n" + c.Call("SPOP", key))[0];
        Assert.True(remaining.Remove(single));
        List<string> rest = Bulks(c.Call("SPOP", key, size.ToString()));
        Assert.Equal(remaining.OrderBy(x => x, StringComparer.Ordinal), rest.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(":0\r\n", c.Call("EXISTS", key));
        Assert.Equal("$-1\r\n", c.Call("SPOP", key));
    }

    [Fact]
    public void SinglePopsDrainASetAndDeleteIt()
    {
        using RawClient c = f.Connect();
        string key = f.Key("drain");
        c.Call("SADD", key, "a", "b", "c");
        var seen = new HashSet<string>();
        for (int i = 0; i < 3; i++) Assert.True(seen.Add(Bulks("*1\r\n" + c.Call("SPOP", key))[0]));
        Assert.Equal(new[] { "a", "b", "c" }, seen.OrderBy(x => x));
        Assert.Equal(":0\r\n", c.Call("EXISTS", key));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(800)]
    public void HRandFieldReturnsDistinctFieldsWithTheirValues(int size)
    {
        using RawClient c = f.Connect();
        string key = f.Key("hrand");
        c.Call(Differential.SplitArgs(Many("HSET", key, size, withValues: true, prefix: "f")));
        c.Call("HSET", key, "f1", "one");
        foreach (int count in new[] { 1, 2, size - 1 })
        {
            List<string> pairs = Bulks(c.Call("HRANDFIELD", key, count.ToString(), "WITHVALUES"));
            Assert.Equal(2 * count, pairs.Count);
            var fields = new HashSet<string>();
            for (int i = 0; i < pairs.Count; i += 2)
            {
                Assert.True(fields.Add(pairs[i]));
                Assert.Equal(pairs[i] == "f1" ? "one" : "v", pairs[i + 1]);
            }
        }
        List<string> repeated = Bulks(c.Call("HRANDFIELD", key, (-3 * size).ToString()));
        Assert.Equal(3 * size, repeated.Count);
        Assert.All(repeated, x => Assert.StartsWith("f", x));
        Assert.True(new HashSet<string>(repeated).Count < repeated.Count);

        using RawClient c3 = f.Connect();
        c3.Call("HELLO", "3");
        string nested = c3.Call("HRANDFIELD", key, "-2", "WITHVALUES");
        Assert.StartsWith("*2\r\n*2\r\n$", nested);
    }

    [Fact]
    public void SScanAndHScanWithSmallCountsVisitEveryElementPresentThroughoutExactlyOnce()
    {
        using RawClient c = f.Connect();
        string set = f.Key("sscan"), hash = f.Key("hscan");
        c.Call(Differential.SplitArgs(Many("SADD", set, 2000, withValues: false, prefix: "m")));
        c.Call(Differential.SplitArgs(Many("HSET", hash, 2000, withValues: true, prefix: "f")));
        foreach ((string command, string key, int step) in new[] { ("SSCAN", set, 1), ("HSCAN", hash, 2) })
        {
            var seen = new Dictionary<string, int>();
            string cursor = "0";
            int calls = 0, added = 0;
            do
            {
                // *2, the cursor as a bulk string, then the flat array of elements.
                List<string> flat = Elements(c.Call(command, key, cursor, "COUNT", "25"), out _);
                cursor = Bulks("*1\r\n" + flat[0])[0];
                List<string> items = Bulks(string.Concat(flat.Skip(1)));
                for (int i = 0; i < items.Count; i += step) seen[items[i]] = seen.GetValueOrDefault(items[i]) + 1;
                // Churn while scanning: new elements may or may not be returned, the original ones must be.
                if (command == "SSCAN") c.Call("SADD", key, "new" + added++);
                else c.Call("HSET", key, "new" + added++, "x");
                calls++;
            }
            while (cursor != "0");
            Assert.True(calls > 10, $"{command} returned everything in {calls} calls");
            for (int i = 0; i < 2000; i++)
            {
                string name = (command == "SSCAN" ? "m" : "f") + i;
                Assert.Equal(1, seen.GetValueOrDefault(name));
            }
        }
    }
}
