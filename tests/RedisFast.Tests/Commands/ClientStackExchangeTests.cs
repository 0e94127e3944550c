using RedisFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>StackExchange.Redis 1.2.6 connects (CLIENT SETNAME, ECHO, PING, ...) and round-trips values.</summary>
[Collection(ServerCollection.Name)]
public sealed class ClientStackExchangeTests(ServerFixture f)
{
    [Fact]
    public void StackExchangeRedisConnectsNamesItsConnectionAndRoundTripsAString()
    {
        using ConnectionMultiplexer mux = ConnectionMultiplexer.Connect($"127.0.0.1:{f.Port},allowAdmin=true,name=se-client,connectTimeout=15000,syncTimeout=15000");
        Assert.True(mux.IsConnected);
        IDatabase db = mux.GetDatabase();
        string key = f.Key("se");
        Assert.True(db.StringSet(key, "value"));
        Assert.Equal("value", (string?)db.StringGet(key));
        Assert.False(db.StringGet(f.Key("missing")).HasValue);
        Assert.True(db.Ping() >= TimeSpan.Zero);

        using RawClient raw = f.Connect();
        Assert.Contains(" name=se-client ", raw.Call("CLIENT", "LIST"));
    }

    [Fact]
    public void StackExchangeRedisUsesOtherDatabasesThroughSelect()
    {
        using ConnectionMultiplexer mux = ConnectionMultiplexer.Connect($"127.0.0.1:{f.Port},allowAdmin=true,connectTimeout=15000,syncTimeout=15000");
        string key = f.Key("db");
        mux.GetDatabase(7).StringSet(key, "seven");
        Assert.Equal("seven", (string?)mux.GetDatabase(7).StringGet(key));
        Assert.False(mux.GetDatabase(8).StringGet(key).HasValue);
    }
}
