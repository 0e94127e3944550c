using System.Text;
using RedisFast.Storage;

namespace RedisFast.Tests.Storage;

/// <summary>
/// The segmented slot table behind hashtable hashes, sets and sorted-set member indexes, checked against a
/// Dictionary model, and its copy-on-write split for an AOF rewrite.
/// </summary>
public sealed class SlotTableTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string S(byte[]? b) => Encoding.ASCII.GetString(b!);

    private static Dictionary<string, string> Contents(SlotTable<byte[]?> table)
    {
        var contents = new Dictionary<string, string>();
        for (int i = table.NextOccupied(0); i >= 0; i = table.NextOccupied(i + 1)) contents.Add(S(table.KeyAt(i)), S(table.ValueAt(i)));
        Assert.Equal(contents.Count, table.Count);
        return contents;
    }

    private static SlotTable<byte[]?> Filled(int count, Dictionary<string, string> model)
    {
        var table = new SlotTable<byte[]?>();
        for (int i = 0; i < count; i++)
        {
            table.AddNew(B("k" + i), B("v" + i));
            model["k" + i] = "v" + i;
        }
        return table;
    }

    /// <returns>Whether the table was rehashing at some step.</returns>
    private static bool Mutate(SlotTable<byte[]?> table, Dictionary<string, string> model, Random random, int steps, int keyRange)
    {
        bool sawRehashing = false;
        for (int step = 0; step < steps; step++)
        {
            sawRehashing |= table.IsRehashing;
            string key = "k" + random.Next(keyRange);
            switch (random.Next(4))
            {
                case 0:
                    Assert.Equal(model.Remove(key), table.Remove(B(key)));
                    break;
                default:
                    string value = "w" + step;
                    int slot = table.FindOrAdd(B(key), out bool added);
                    Assert.Equal(!model.ContainsKey(key), added);
                    table.SetValueAt(slot, B(value));
                    model[key] = value;
                    break;
            }
        }
        return sawRehashing;
    }

    [Fact]
    public void RandomAddsRemovesAndUpdatesMatchADictionaryModelAcrossManySegmentsAndRehashes()
    {
        var model = new Dictionary<string, string>();
        SlotTable<byte[]?> table = Filled(3000, model);
        Assert.True(Mutate(table, model, new Random(11), 40_000, 9000));
        Assert.Equal(model, Contents(table));
        foreach ((string key, string value) in model) Assert.Equal(value, S(table.ValueAt(table.Find(B(key)))));
        for (int i = 9000; i < 9100; i++) Assert.Equal(-1, table.Find(B("k" + i)));
    }

    [Fact]
    public void ASplitTableKeepsTheInstantForTheRewriterWhileTheLoopsTableChangesAndGrows()
    {
        foreach (int size in new[] { 5, 700, 5000 })
        {
            var model = new Dictionary<string, string>();
            SlotTable<byte[]?> original = Filled(size, model);
            for (int i = 0; i < size; i += 3)
            {
                original.Remove(B("k" + i));
                model.Remove("k" + i);
            }
            var snapshot = new RewriteSnapshot(new Keyspace(1), 0);
            Dictionary<string, string> instant = Contents(original);

            SlotTable<byte[]?> loop = original.SplitForRewrite(snapshot);
            // Far more keys than the instant held: the loop's table reuses free slots, changes shared segments and grows.
            Mutate(loop, model, new Random(size), 30_000, 4 * size + 2000);

            Assert.Equal(instant, Contents(original));
            Assert.Equal(model, Contents(loop));
            foreach ((string key, string value) in model) Assert.Equal(value, S(loop.ValueAt(loop.Find(B(key)))));
        }
    }

    [Fact]
    public void ASplitCopiesOnlyTheSegmentsTheLoopChangesAndNothingAfterTheRewriteEnds()
    {
        var model = new Dictionary<string, string>();
        SlotTable<byte[]?> original = Filled(100 * SlotTable<byte[]?>.SegmentSize, model);
        // A doubling under way moves chain links, which are changes too: finish it so each write below is one change.
        while (original.IsRehashing) original.Find(B("k1"));
        var snapshot = new RewriteSnapshot(new Keyspace(1), 0);

        SlotTable<byte[]?> loop = original.SplitForRewrite(snapshot);
        long directory = snapshot.CowBytes;
        Assert.InRange(directory, 1, 128 * 9);

        // Key, value, hash code and link: 24 bytes a slot.
        const long OneSegment = SlotTable<byte[]?>.SegmentSize * 24;
        loop.SetValueAt(loop.Find(B("k5")), B("x"));
        Assert.Equal(directory + OneSegment, snapshot.CowBytes);
        loop.SetValueAt(loop.Find(B("k7")), B("y"));
        Assert.Equal(directory + OneSegment, snapshot.CowBytes);
        // Unlinking may also change the link of a chain neighbour in another segment.
        loop.Remove(B("k6"));
        long afterRemove = snapshot.CowBytes;
        Assert.InRange(afterRemove, directory + OneSegment, directory + 2 * OneSegment);

        snapshot.End();
        loop.SetValueAt(loop.Find(B("k50000")), B("z"));
        loop.Remove(B("k90000"));
        Assert.Equal(afterRemove, snapshot.CowBytes);
        // After the rewrite the segments are the loop's own: changing them in place leaves the original's instant
        // changed, which nobody reads any more; the loop's table stays right.
        Assert.Equal("z", S(loop.ValueAt(loop.Find(B("k50000")))));
        Assert.Equal(-1, loop.Find(B("k90000")));
        Assert.Equal("v5", S(original.ValueAt(original.NextOccupied(5))));
    }
}
