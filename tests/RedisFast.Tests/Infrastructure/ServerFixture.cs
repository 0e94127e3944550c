using RedisFast.Server;

namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// One RedisFast server started in-process on 127.0.0.1 and a free port, shared by a test collection.
/// Tests isolate their keys with a unique prefix (<see cref="Key"/>), or use a database of their own.
/// </summary>
public sealed class ServerFixture : IDisposable
{
    private int _counter;

    public ServerFixture()
    {
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" };
        Server = new RedisServer(config);
        Server.Start();
    }

    public RedisServer Server { get; }

    public int Port => Server.Port;

    /// <summary>A key name unique to this call, so tests sharing the server do not collide.</summary>
    public string Key(string name = "k") => $"t{Interlocked.Increment(ref _counter)}:{name}";

    public RawClient Connect() => new("127.0.0.1", Port);

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
