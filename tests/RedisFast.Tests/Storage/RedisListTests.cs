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

    [Fact]
    public void RandomOperationsAtBothEndsAndInTheMiddleMatchAListModel()
    {
        var random = new Random(7);
        var list = new RedisList();
        var model = new List<string>();
        for (int step = 0; step < 20_000; step++)
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
        Assert.Equal(model, Items(list));
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
