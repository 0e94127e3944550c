using System.Net;
using RedisFast.Commands;
using RedisFast.Networking;
using RedisFast.Persistence;
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
    private readonly List<Client> _idleClients = [];
    private long _idleCheckedAt;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CronWork _cron;
    private Thread? _cronThread;
    private long _nextClientId = 1;
    private int _stopping;

    public RedisServer(ServerConfig config)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Config = config;
        Log = new ServerLog(config);
        Keyspace = new Keyspace(config.Databases) { Config = config };
        Eviction = new Eviction(this);
        Pause = new ClientPause(this);
        long tablesFrom = GC.GetAllocatedBytesForCurrentThread();
        Commands = CommandTable.Create();
        long notCounted = GC.GetAllocatedBytesForCurrentThread() - tablesFrom;
        Watches = new WatchRegistry(Keyspace);
        PubSub = new PubSubRegistry();
        Monitors = new MonitorFeed();
        Pool = new SlabPool();
        Loop = new EventLoop(config.LoopMode, static () => { });
        _cron = new CronWork(this);
        CronTasks.Add(new ActiveExpiry().Run);
        CronTasks.Add(static s => { if (s.Config.ActiveRehashing) s.Keyspace.RehashSome(); });
        Blocking = new BlockingKeys(Keyspace, Loop);
        CronTasks.Add(Blocking.CheckTimeouts);
        StartedAt = DateTimeOffset.UtcNow;
        RunId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        ReplicationId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        CronTasks.Add(Metrics.Sample);
        CronTasks.Add(static s => s.CloseIdleClients());
        Aof = new Persistence.AppendOnlyFile(this);
        Rdb = new Persistence.RdbFile(this);
        Scripts = new Scripting.ScriptEngine(this);
        Functions = new Scripting.ScriptEngine(this);
        Keyspace.ExpiredKeyListener = OnKeyExpired;
        Keyspace.KeyAddedListener = (db, key) => KeyspaceEvents.Notify(this, KeyspaceEvents.New, "new"u8, key, db.Id);
        Keyspace.KeyMissListener = (db, key) => KeyspaceEvents.Notify(this, KeyspaceEvents.KeyMiss, "keymiss"u8, key, db.Id);
        // The command table (with COMMAND DOCS) is static data, in Redis's binary: not counted.
        Metrics.StartupMemory = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore - notCounted;
    }

    /// <summary>
    /// A key found expired (lazily or by the active cycle) is being deleted: the "expired" event (notify-keyspace-events
    /// x), and a DEL in the AOF (propagateDeletion: UNLINK with lazyfree-lazy-expire).
    /// </summary>
    private void OnKeyExpired(Database db, ReadOnlySpan<byte> key)
    {
        KeyspaceEvents.Notify(this, KeyspaceEvents.Expired, "expired"u8, key, db.Id);
        Aof.Propagator?.KeyDeleted(db, key, Config.LazyfreeLazyExpire);
    }

    /// <summary>EVAL's engine: a Lua state and the script cache.</summary>
    internal Scripting.ScriptEngine Scripts { get; }

    /// <summary>The engine of FUNCTION and FCALL: another Lua state, and the libraries (saved in RDB files, as in Redis).</summary>
    internal Scripting.ScriptEngine Functions { get; }

    /// <summary>SLOWLOG's entries.</summary>
    internal SlowLog SlowLog { get; } = new();

    /// <summary>Called by <see cref="Start"/> once the data is loaded and the ports are bound, before any client is served.</summary>
    public Action? BeforeServing { get; set; }

    /// <summary>Called by <see cref="Start"/> once the ports are bound, before the data set is loaded (the host logs here).</summary>
    public Action? Initialized { get; set; }

    /// <summary>Called on the loop when a shutdown begins (the host tells systemd STOPPING=1).</summary>
    public Action? ShutdownStarting { get; set; }

    /// <summary>The append-only file (on or off); <see cref="Persistence.AppendOnlyFile.Propagator"/> is null while off.</summary>
    internal Persistence.AppendOnlyFile Aof { get; }

    /// <summary>RDB snapshots: dbfilename, SAVE, BGSAVE, the save points.</summary>
    internal Persistence.RdbFile Rdb { get; }

    /// <summary>master_replid of INFO replication: 40 random hex characters.</summary>
    internal string ReplicationId { get; }

    /// <summary>instantaneous_ops_per_sec and friends, sampled by a cron task.</summary>
    internal InstantaneousMetrics Metrics { get; } = new();

    /// <summary>maxmemory's evictions (evict.c).</summary>
    internal Eviction Eviction { get; }

    /// <summary>CLIENT PAUSE's state and the clients waiting for its end.</summary>
    internal ClientPause Pause { get; }

    /// <summary>
    /// pre_command_oom_state: the memory used was over maxmemory with nothing left to evict when the current command
    /// was checked; a script then refuses its first write that may add memory.
    /// </summary>
    internal bool OutOfMemoryBeforeCommand { get; set; }

    /// <summary>
    /// INFO used_memory, and what maxmemory limits: the managed heap when the server started, plus what the keys and
    /// values hold (<see cref="Storage.Keyspace.UsedBytes"/>, kept as they change) and the cached scripts. Unlike the
    /// heap's size it drops as soon as a key goes, as Redis's allocator count does, and it is this server's alone when
    /// several share a process. Client buffers are not in it (Redis counts them).
    /// </summary>
    public long UsedMemory => Metrics.StartupMemory + Keyspace.UsedBytes + Scripts.ScriptsMemory;

    /// <summary>
    /// Shuts down as Redis does on SIGTERM/SIGINT (server.c sigShutdownHandler, then prepareForShutdown on the loop):
    /// logs "Received SIGTERM scheduling shutdown...", then on the loop saves if configured, logs and stops.
    /// Safe from any thread (signal handlers).
    /// </summary>
    /// <param name="signalName">"SIGTERM" or "SIGINT"; picks shutdown-on-sigterm or shutdown-on-sigint.</param>
    public void RequestShutdown(string signalName)
    {
        string option = signalName == "SIGINT" ? "shutdown-on-sigint" : "shutdown-on-sigterm";
        ShutdownFlags flags = ShutdownFlags.None;
        foreach (string name in (Config.Registry.Find(option)?.Get() ?? "default").Split(' '))
        {
            flags |= name switch
            {
                "save" => ShutdownFlags.Save,
                "nosave" => ShutdownFlags.NoSave,
                "now" => ShutdownFlags.Now,
                "force" => ShutdownFlags.Force,
                _ => ShutdownFlags.None,
            };
        }
        Log.Warning($"Received {signalName} scheduling shutdown...");
        // A script holds the loop until it ends: stop it so the shutdown runs.
        Scripts.KillRunningScript();
        Functions.KillRunningScript();
        Loop.Schedule(new ShutdownWork(this, flags));
    }

    public ServerConfig Config { get; }

    public ServerLog Log { get; }

    public ServerStats Stats { get; } = new();

    /// <summary>Error replies by code (INFO errorstats).</summary>
    public ErrorStats Errors { get; } = new();

    /// <summary>The port of the first listener (the chosen one when configured as 0).</summary>
    public int Port { get; private set; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>run_id: 40 random hex characters, as in INFO server.</summary>
    public string RunId { get; }

    /// <summary>Completes when the server has stopped (SHUTDOWN or <see cref="Dispose"/>).</summary>
    public Task Stopped => _stopped.Task;

    internal Keyspace Keyspace { get; }

    internal CommandLookup Commands { get; }

    /// <summary>WATCHed keys; FLUSHDB, FLUSHALL and SWAPDB call <see cref="WatchRegistry.TouchAllWatchedKeysInDb"/>.</summary>
    internal WatchRegistry Watches { get; }

    /// <summary>Channel and pattern subscriptions.</summary>
    internal PubSubRegistry PubSub { get; }

    /// <summary>Clients in MONITOR mode and what they are sent.</summary>
    internal MonitorFeed Monitors { get; }

    /// <summary>Clients blocked on keys (BLPOP and friends) and the keys they wait on.</summary>
    internal BlockingKeys Blocking { get; }

    internal SlabPool Pool { get; }

    internal EventLoop Loop { get; }

    /// <summary>Connected clients by id; loop-owned.</summary>
    internal IReadOnlyDictionary<long, Client> Clients => _clients;

    /// <summary>Binds every configured address and starts accepting.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">An address could not be bound (in use, not local, not an address).</exception>
    /// <exception cref="Persistence.AofLoadException">appendonly yes and the AOF could not be loaded (Redis exits with 1).</exception>
    /// <exception cref="Persistence.Rdb.RdbLoadException">appendonly no and dbfilename could not be loaded (Redis exits with 1).</exception>
    public void Start()
    {
        // As redis-server: the ports are bound first (a port in use fails before a long load), then the data set is
        // loaded (server.c loadDataFromDisk) while nobody is accepted yet.
        _listeners.AddRange(BindListeners(Config.Port, out int port));
        Port = port;
        Initialized?.Invoke();
        if (Config.AppendOnly) StartupLoadHeap.Run(Aof.BytesToLoad, Aof.LoadAndOpen);
        else StartupLoadHeap.Run(Rdb.BytesToLoad, Rdb.LoadAtStart);
        // An AOF load replays commands through a detached client: none of them is a client's command.
        ServerCommands.ResetStats(this);
        SlowLog.Reset();
        // Loaded and listening, nothing served yet: where Redis tells its supervisor it is ready.
        BeforeServing?.Invoke();
        foreach (Listener listener in _listeners) listener.Start();
        // A sleeping thread of our own rather than a Timer: timer callbacks run on the thread pool, whose workers
        // then spin looking for more work (about 1,700 sched_yield/s each at hz 10, measured with strace), stealing
        // a core from the event loop on a small machine. With inline socket completions the pool stays idle.
        _cronThread = new Thread(CronThreadMain) { IsBackground = true, Name = "redisfast-cron" };
        _cronThread.Start();
    }

    /// <summary>
    /// Binds a listener per configured address (Redis's listenToPort): "*" and "::*" are the wildcards, a leading
    /// "-" marks an address that may be unavailable. All or nothing: on failure nothing stays bound.
    /// </summary>
    private List<Listener> BindListeners(int configuredPort, out int boundPort)
    {
        var listeners = new List<Listener>();
        boundPort = configuredPort;
        try
        {
            foreach (string address in Config.Bind)
            {
                bool optional = address.StartsWith('-');
                string host = optional ? address[1..] : address;
                IPAddress? ip = host switch
                {
                    "*" => IPAddress.Any,
                    "::*" => IPAddress.IPv6Any,
                    _ => IPAddress.TryParse(host, out IPAddress? parsed) ? parsed : null,
                };
                try
                {
                    if (ip is null) throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AddressNotAvailable);
                    // Port 0 picks a free port for the first address; the others then share it.
                    listeners.Add(new Listener(this, new IPEndPoint(ip, boundPort), Config.TcpBacklog));
                }
                catch (System.Net.Sockets.SocketException) when (optional)
                {
                    continue;
                }
                if (boundPort == 0) boundPort = listeners[^1].LocalEndPoint.Port;
            }
        }
        catch
        {
            foreach (Listener listener in listeners) listener.Dispose();
            throw;
        }
        return listeners;
    }

    /// <summary>
    /// CONFIG SET port/bind (config.c updatePort, applyBind): closes the listeners and binds the configured
    /// addresses and port. On failure nothing is bound; the caller restores the old values and calls it again.
    /// </summary>
    /// <returns>False when an address could not be bound.</returns>
    internal bool TryRebind()
    {
        foreach (Listener listener in _listeners) listener.Dispose();
        _listeners.Clear();
        List<Listener> fresh;
        try
        {
            // Port 0 (tests) asked for any free port at start: keep the one we got.
            fresh = BindListeners(Config.Port == 0 ? Port : Config.Port, out int port);
            Port = port;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Log.Warning($"Failed to bind: {e.Message}");
            return false;
        }
        _listeners.AddRange(fresh);
        foreach (Listener listener in _listeners) listener.Start();
        return true;
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
        if (client.IsMonitor) Monitors.Remove(client);
        client.OnDisconnected();
        if (client.IsBlocked) Blocking.ClientGone(client);
        if (client.Postponed) Pause.Forget(client);
    }

    /// <summary>
    /// timeout (server.c clientsCronHandleTimeout): closes clients idle for more than that many seconds, except
    /// blocked ones (their command has its own timeout) and subscribed ones. Every client is looked at about once a
    /// second, as Redis's clientsCron spreads its visits over a second.
    /// </summary>
    private void CloseIdleClients()
    {
        long timeoutMs = Config.Timeout * 1000L;
        long now = Environment.TickCount64;
        if (timeoutMs == 0 || now - _idleCheckedAt < 1000) return;
        _idleCheckedAt = now;
        foreach (Client client in _clients.Values)
        {
            if (!client.IsBlocked && !client.IsSubscribed && now - client.LastInteraction > timeoutMs) _idleClients.Add(client);
        }
        foreach (Client client in _idleClients)
        {
            Log.Verbose("Closing idle client");
            client.Connection.Close();
        }
        _idleClients.Clear();
    }

    private void CronThreadMain()
    {
        while (Volatile.Read(ref _stopping) == 0)
        {
            // CONFIG SET hz takes effect at the next tick, as in Redis (serverCron reads server.hz each run).
            Thread.Sleep(Math.Max(1, 1000 / Math.Clamp(Config.Hz, 1, 500)));
            Loop.Schedule(_cron);
        }
    }

    /// <summary>Runs once per cron tick on the loop (Redis's serverCron at hz).</summary>
    private void Cron()
    {
        Keyspace.RefreshClock();
        foreach (Action<RedisServer> task in CronTasks) task(this);
        // The active expiry cycle deletes keys outside any command.
        if (Keyspace.Memory.HasChanges) Keyspace.Memory.Settle();
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
        // Whatever was acknowledged reaches the file (and the disk) before Stopped completes.
        Aof.Shutdown();
        _stopped.TrySetResult();
    }

    public void Dispose()
    {
        Stop();
        // The Lua state is closed only once the loop, which runs scripts, has stopped.
        if (Stopped.Wait(TimeSpan.FromSeconds(5)))
        {
            Scripts.Dispose();
            Functions.Dispose();
        }
        Blocking.Dispose();
        Pause.Dispose();
        Loop.Dispose();
    }

    private sealed class CronWork(RedisServer server) : ILoopWork
    {
        public void Run() => server.Cron();
    }

    private sealed class ShutdownWork(RedisServer server, ShutdownFlags flags) : ILoopWork
    {
        public void Run()
        {
            // A failed final save without FORCE keeps the server running, as in Redis (it logs why).
            ServerCommands.PrepareForShutdown(server, flags, out _);
        }
    }

    private sealed class StopWork(RedisServer server) : ILoopWork
    {
        public void Run() => server.CloseAllClients();
    }
}
