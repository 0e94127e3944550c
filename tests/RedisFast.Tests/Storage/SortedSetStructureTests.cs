using System.Text;
using RedisFast.Storage;

namespace RedisFast.Tests.Storage;

/// <summary>
/// The sorted set structure checked against a plain sorted model: both encodings, with ranks, ranges and
/// range deletions, across the listpack→skiplist conversion.
/// </summary>
public sealed class SortedSetStructureTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static List<(double Score, string Member)> Model(SortedDictionary<string, double> scores)
    {
        var list = new List<(double, string)>();
        foreach (var pair in scores) list.Add((pair.Value, pair.Key));
        list.Sort((a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2));
        return list;
    }

    private static void AssertSame(RedisSortedSet set, SortedDictionary<string, double> scores)
    {
        List<(double Score, string Member)> model = Model(scores);
        Assert.Equal(model.Count, set.Count);
        int i = 0;
        for (ZIterator it = set.AtRank(0); it.Valid; it.MoveNext(), i++)
        {
            Assert.Equal(model[i].Member, Encoding.ASCII.GetString(it.Member));
            Assert.Equal(model[i].Score, it.Score);
            Assert.Equal(i, set.Rank(it.Member, reverse: false));
            Assert.Equal(model.Count - 1 - i, set.Rank(it.Member, reverse: true));
        }
        Assert.Equal(model.Count, i);
        i = model.Count - 1;
        for (ZIterator it = set.AtRank(model.Count - 1); it.Valid; it.MovePrevious(), i--) Assert.Equal(model[i].Member, Encoding.ASCII.GetString(it.Member));
        Assert.Equal(-1, i);
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(0, 2)]
    [InlineData(128, 3)]
    public void RandomAddsRemovesAndRangeDeletionsKeepOrderAndRanks(int maxEntries, int seed)
    {
        var random = new Random(seed);
        RedisSortedSet set = RedisSortedSet.Create(1, 0, maxEntries, 64);
        var model = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (int step = 0; step < 4000; step++)
        {
            string member = "m" + random.Next(300);
            int op = random.Next(10);
            if (op < 6)
            {
                double score = random.Next(-40, 40) / 2.0;
                Assert.True(set.Add(B(member), score, 0, out _, out _, maxEntries, 64));
                model[member] = score;
            }
            else if (op < 8)
            {
                Assert.Equal(model.Remove(member), set.Remove(B(member)));
            }
            else if (op == 8 && set.Count > 0)
            {
                double lo = random.Next(-40, 40) / 2.0, hi = lo + random.Next(0, 5);
                var range = new ScoreRange(lo, hi, random.Next(2) == 0, random.Next(2) == 0);
                long expected = 0;
                foreach (var pair in Model(model))
                {
                    if (range.GteMin(pair.Score) && range.LteMax(pair.Score))
                    {
                        model.Remove(pair.Member);
                        expected++;
                    }
                }
                Assert.Equal(expected, set.DeleteRangeByScore(range));
            }
            else if (set.Count > 2)
            {
                long start = random.Next(set.Count - 1), end = Math.Min(set.Count - 1, start + random.Next(3));
                List<(double Score, string Member)> sorted = Model(model);
                for (long r = start; r <= end; r++) model.Remove(sorted[(int)r].Member);
                Assert.Equal(end - start + 1, set.DeleteRangeByRank(start, end));
            }
            if (step % 97 == 0) AssertSame(set, model);
        }
        AssertSame(set, model);
        if (maxEntries == 0) Assert.False(set.IsListpack);
    }

    [Fact]
    public void TiesAreOrderedByMemberBytesAndConversionKeepsEverything()
    {
        RedisSortedSet set = RedisSortedSet.Create(1, 0, 4, 64);
        var model = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (string m in new[] { "b", "a", "ab", "", "B", "ba" })
        {
            set.Add(B(m), 1, 0, out _, out _, 4, 64);
            model[m] = 1;
        }
        Assert.False(set.IsListpack);
        AssertSame(set, model);
        set.ConvertToListpackIfNeeded(2, 128, 64);
        Assert.True(set.IsListpack);
        AssertSame(set, model);
        RedisSortedSet copy = set.Clone();
        copy.Remove(B("a"));
        AssertSame(set, model);
    }

    [Fact]
    public void ASkiplistCloneHasTheSameOrderRanksAndEndsAndChangesIndependentlyOfTheOriginal()
    {
        // The clone copies nodes with their levels and spans instead of re-inserting (O(n)); ranks read the spans.
        var random = new Random(7);
        RedisSortedSet set = RedisSortedSet.Create(1, 0, 0, 64);
        var model = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < 3000; i++)
        {
            string member = "m" + random.Next(5000);
            double score = random.Next(-200, 200) / 4.0;
            set.Add(B(member), score, 0, out _, out _, 0, 64);
            model[member] = score;
        }
        foreach (string member in model.Keys.Where((_, i) => i % 3 == 0).ToList())
        {
            set.Remove(B(member));
            model.Remove(member);
        }
        RedisSortedSet copy = set.Clone();
        var copyModel = new SortedDictionary<string, double>(model, StringComparer.Ordinal);
        AssertSame(copy, copyModel);
        for (int i = 0; i < 2000; i++)
        {
            string member = "m" + random.Next(5000);
            if (i % 2 == 0)
            {
                copy.Add(B(member), i, 0, out _, out _, 0, 64);
                copyModel[member] = i;
            }
            else
            {
                Assert.Equal(model.Remove(member), set.Remove(B(member)));
            }
        }
        AssertSame(copy, copyModel);
        AssertSame(set, model);
    }

    [Fact]
    public void IncrementToNaNIsRefusedAndLeavesTheScore()
    {
        RedisSortedSet set = RedisSortedSet.Create(1, 0, 128, 64);
        set.Add(B("a"), double.PositiveInfinity, 0, out _, out _, 128, 64);
        Assert.False(set.Add(B("a"), double.NegativeInfinity, RedisSortedSet.InIncr, out int flags, out _, 128, 64));
        Assert.Equal(RedisSortedSet.OutNan, flags);
        Assert.True(set.TryGetScore(B("a"), out double score));
        Assert.Equal(double.PositiveInfinity, score);
    }
}
