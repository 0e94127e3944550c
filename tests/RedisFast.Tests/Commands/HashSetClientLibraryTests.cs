using RedisFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>Hashes and sets as StackExchange.Redis 1.2.6 uses them, on a RedisFast server of its own.</summary>
public sealed class HashSetClientLibraryTests
{
    [Fact]
    public void StackExchangeRedisStoresReadsAndCombinesHashesAndSets()
    {
        using var server = new ServerFixture();
        using ConnectionMultiplexer redis = StackExchangeClients.Connect(server.Port);
        IDatabase db = redis.GetDatabase(0);

        db.HashSet("user:1", new[] { new HashEntry("name", "ada"), new HashEntry("visits", 1) });
        Assert.True(db.HashSet("user:1", "email", "ada@example.com"));
        Assert.False(db.HashSet("user:1", "email", "ada@example.org"));
        Assert.False(db.HashSet("user:1", "name", "x", When.NotExists));
        Assert.Equal("ada", (string?)db.HashGet("user:1", "name"));
        Assert.Equal(11, db.HashIncrement("user:1", "visits", 10));
        Assert.Equal(11.5, db.HashIncrement("user:1", "visits", 0.5));
        HashEntry[] all = db.HashGetAll("user:1");
        Assert.Equal(new[] { "name", "visits", "email" }, all.Select(e => (string)e.Name!));
        Assert.Equal(3, db.HashLength("user:1"));
        Assert.True(db.HashExists("user:1", "email"));
        Assert.True(db.HashDelete("user:1", "email"));
        Assert.Equal(new[] { "ada", "11.5" }, db.HashValues("user:1").Select(v => (string)v!));
        Assert.Equal(new RedisValue[] { "ada", RedisValue.Null }, db.HashGet("user:1", new RedisValue[] { "name", "nope" }));
        var scanned = db.HashScan("user:1", pageSize: 1).Select(e => (string)e.Name!).OrderBy(x => x).ToArray();
        Assert.Equal(new[] { "name", "visits" }, scanned);

        for (int i = 0; i < 1000; i++) db.HashSet("big", "f" + i, i);
        Assert.Equal(1000, db.HashScan("big", pageSize: 50).Count());
        Assert.Equal("hashtable", (string?)db.Execute("OBJECT", "ENCODING", "big"));

        Assert.Equal(3, db.SetAdd("tags", new RedisValue[] { "red", "green", "blue" }));
        Assert.False(db.SetAdd("tags", "red"));
        Assert.True(db.SetContains("tags", "green"));
        Assert.Equal(3, db.SetLength("tags"));
        db.SetAdd("other", new RedisValue[] { "green", "yellow" });
        Assert.Equal(new[] { "green" }, db.SetCombine(SetOperation.Intersect, "tags", "other").Select(v => (string)v!));
        Assert.Equal(4, db.SetCombine(SetOperation.Union, "tags", "other").Length);
        Assert.Equal(2, db.SetCombineAndStore(SetOperation.Difference, "diff", "tags", "other"));
        Assert.Equal(new[] { "blue", "red" }, db.SetMembers("diff").Select(v => (string)v!).OrderBy(x => x));
        Assert.True(db.SetMove("tags", "other", "red"));
        Assert.True(db.SetRemove("tags", "blue"));
        string popped = db.SetPop("tags")!;
        Assert.Equal("green", popped);
        Assert.False(db.KeyExists("tags"));
        Assert.Contains((string)db.SetRandomMember("other")!, new[] { "green", "yellow", "red" });
        Assert.Equal(3, db.SetScan("other", pageSize: 1).Count());
        db.SetAdd("ints", new RedisValue[] { 3, 1, 2 });
        Assert.Equal(new[] { "1", "2", "3" }, db.SetMembers("ints").Select(v => (string)v!));
    }
}
