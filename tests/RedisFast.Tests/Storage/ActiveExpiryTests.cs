using System.Text;
using RedisFast.Storage;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Storage;

/// <summary>
/// The active expiry cycle: directly on a <see cref="Keyspace"/> (no server), and through a server of its own
/// whose cron runs it at hz while nothing touches the keys.
/// </summary>
public sealed class ActiveExpiryTests
{
    [Fact]
    public void KeysWithAShortTtlDisappearWithoutBeingTouched()
    {
        using var server = new ServerFixture();
        using RawClient c = server.Connect();
        for (int i = 0; i < 300; i++)
        {
            c.Call("SET", $"short:{i}", "v");
            Assert.Equal(":1\r\n", c.Call("PEXPIRE", $"short:{i}", "50"));
        }
        for (int i = 0; i < 10; i++) c.Call("SET", $"forever:{i}", "v");
        Database db = server.Server.Keyspace.Databases[0];

        // Poll with a generous deadline: only the cron can remove these keys, since no command names them.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (db.Count > 10 && DateTime.UtcNow < deadline) Thread.Sleep(20);

        Assert.Equal(10, db.Count);
        Assert.Equal(10, db.Table.Count);
        Assert.Equal(0, db.Table.VolatileCount);
        Assert.Equal(300, server.Server.Keyspace.Stats.ExpiredKeys);
        Assert.Equal("*10\r\n", c.Call("KEYS", "*")[..5]);
    }

    [Fact]
    public void ACycleDeletesOnlyExpiredKeysAndRepeatsWhileManyAreStale()
    {
        var keyspace = new Keyspace(16);
        KeyTable table = keyspace.Databases[5].Table;
        long now = keyspace.Now;
        for (int i = 0; i < 1000; i++) AddString(table, $"expired:{i}", now - 1);
        for (int i = 0; i < 100; i++) AddString(table, $"future:{i}", now + 3_600_000);
        for (int i = 0; i < 100; i++) AddString(table, $"persistent:{i}", KeyTable.NoExpiry);

        // 1000 of 1100 volatile keys are stale: the cycle keeps sampling this database until the stale share
        // of a sample falls to 10% or less, which cannot happen before most expired keys are gone.
        new ActiveExpiry().Cycle(keyspace, hz: 10, activeExpireEffort: 1);

        Assert.True(table.Count < 1100, $"count {table.Count}");
        Assert.Equal(1200 - table.Count, keyspace.Stats.ExpiredKeys);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(table.Find(Encoding.ASCII.GetBytes($"future:{i}")) >= 0);
            Assert.True(table.Find(Encoding.ASCII.GetBytes($"persistent:{i}")) >= 0);
        }
        Assert.True(keyspace.Stats.ExpiredStalePercent > 0);
    }

    [Fact]
    public void RepeatedCyclesEmptyEveryDatabaseOfExpiredKeys()
    {
        var keyspace = new Keyspace(16);
        long now = keyspace.Now;
        for (int db = 0; db < 16; db++)
        {
            for (int i = 0; i < 200; i++) AddString(keyspace.Databases[db].Table, $"k{i}", now - 1000);
        }
        var expiry = new ActiveExpiry();
        for (int run = 0; run < 1000 && keyspace.Stats.ExpiredKeys < 16 * 200; run++) expiry.Cycle(keyspace, 10, 1);
        for (int db = 0; db < 16; db++) Assert.Equal(0, keyspace.Databases[db].Count);
        Assert.Equal(16 * 200, keyspace.Stats.ExpiredKeys);
    }

    [Fact]
    public void ACycleLeavesKeysThatAreNotDueAlone()
    {
        var keyspace = new Keyspace(1);
        KeyTable table = keyspace.Databases[0].Table;
        for (int i = 0; i < 500; i++) AddString(table, $"k{i}", keyspace.Now + 60_000);
        var expiry = new ActiveExpiry();
        for (int run = 0; run < 50; run++) expiry.Cycle(keyspace, 10, 1);
        Assert.Equal(500, table.Count);
        Assert.Equal(0, keyspace.Stats.ExpiredKeys);
        Assert.Equal(0, keyspace.Stats.ExpiredStalePercent);
    }

    private static void AddString(KeyTable table, string key, long expireAt)
    {
        int index = table.AddNew(Encoding.ASCII.GetBytes(key));
        table[index].Kind = ValueKind.StringEmbedded;
        table[index].Value = "v"u8.ToArray();
        table[index].Length = 1;
        if (expireAt != KeyTable.NoExpiry) table.SetExpire(index, expireAt);
    }
}
