using System.Runtime.InteropServices;
using RedisFast.Server;

namespace RedisFast.Host;

/// <summary>
/// The redis-server equivalent: <c>RedisFast.Server [/path/to/redis.conf] [--port 6380] [--name value ...]</c>.
/// Loads the config file and the options that override it, logs Redis's start-up lines, serves until SHUTDOWN
/// or SIGTERM/SIGINT, and exits 0 (1 on a configuration error, after Redis's fatal error block on stderr).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        // Must happen before any socket exists: the runtime reads these when the socket engine first starts.
        // With LoopMode.Inline this makes the single socket engine thread the event loop thread (DESIGN.md).
        SetDefault("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        SetDefault("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "1");

        if (args.Length == 1 && args[0] is "-v" or "--version")
        {
            Console.WriteLine($"Redis server v={ConfigFile.RedisVersion} sha=00000000:0 malloc=dotnet-gc bits=64 build=0 (RedisFast)");
            return 0;
        }

        var config = new ServerConfig { Bind = ["127.0.0.1"] };
        (string? path, string options) = ConfigFile.ParseCommandLine(args);
        try
        {
            ConfigFile.Load(config.Registry, path, options);
        }
        catch (ConfigFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        if (path is not null) config.ConfigFile = Path.GetFullPath(path);
        // Redis chdir()s into "dir": relative file names (dbfilename, appenddirname, logfile) resolve there.
        Directory.SetCurrentDirectory(config.Dir);

        var log = new ServerLog(config);
        SystemdNotifier? systemd = SystemdNotifier.Create(config, log);
        systemd?.Send("STATUS=Redis is loading...\n");
        int pid = Environment.ProcessId;
        log.Warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
        log.Warning($"Redis version={ConfigFile.RedisVersion}, bits=64, commit=00000000, modified=0, pid={pid}, just started");
        log.Warning(path is null
            ? "Warning: no config file specified, using the default config. In order to specify a config file use RedisFast.Server /path/to/redis.conf"
            : "Configuration loaded");
        if (config.Registry.Find("daemonize")?.Get() == "yes")
            log.Warning("daemonize yes is not supported by RedisFast: running in the foreground (use a service manager to background it).");

        using var server = new RedisServer(config);
        if (systemd is not null)
        {
            // READY=1 before any command is served, so STOPPING=1 (a SHUTDOWN at once) always comes after it.
            server.BeforeServing = () =>
            {
                systemd.Send("STATUS=Ready to accept connections\n");
                systemd.Send("READY=1\n");
            };
            server.ShutdownStarting = () => systemd.Send("STOPPING=1\n");
        }
        server.Initialized = () =>
        {
            // redis-server's order: these lines, then the loading of the data set, then "Ready to accept connections".
            server.Log.Notice($"Running mode=standalone, port={server.Port}.");
            WritePidFile(server);
            server.Log.Warning("Server initialized");
        };
        try
        {
            server.Start();
        }
        catch (RedisFast.Persistence.AofLoadException e)
        {
            // Redis logs why and exits with 1 (aof.c loadAppendOnlyFiles: exit(1) on AOF_FAILED / AOF_TRUNCATED).
            server.Log.Warning(e.Message);
            return 1;
        }
        catch (RedisFast.Persistence.Rdb.RdbLoadException e)
        {
            // server.c loadDataFromDisk: "Fatal error loading the DB ... Exiting." and exit(1).
            server.Log.Warning(e.Message);
            return 1;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // Redis: "Warning: Could not create server TCP listening socket *:6379: bind: Address already in use" then exit 1.
            server.Log.Warning($"Warning: Could not create server TCP listening socket {string.Join(' ', config.Bind)}:{config.Port}: bind: {e.Message}");
            server.Log.Warning("Failed listening on port " + config.Port + " (TCP), aborting.");
            return 1;
        }
        // Redis 7.0 logs "Ready to accept connections"; the " tcp" suffix is 7.2's form and keeps scripts that wait for either working.
        server.Log.Notice("Ready to accept connections tcp");

        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, server, "SIGTERM"));
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, server, "SIGINT"));
        server.Stopped.Wait();
        return 0;
    }

    /// <summary>Shuts down through the loop like Redis's sigShutdownHandler; the default termination is cancelled.</summary>
    private static void OnSignal(PosixSignalContext context, RedisServer server, string name)
    {
        context.Cancel = true;
        // server.c sigShutdownHandler: a second SIGINT while shutting down exits at once.
        if (Interlocked.Increment(ref _signals) > 1 && name == "SIGINT")
        {
            server.Log.Warning("You insist... exiting now.");
            Environment.Exit(1);
        }
        server.RequestShutdown(name);
    }

    private static int _signals;

    private static void WritePidFile(RedisServer server)
    {
        string pidFile = server.Config.PidFile;
        if (pidFile.Length == 0) return;
        try
        {
            File.WriteAllText(pidFile, Environment.ProcessId + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            server.Log.Warning($"Failed to write PID file: {e.Message}");
        }
    }

    private static void SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is null) Environment.SetEnvironmentVariable(name, value);
    }
}
