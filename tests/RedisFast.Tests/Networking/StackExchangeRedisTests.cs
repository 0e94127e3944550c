using StackExchange.Redis;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>StackExchange.Redis 1.2.6, the client most .NET users have, against the in-process server.</summary>
[Collection(ServerCollection.Name)]
public sealed class StackExchangeRedisTests(ServerFixture f)
{
    [Fact]
    public void StackExchangeRedisSetsAndGetsStrings()
    {
        using ConnectionMultiplexer mux = ConnectionMultiplexer.Connect($"127.0.0.1:{f.Port},abortConnect=false,allowAdmin=true,syncTimeout=15000,connectTimeout=15000");
        IDatabase db = mux.GetDatabase();
        string key = f.Key();
        Assert.True(db.StringSet(key, "hello"));
        Assert.Equal("hello", (string?)db.StringGet(key));
        byte[] value = SocketIoTests.Pattern(300_000);
        Assert.True(db.StringSet(key, value));
        Assert.Equal(value, (byte[]?)db.StringGet(key));
        Assert.True(db.StringGet(f.Key("missing")).IsNull);
    }

    [Fact]
    public async Task StackExchangeRedisPipelinedAsyncCommandsAllComplete()
    {
        using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{f.Port},abortConnect=false,allowAdmin=true,syncTimeout=15000,connectTimeout=15000");
        IDatabase db = mux.GetDatabase();
        string prefix = f.Key();
        var sets = new Task<bool>[500];
        for (int i = 0; i < sets.Length; i++) sets[i] = db.StringSetAsync(prefix + i, "v" + i);
        Assert.All(await Task.WhenAll(sets), Assert.True);
        var gets = new Task<RedisValue>[500];
        for (int i = 0; i < gets.Length; i++) gets[i] = db.StringGetAsync(prefix + i);
        RedisValue[] values = await Task.WhenAll(gets);
        for (int i = 0; i < values.Length; i++) Assert.Equal("v" + i, (string?)values[i]);
    }
}
