using System.Net;
using RedisFast.Commands;
using RedisFast.Networking;
using RedisFast.Storage;

namespace RedisFast.Server;

/// <summary>
/// A RedisFast server: listeners, the event loop that owns the keyspace, and the periodic tasks (Redis's
/// serverCron). Embeddable: tests and benchmarks start one in-process on port 0 and read <see cref="Port"/>.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly List<Listener> _listeners = [];
    private readonly Dictionary<long, Client> _clients = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CronWork _cron;
    private Thread? _cronThread;
    private long _nextClientId = 1;
    private int _stopping;

    public RedisServer(ServerConfig config)
    {
        Config = config;
        Log = new ServerLog(config);
        Keyspace = new Keyspace(config.Databases);
        Commands = CommandTable.Create();
        Pool = new SlabPool();
        Loop = new EventLoop(config.LoopMode, static () => { });
        _cron = new CronWork(this);
        CronTasks.Add(new ActiveExpiry().Run);
        Blocking = new BlockingKeys(Keyspace, Loop);
        CronTasks.Add(Blocking.CheckTimeouts);
        StartedAt = DateTimeOffset.UtcNow;
        RunId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
    }

    public ServerConfig Config { get; }

    public ServerLog Log { get; }

    public ServerStats Stats { get; } = new();

    /// <summary>The port of the first listener (the chosen one when configured as 0).</summary>
    public int Port { get; private set; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>run_id: 40 random hex characters, as in INFO server.</summary>
    public string RunId { get; }

    /// <summary>Completes when the server has stopped (SHUTDOWN or <see cref="Dispose"/>).</summary>
    public Task Stopped => _stopped.Task;

    internal Keyspace Keyspace { get; }

    internal CommandLookup Commands { get; }

    /// <summary>Clients blocked on keys (BLPOP and friends) and the keys they wait on.</summary>
    internal BlockingKeys Blocking { get; }

    internal SlabPool Pool { get; }

    internal EventLoop Loop { get; }

    /// <summary>Connected clients by id; loop-owned.</summary>
    internal IReadOnlyDictionary<long, Client> Clients => _clients;

    /// <summary>Binds every configured address and starts accepting.</summary>
    public void Start()
    {
        foreach (string address in Config.Bind)
        {
            string host = address.StartsWith('-') ? address[1..] : address; // "-::1": optional address in Redis
            var endpoint = new IPEndPoint(host == "*" ? IPAddress.Any : IPAddress.Parse(host), Port == 0 ? Config.Port : Port);
            try
            {
                _listeners.Add(new Listener(this, endpoint, Config.TcpBacklog));
            }
            catch (System.Net.Sockets.SocketException) when (address.StartsWith('-'))
            {
                continue;
            }
            if (Port == 0) Port = _listeners[^1].LocalEndPoint.Port;
        }
        foreach (Listener listener in _listeners) listener.Start();
        // A sleeping thread of our own rather than a Timer: timer callbacks run on the thread pool, whose workers
        // then spin looking for more work (about 1,700 sched_yield/s each at hz 10, measured with strace), stealing
        // a core from the event loop on a small machine. With inline socket completions the pool stays idle.
        _cronThread = new Thread(CronThreadMain) { IsBackground = true, Name = "redisfast-cron" };
        _cronThread.Start();
    }

    internal bool RegisterClient(Client client)
    {
        Stats.ConnectionsReceived++;
        client.Id = _nextClientId++;
        if (_clients.Count >= Config.MaxClients)
        {
            Stats.RejectedConnections++;
            return false;
        }
        _clients.Add(client.Id, client);
        return true;
    }

    internal void UnregisterClient(Client client)
    {
        _clients.Remove(client.Id);
        if (client.IsBlocked) Blocking.ClientGone(client);
    }

    private void CronThreadMain()
    {
        while (Volatile.Read(ref _stopping) == 0)
        {
            Thread.Sleep(Math.Max(1, 1000 / Math.Clamp(Config.Hz, 1, 500)));
            Loop.Schedule(_cron);
        }
    }

    /// <summary>Runs once per cron tick on the loop (Redis's serverCron at hz).</summary>
    private void Cron()
    {
        Keyspace.RefreshClock();
        foreach (Action<RedisServer> task in CronTasks) task(this);
    }

    /// <summary>Periodic tasks run on the loop at hz (active expiry, client timeouts, stats sampling).</summary>
    internal List<Action<RedisServer>> CronTasks { get; } = [];

    /// <summary>Stops accepting, closes every client and completes <see cref="Stopped"/>. Safe from any thread, idempotent.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1) return;
        foreach (Listener listener in _listeners) listener.Dispose();
        Loop.Schedule(new StopWork(this));
    }

    private void CloseAllClients()
    {
        foreach (Client client in _clients.Values.ToArray()) client.Connection.Close();
        _stopped.TrySetResult();
    }

    public void Dispose()
    {
        Stop();
        Stopped.Wait(TimeSpan.FromSeconds(5));
        Blocking.Dispose();
        Loop.Dispose();
    }

    private sealed class CronWork(RedisServer server) : ILoopWork
    {
        public void Run() => server.Cron();
    }

    private sealed class StopWork(RedisServer server) : ILoopWork
    {
        public void Run() => server.CloseAllClients();
    }
}
