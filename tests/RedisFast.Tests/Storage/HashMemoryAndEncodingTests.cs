using RedisFast.Storage;

namespace RedisFast.Tests.Storage;

/// <summary>The compact encodings in memory: listpack hashes and intsets, and their one-way conversions.</summary>
public sealed class HashMemoryAndEncodingTests
{
    [Fact]
    public void AMillionTwoFieldHashesStayCompact()
    {
        const int N = 1_000_000;
        byte[] f1 = "name"u8.ToArray(), v1 = "value-1"u8.ToArray(), f2 = "age"u8.ToArray(), v2 = "42"u8.ToArray();
        var hashes = new RedisHash[N];
        // Bytes allocated by this thread: exact whatever the tests running in parallel allocate (GC.GetTotalMemory
        // counts the whole process and failed intermittently in the full suite).
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < N; i++)
        {
            // Sized as HSET sizes a new hash: the listpack bytes of its arguments.
            var h = new RedisHash(RedisHash.EntrySize(4) + RedisHash.EntrySize(7) + RedisHash.EntrySize(3) + RedisHash.EntrySize(2));
            h.Set(f1, v1, 512, 64);
            h.Set(f2, v2, 512, 64);
            hashes[i] = h;
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        double perHash = (after - before) / (double)N;
        // Measured: 80 bytes per hash (the RedisHash object and its one listpack array). A Dictionary<byte[], byte[]>
        // with two entries plus its four arrays costs about 350.
        Assert.InRange(perHash, 1, 100);
        Assert.Equal(2, hashes[N - 1].Count);
        Assert.Equal("42"u8.ToArray(), hashes[N / 2].ValueAt(hashes[N / 2].Find("age"u8)).ToArray());
        GC.KeepAlive(hashes);
    }

    [Fact]
    public void ListpackKeepsInsertionOrderThroughUpdatesOfEveryLengthAndRemovals()
    {
        var h = new RedisHash();
        Assert.True(h.Set("a"u8, "1"u8, 512, 64));
        Assert.True(h.Set("b"u8, "2"u8, 512, 64));
        Assert.True(h.Set("c"u8, "3"u8, 512, 64));
        Assert.False(h.Set("b"u8, new byte[64], 512, 64));
        Assert.False(h.Set("a"u8, ""u8, 512, 64));
        Assert.True(h.Remove("c"u8));
        Assert.False(h.Remove("c"u8));
        Assert.True(h.Set("d"u8, "4"u8, 512, 64));
        var fields = new List<string>();
        for (int p = h.First(); p >= 0; p = h.Next(p)) fields.Add(System.Text.Encoding.ASCII.GetString(h.FieldAt(p)));
        Assert.Equal(new[] { "a", "b", "d" }, fields);
        Assert.Equal(64, h.ValueAt(h.Find("b"u8)).Length);
        Assert.Equal(0, h.ValueAt(h.Find("a"u8)).Length);
        Assert.True(h.IsListpack);
        h.Set("e"u8, new byte[65], 512, 64);
        Assert.False(h.IsListpack);
        Assert.Equal(4, h.Count);
        Assert.Equal("4"u8.ToArray(), h.ValueAt(h.Find("d"u8)).ToArray());
        h.Remove("e"u8);
        Assert.False(h.IsListpack);
    }

    [Fact]
    public void IntsetStaysSortedAndConvertsForGoodOnANonIntegerOrPastTheLimit()
    {
        RedisSet s = RedisSet.CreateFor("5"u8);
        foreach (string m in new[] { "3", "-1", "9223372036854775807", "3", "0" }) s.Add(System.Text.Encoding.ASCII.GetBytes(m), 5);
        Span<byte> scratch = stackalloc byte[20];
        var members = new List<string>();
        for (int p = s.First(); p >= 0; p = s.Next(p)) members.Add(System.Text.Encoding.ASCII.GetString(s.MemberAt(p, scratch)));
        Assert.Equal(new[] { "-1", "0", "3", "9223372036854775807" }, members);
        Assert.True(s.IsIntset);
        Assert.False(s.Contains("03"u8));
        Assert.True(s.Add("7"u8, 5));
        Assert.True(s.IsIntset);
        Assert.True(s.Add("8"u8, 5));
        Assert.False(s.IsIntset);
        Assert.True(s.Remove("8"u8));
        Assert.False(s.IsIntset);
        Assert.True(s.Contains("9223372036854775807"u8));
        Assert.Equal(5, s.Count);
        Assert.Equal("hashtable", RedisSet.CreateFor("x"u8).EncodingName);
    }
}
