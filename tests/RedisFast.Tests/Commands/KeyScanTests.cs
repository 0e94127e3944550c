using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// SCAN's guarantees and KEYS/SCAN/RANDOMKEY around expired keys. Each test starts a RedisFast server of its own
/// (database 0 only), so key counts are exact.
/// </summary>
public sealed class KeyScanTests
{
    [Fact]
    public void ScanReturnsEveryKeyPresentForTheWholeScanWhileKeysAreAddedAndDeleted()
    {
        using var server = new ServerFixture();
        using RawClient c = server.Connect();
        var stable = new HashSet<string>();
        for (int i = 0; i < 600; i++)
        {
            string key = $"stable:{i}";
            stable.Add(key);
            Assert.Equal("+OK\r\n", c.Call("SET", key, "v"));
            Assert.Equal("+OK\r\n", c.Call("SET", $"doomed:{i}", "v"));
        }

        var seen = new Dictionary<string, int>();
        string cursor = "0";
        int call = 0, added = 0;
        do
        {
            (cursor, List<string> keys) = Scan(c, cursor, "COUNT", "7");
            foreach (string key in keys) seen[key] = seen.GetValueOrDefault(key) + 1;
            // Churn between calls: delete keys that existed at the start, add new ones (reusing the freed slots
            // and growing the table past a resize), as a live server would.
            if (call < 600) Assert.Equal(":1\r\n", c.Call("DEL", $"doomed:{call}"));
            for (int k = 0; k < 5; k++) c.Call("SET", $"new:{added++}", "v");
            call++;
        }
        while (cursor != "0");

        foreach (string key in stable) Assert.True(seen.TryGetValue(key, out int times) && times == 1, $"{key} returned {times} times");
        Assert.True(added > 600, "the scan should have outlived a table resize");
    }

    [Fact]
    public void ScanCountBoundsTheKeysOfOneCall()
    {
        using var server = new ServerFixture();
        using RawClient c = server.Connect();
        for (int i = 0; i < 100; i++) c.Call("SET", $"k{i}", "v");
        (string cursor, List<string> keys) = Scan(c, "0", "COUNT", "5");
        Assert.Equal(5, keys.Count);
        Assert.NotEqual("0", cursor);
        (cursor, keys) = Scan(c, "0");
        Assert.Equal(10, keys.Count); // the default COUNT
        (cursor, keys) = Scan(c, "0", "COUNT", "1000");
        Assert.Equal(100, keys.Count);
        Assert.Equal("0", cursor);
    }

    [Fact]
    public void ScanAndKeysLeaveOutExpiredKeysAndOnlyScanDeletesThem()
    {
        using var server = new ServerFixture();
        server.Server.Config.ActiveExpireEnabled = false;
        using RawClient c = server.Connect();
        c.Call("SET", "live", "v");
        c.Call("SET", "dying", "v");
        Assert.Equal(":1\r\n", c.Call("PEXPIRE", "dying", "20"));
        Thread.Sleep(100);

        // KEYS in Redis 7.0 only skips expired keys (keyIsExpired): the key stays until touched.
        Assert.Equal("*1\r\n$4\r\nlive\r\n", c.Call("KEYS", "*"));
        Assert.Equal(2, server.Server.Keyspace.Databases[0].Count);

        Assert.Equal("*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n", c.Call("SCAN", "0"));
        Assert.Equal(1, server.Server.Keyspace.Databases[0].Count);
        Assert.Equal(1, server.Server.Keyspace.Stats.ExpiredKeys);
    }

    [Fact]
    public void RandomKeyReturnsNullOnAnEmptyDatabaseAndNeverAnExpiredKey()
    {
        using var server = new ServerFixture();
        server.Server.Config.ActiveExpireEnabled = false;
        using RawClient c = server.Connect();
        Assert.Equal("$-1\r\n", c.Call("RANDOMKEY"));
        for (int i = 0; i < 50; i++)
        {
            c.Call("SET", $"expired:{i}", "v");
            c.Call("PEXPIRE", $"expired:{i}", "10");
        }
        c.Call("SET", "survivor", "v");
        Thread.Sleep(60);
        for (int i = 0; i < 20; i++) Assert.Equal("$8\r\nsurvivor\r\n", c.Call("RANDOMKEY"));
        c.Call("DEL", "survivor");
        Assert.Equal("$-1\r\n", c.Call("RANDOMKEY"));
        Assert.Equal(0, server.Server.Keyspace.Databases[0].Count);
    }

    [Fact]
    public void RandomKeyFindsTheLastKeyOfASparseTable()
    {
        using var server = new ServerFixture();
        using RawClient c = server.Connect();
        for (int i = 0; i < 2000; i++) c.Call("SET", $"k{i}", "v");
        for (int i = 0; i < 2000; i++)
        {
            if (i != 1234) c.Call("DEL", $"k{i}");
        }
        Assert.Equal("$5\r\nk1234\r\n", c.Call("RANDOMKEY"));
    }

    [Fact]
    public void ScanTypeNoneReturnsTheNameOfAKeyItJustExpiredAsRedisDoes()
    {
        // db.c scanGenericCommand: the TYPE lookup deletes the expired key, so the later expiry check misses it.
        using var server = new ServerFixture();
        server.Server.Config.ActiveExpireEnabled = false;
        using RawClient c = server.Connect();
        c.Call("SET", "kc", "v");
        c.Call("PEXPIRE", "kc", "10");
        Thread.Sleep(60);
        Assert.Equal("*2\r\n$1\r\n0\r\n*1\r\n$2\r\nkc\r\n", c.Call("SCAN", "0", "TYPE", "none"));
        Assert.Equal(0, server.Server.Keyspace.Databases[0].Count);
    }

    [Fact]
    public void CopyToAnotherDatabaseStoresAnIndependentValueWithItsExpiry()
    {
        using var server = new ServerFixture();
        using RawClient c = server.Connect();
        c.Call("SET", "src", "hello");
        c.Call("PEXPIREAT", "src", "4102444800000");
        Assert.Equal(":1\r\n", c.Call("COPY", "src", "dst", "DB", "3"));
        Assert.Equal(":0\r\n", c.Call("COPY", "src", "dst", "DB", "3"));
        var db3 = server.Server.Keyspace.Databases[3];
        int index = db3.Table.Find("dst"u8);
        Assert.True(index >= 0);
        Assert.Equal(4102444800000, db3.Table[index].ExpireAt);
        Assert.Equal("hello", Encoding.ASCII.GetString((byte[])db3.Table[index].Value!, 0, db3.Table[index].Length));
        var db0 = server.Server.Keyspace.Databases[0];
        Assert.NotSame(db0.Table[db0.Table.Find("src"u8)].Value, db3.Table[index].Value);
        Assert.Equal(1, db3.Table.VolatileCount);
    }

    private static (string Cursor, List<string> Keys) Scan(RawClient c, string cursor, params string[] options)
    {
        string reply = c.Call(["SCAN", cursor, .. options]);
        string[] lines = reply.Split("\r\n");
        Assert.Equal("*2", lines[0]);
        string next = lines[2];
        int count = int.Parse(lines[3].AsSpan(1));
        var keys = new List<string>(count);
        for (int i = 0; i < count; i++) keys.Add(lines[5 + 2 * i]);
        return (next, keys);
    }
}

/// <summary>OBJECT IDLETIME and FREQ with a server of its own, where the access clock can be set back.</summary>
public sealed class KeyObjectTests
{
    [Fact]
    public void ObjectIdleTimeCountsSecondsSinceTheLastAccessAndReadsResetIt()
    {
        using var server = new ServerFixture();
        using RawClient c = server.Connect();
        c.Call("SET", "idle", "v");
        var db = server.Server.Keyspace.Databases[0];
        int index = db.Table.Find("idle"u8);
        db.Table[index].AccessedAt -= 100; // as if last touched 100 s ago
        // Seconds pass on a loaded machine while the test runs: allow a few, far from the 0 a touch would give.
        int idle = int.Parse(c.Call("OBJECT", "IDLETIME", "idle").AsSpan(1).TrimEnd("\r\n"));
        Assert.InRange(idle, 100, 105);
        // TYPE, EXISTS, TTL and OBJECT do not touch (LOOKUP_NOTOUCH); GET does.
        c.Call("TYPE", "idle");
        c.Call("EXISTS", "idle");
        c.Call("TTL", "idle");
        Assert.InRange(int.Parse(c.Call("OBJECT", "IDLETIME", "idle").AsSpan(1).TrimEnd("\r\n")), 100, 105);
        c.Call("GET", "idle");
        Assert.InRange(int.Parse(c.Call("OBJECT", "IDLETIME", "idle").AsSpan(1).TrimEnd("\r\n")), 0, 1);
    }

    [Fact]
    public void ObjectFreqAndIdleTimeSwapTheirErrorsUnderAnLfuPolicy()
    {
        using var server = new ServerFixture();
        server.Server.Config.MaxMemoryPolicy = "allkeys-lfu";
        using RawClient c = server.Connect();
        c.Call("SET", "k", "v");
        Assert.Equal(":5\r\n", c.Call("OBJECT", "FREQ", "k"));
        Assert.Equal("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
            c.Call("OBJECT", "IDLETIME", "k"));
        Assert.Equal("$-1\r\n", c.Call("OBJECT", "IDLETIME", "nope"));
    }

    [Fact]
    public void SmallIntegersAreNotSharedUnderAnLruPolicyWithMaxmemory()
    {
        using var server = new ServerFixture();
        server.Server.Config.MaxMemory = 100L << 20;
        server.Server.Config.MaxMemoryPolicy = "allkeys-lru";
        using RawClient c = server.Connect();
        c.Call("SET", "k", "5");
        Assert.Equal(":1\r\n", c.Call("OBJECT", "REFCOUNT", "k"));
        Assert.Equal("$3\r\nint\r\n", c.Call("OBJECT", "ENCODING", "k"));
    }
}
