using RedisFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>The generic key commands as StackExchange.Redis 1.2.6 uses them, on a RedisFast server of its own (db 0).</summary>
public sealed class KeyClientLibraryTests
{
    [Fact]
    public void StackExchangeRedisDeletesExpiresRenamesAndScansKeys()
    {
        using var server = new ServerFixture();
        using ConnectionMultiplexer redis = StackExchangeClients.Connect(server.Port);
        IDatabase db = redis.GetDatabase(0);

        Assert.True(db.StringSet("se:a", "1"));
        Assert.True(db.StringSet("se:b", "2"));
        Assert.True(db.KeyExists("se:a"));
        Assert.False(db.KeyExists("se:nope"));
        Assert.True(db.KeyDelete("se:a"));
        Assert.False(db.KeyDelete("se:a"));
        Assert.Equal(1, db.KeyDelete(new RedisKey[] { "se:a", "se:b", "se:nope" }));

        db.StringSet("se:ttl", "v");
        Assert.Null(db.KeyTimeToLive("se:ttl"));
        Assert.True(db.KeyExpire("se:ttl", TimeSpan.FromSeconds(100)));
        TimeSpan? ttl = db.KeyTimeToLive("se:ttl");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value.TotalSeconds, 90, 100);
        Assert.True(db.KeyPersist("se:ttl"));
        Assert.Null(db.KeyTimeToLive("se:ttl"));
        Assert.False(db.KeyExpire("se:nope", TimeSpan.FromSeconds(10)));

        Assert.True(db.KeyRename("se:ttl", "se:renamed"));
        Assert.Equal("v", (string?)db.StringGet("se:renamed"));
        Assert.False(db.KeyExists("se:ttl"));
        db.StringSet("se:taken", "x");
        Assert.False(db.KeyRename("se:renamed", "se:taken", When.NotExists));
        Assert.Equal(RedisType.String, db.KeyType("se:renamed"));
        Assert.Equal(RedisType.None, db.KeyType("se:nope"));

        var expected = new HashSet<string>();
        for (int i = 0; i < 250; i++)
        {
            db.StringSet($"se:scan:{i}", i);
            expected.Add($"se:scan:{i}");
        }
        IServer admin = redis.GetServer("127.0.0.1", server.Port);
        var found = new HashSet<string>();
        foreach (RedisKey key in admin.Keys(0, "se:scan:*", pageSize: 20)) Assert.True(found.Add((string)key!), $"{key} twice");
        Assert.Equal(expected, found);
        Assert.True(server.Server.Commands.Find("scan")!.Calls >= 13, "Keys() should page through SCAN (250 keys, 20 a page)");
        Assert.Equal(0, server.Server.Commands.Find("keys")!.Calls);
    }
}
