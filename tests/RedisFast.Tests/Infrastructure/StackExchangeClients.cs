using StackExchange.Redis;

namespace RedisFast.Tests.Infrastructure;

/// <summary>StackExchange.Redis 1.2.6 connected to a test server with the timeouts a loaded CI machine needs.</summary>
public static class StackExchangeClients
{
    /// <summary>
    /// A multiplexer for 127.0.0.1:<paramref name="port"/> with admin commands allowed, version 7.0 assumed (Keys() then
    /// uses SCAN, whatever INFO says), and 15 s for the connect and for each call: the 5 s connect and 1 s sync
    /// defaults were missed on a loaded machine (a PubSubDeliveryTests connect timed out in a fresh-clone CI run).
    /// </summary>
    public static ConnectionMultiplexer Connect(int port)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse($"127.0.0.1:{port},allowAdmin=true");
        options.DefaultVersion = new Version(7, 0, 0);
        options.SyncTimeout = 15000;
        options.ConnectTimeout = 15000;
        return ConnectionMultiplexer.Connect(options);
    }
}
