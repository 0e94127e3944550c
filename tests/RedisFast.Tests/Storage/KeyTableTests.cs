using System.Text;
using RedisFast.Storage;

namespace RedisFast.Tests.Storage;

/// <summary>
/// The database hash table: segmented slots that keep their index for a key's whole life, and buckets that double
/// incrementally (a chain at a time per operation, the rest from the cron), checked against a Dictionary model.
/// </summary>
public sealed class KeyTableTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>Every modelled key is found at the slot it got when it was added, and a sample of absent keys is not.</summary>
    private static void AssertMatches(KeyTable table, Dictionary<string, int> model, int absentFrom)
    {
        Assert.Equal(model.Count, table.Count);
        foreach ((string key, int slot) in model)
        {
            Assert.Equal(slot, table.Find(B(key)));
            Assert.Equal(key, Encoding.ASCII.GetString(table.Peek(slot).Key!));
        }
        for (int i = absentFrom; i < absentFrom + 200; i++) Assert.Equal(-1, table.Find(B("k" + i)));
    }

    [Fact]
    public void KeysKeepTheirSlotsAndAreFoundWhileTheTableGrowsAndRehashesUnderInsertsAndDeletes()
    {
        var random = new Random(5);
        var table = new KeyTable();
        var model = new Dictionary<string, int>();
        bool sawRehashing = false;
        for (int step = 0; step < 120_000; step++)
        {
            // Mostly inserts (the table grows through many segments and bucket doublings), some deletes.
            string key = "k" + random.Next(step < 60_000 ? 70_000 : 100_000);
            if (random.Next(4) == 0)
            {
                int slot = table.Find(B(key));
                Assert.Equal(model.Remove(key, out int expected) ? expected : -1, slot);
                if (slot >= 0) table.RemoveAt(slot);
            }
            else
            {
                int slot = table.FindOrAdd(B(key), out bool added);
                Assert.Equal(!model.ContainsKey(key), added);
                if (added) model[key] = slot;
                else Assert.Equal(model[key], slot);
            }
            sawRehashing |= table.IsRehashing;
            if (step % 20_000 == 0) AssertMatches(table, model, 100_000);
        }
        Assert.True(sawRehashing);
        AssertMatches(table, model, 100_000);
    }

    [Fact]
    public void TheCronFinishesARehashAndEveryKeyIsStillFound()
    {
        var table = new KeyTable();
        var model = new Dictionary<string, int>();
        int n = 0;
        while (!table.IsRehashing || table.Count < 4 * KeyTable.SegmentSize)
        {
            string key = "k" + n++;
            model[key] = table.AddNew(B(key));
        }
        Assert.True(table.IsRehashing);
        while (table.Rehash(System.Diagnostics.Stopwatch.Frequency)) { }
        Assert.False(table.IsRehashing);
        AssertMatches(table, model, n);
    }

    [Fact]
    public void ClearEmptiesTheTableEvenInTheMiddleOfARehash()
    {
        var table = new KeyTable();
        int n = 0;
        while (!table.IsRehashing || table.Count < 2000) table.AddNew(B("k" + n++));
        table.Clear();
        Assert.False(table.IsRehashing);
        Assert.Equal(0, table.Count);
        Assert.Equal(-1, table.Find(B("k1")));
        var model = new Dictionary<string, int>();
        for (int i = 0; i < 5000; i++) model["k" + i] = table.AddNew(B("k" + i));
        AssertMatches(table, model, 5000);
    }
}
