using System.Text;
using RedisFast.Storage;

namespace RedisFast.Tests.Storage;

/// <summary>The ring-buffer deque behind lists, checked against a plain List as the model.</summary>
public sealed class RedisListTests
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static List<string> Items(RedisList list)
    {
        var items = new List<string>(list.Count);
        for (int i = 0; i < list.Count; i++) items.Add(Encoding.ASCII.GetString(list[i]));
        return items;
    }

    /// <summary>Applies <paramref name="steps"/> random operations to both, asserting their replies agree.</summary>
    private static void Mutate(RedisList list, List<string> model, Random random, int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            string value = "e" + random.Next(20);
            switch (random.Next(9))
            {
                case 0 or 1:
                    list.PushHead(B(value));
                    model.Insert(0, value);
                    break;
                case 2 or 3:
                    list.PushTail(B(value));
                    model.Add(value);
                    break;
                case 4 when model.Count > 0:
                    Assert.Equal(model[0], Encoding.ASCII.GetString(list.PopHead()));
                    model.RemoveAt(0);
                    break;
                case 5 when model.Count > 0:
                    Assert.Equal(model[^1], Encoding.ASCII.GetString(list.PopTail()));
                    model.RemoveAt(model.Count - 1);
                    break;
                case 6:
                    int at = random.Next(model.Count + 1);
                    list.Insert(at, B(value));
                    model.Insert(at, value);
                    break;
                case 7 when model.Count > 0:
                    int remove = random.Next(model.Count);
                    list.RemoveAt(remove);
                    model.RemoveAt(remove);
                    break;
                case 8:
                    long limit = random.Next(3);
                    bool fromTail = random.Next(2) == 0;
                    int removed = list.Remove(B(value), limit, fromTail);
                    int expected = 0;
                    for (int i = fromTail ? model.Count - 1 : 0; fromTail ? i >= 0 : i < model.Count; i += fromTail ? -1 : 1)
                    {
                        if (model[i] != value || (limit != 0 && expected == limit)) continue;
                        model.RemoveAt(i);
                        expected++;
                        if (!fromTail) i--;
                    }
                    Assert.Equal(expected, removed);
                    break;
            }
            Assert.Equal(model.Count, list.Count);
        }
    }

    private static RedisList Filled(int count, List<string> model)
    {
        var list = new RedisList();
        for (int i = 0; i < count; i++)
        {
            // Both ends, so the head wraps around the ring and growth has to move the wrapped part.
            if (i % 3 == 0)
            {
                list.PushHead(B("h" + i));
                model.Insert(0, "h" + i);
            }
            else
            {
                list.PushTail(B("t" + i));
                model.Add("t" + i);
            }
        }
        return list;
    }

    [Fact]
    public void RandomOperationsAtBothEndsAndInTheMiddleMatchAListModel()
    {
        var list = new RedisList();
        var model = new List<string>();
        Mutate(list, model, new Random(7), 20_000);
        Assert.Equal(model, Items(list));
    }

    [Fact]
    public void ALongListWithAWrappedHeadGrowsAcrossChunksAndGivesBackEmptiedChunksInOrder()
    {
        var model = new List<string>();
        RedisList list = Filled(10 * RedisList.ChunkSize + 17, model);
        Assert.Equal(model, Items(list));
        Mutate(list, model, new Random(3), 5_000);
        Assert.Equal(model, Items(list));
        Assert.InRange(list.AllocatedChunks, 10, 16);
        while (list.Count > 100)
        {
            Assert.Equal(model[^1], Encoding.ASCII.GetString(list.PopTail()));
            model.RemoveAt(model.Count - 1);
            Assert.Equal(model[0], Encoding.ASCII.GetString(list.PopHead()));
            model.RemoveAt(0);
        }
        Assert.Equal(model, Items(list));
        // Emptied chunks were freed as the pops left them: at most the two the last 100 elements straddle.
        Assert.InRange(list.AllocatedChunks, 1, 2);
        list.Trim(10, 10);
        Mutate(list, model = Items(list), new Random(4), 5_000);
        Assert.Equal(model, Items(list));
    }

    [Fact]
    public void ASplitListKeepsTheInstantForTheRewriterWhileTheLoopsListChangesAndGrows()
    {
        foreach (int size in new[] { 3, 700, RedisList.ChunkSize, 5000 })
        {
            var model = new List<string>();
            RedisList original = Filled(size, model);
            List<string> instant = Items(original);
            var snapshot = new RewriteSnapshot(new Keyspace(1), 0);

            RedisList loop = original.SplitForRewrite(snapshot);
            // Past twice the size from both ends: growth while most chunks are shared, the one at the head split.
            for (int i = 0; i < 2 * size + 2 * RedisList.ChunkSize; i++)
            {
                loop.Push(B("g" + i), head: i % 2 == 0);
                if (i % 2 == 0) model.Insert(0, "g" + i);
                else model.Add("g" + i);
            }
            // Then every position changed: a chunk still shared must be copied first.
            for (int i = 0; i < loop.Count; i++) loop[i] = B(model[i] = "s" + i);
            Mutate(loop, model, new Random(size), 3_000);

            Assert.Equal(instant, Items(original));
            Assert.Equal(model, Items(loop));
        }
    }

    [Fact]
    public void ASplitCopiesOnlyTheChunksTheLoopChangesAndNothingAfterTheRewriteEnds()
    {
        var model = new List<string>();
        RedisList original = Filled(100 * RedisList.ChunkSize, model);
        var snapshot = new RewriteSnapshot(new Keyspace(1), 0);

        RedisList loop = original.SplitForRewrite(snapshot);
        long directory = snapshot.CowBytes;
        Assert.InRange(directory, 1, 128 * 9);
        loop.PopHead();
        loop.PopHead();
        loop[0] = B("x");
        Assert.Equal(directory + RedisList.ChunkSize * IntPtr.Size, snapshot.CowBytes);

        snapshot.End();
        loop.PopTail();
        loop[50_000] = B("y");
        Assert.Equal(directory + RedisList.ChunkSize * IntPtr.Size, snapshot.CowBytes);
        Assert.Equal("x", Encoding.ASCII.GetString(loop[0]));
        Assert.Equal("y", Encoding.ASCII.GetString(loop[50_000]));
        Assert.Equal(model[0], Encoding.ASCII.GetString(original[0]));
    }

    [Fact]
    public void TrimKeepsTheMiddleAndAGrownListShrinksBackAsItEmpties()
    {
        var list = new RedisList();
        for (int i = 0; i < 1000; i++) list.PushTail(B(i.ToString()));
        list.Trim(10, 20);
        Assert.Equal(970, list.Count);
        Assert.Equal("10", Encoding.ASCII.GetString(list[0]));
        Assert.Equal("979", Encoding.ASCII.GetString(list[969]));
        while (list.Count > 1) list.PopHead();
        Assert.Equal("979", Encoding.ASCII.GetString(list.PopTail()));
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void CloneIsIndependentOfTheOriginal()
    {
        var list = new RedisList();
        list.PushTail(B("a"));
        list.PushHead(B("z"));
        RedisList copy = list.Clone();
        copy.PushTail(B("b"));
        list.PopHead();
        Assert.Equal(["z", "a", "b"], Items(copy));
        Assert.Equal(["a"], Items(list));
    }
}
