using RedisFast.Server;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>Server commands as a client library uses them (StackExchange.Redis with allowAdmin).</summary>
public sealed class ServerCommandsClientLibraryTests
{
    [Fact]
    public void StackExchangeRedisReadsInfoConfigTimeAndFlushesTheDatabase()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], LogLevel = "warning" });
        server.Start();
        using ConnectionMultiplexer mux = ConnectionMultiplexer.Connect($"127.0.0.1:{server.Port},allowAdmin=true,syncTimeout=15000,connectTimeout=15000");
        IServer admin = mux.GetServer("127.0.0.1", server.Port);
        IDatabase db = mux.GetDatabase(0);

        Assert.Equal(new Version(7, 0, 15), admin.Version);
        db.StringSet("selib:a", "1");
        db.StringSet("selib:b", "2");
        Assert.Equal(2, admin.DatabaseSize(0));

        IGrouping<string, KeyValuePair<string, string>>[] info = admin.Info();
        Assert.Contains(info, g => g.Key == "Server" && g.Any(kv => kv.Key == "redis_version" && kv.Value == "7.0.15"));
        Assert.Contains(info, g => g.Key == "Keyspace" && g.Any(kv => kv.Key == "db0" && kv.Value == "keys=2,expires=0,avg_ttl=0"));

        KeyValuePair<string, string>[] config = admin.ConfigGet("maxclients");
        Assert.Equal([new KeyValuePair<string, string>("maxclients", "10000")], config);
        admin.ConfigSet("maxclients", "500");
        Assert.Equal(500, server.Config.MaxClients);

        DateTime time = admin.Time();
        Assert.InRange(time, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));

        admin.FlushDatabase(0);
        Assert.Equal(0, admin.DatabaseSize(0));
    }
}
