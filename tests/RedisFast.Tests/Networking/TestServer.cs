using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>A RedisFast server of the test's own (own limits, own counters), started on 127.0.0.1 and a free port.</summary>
internal sealed class TestServer : IDisposable
{
    public TestServer(Action<ServerConfig>? configure = null)
    {
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "nothing" };
        configure?.Invoke(config);
        Server = new RedisServer(config);
        Server.Start();
    }

    public RedisServer Server { get; }

    public int Port => Server.Port;

    public RawClient Connect() => new("127.0.0.1", Port);

    /// <summary>Runs <paramref name="read"/> on the event loop (the only thread allowed to look at its state) and returns its result.</summary>
    public T OnLoop<T>(Func<RedisServer, T> read)
    {
        var work = new Probe<T>(Server, read);
        Server.Loop.Schedule(work);
        if (!work.Done.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("The event loop did not run the probe.");
        return work.Result!;
    }

    /// <summary>The largest reply backlog (Output.Pending) among connected clients.</summary>
    public long MaxPendingOutput() => OnLoop(static s =>
    {
        long max = 0;
        foreach (var client in s.Clients.Values) max = Math.Max(max, client.Connection.Output.Pending);
        return max;
    });

    /// <summary>The largest receive buffer among connected clients.</summary>
    public int MaxQueryBufferCapacity() => OnLoop(static s =>
    {
        int max = 0;
        foreach (var client in s.Clients.Values) max = Math.Max(max, client.Connection.QueryBufferCapacity);
        return max;
    });

    public int ClientCount() => OnLoop(static s => s.Clients.Count);

    public void Dispose() => Server.Dispose();

    private sealed class Probe<T>(RedisServer server, Func<RedisServer, T> read) : ILoopWork
    {
        public ManualResetEventSlim Done { get; } = new();

        public T? Result { get; private set; }

        public void Run()
        {
            Result = read(server);
            Done.Set();
        }
    }
}
