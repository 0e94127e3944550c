using System.Globalization;
using static RedisFast.Server.ConfigFlags;

namespace RedisFast.Server;

/// <summary>
/// Every configuration parameter under Redis 7.0's names and aliases (config.c, standardConfig table), bound to
/// a <see cref="ServerConfig"/>. CONFIG GET/SET and the config file parser both go through it. Parameters that
/// RedisFast does not act on (cluster, TLS, replication tuning, encodings) are still accepted, validated and
/// reported with Redis's defaults, so an unmodified redis.conf loads and clients that read them get sane values.
/// Not thread-safe: used at start-up, then on the event loop.
/// </summary>
public sealed partial class ConfigRegistry
{
    private const long IntMax = int.MaxValue;
    private const long LongMax = long.MaxValue;
    private const ulong UIntMax = uint.MaxValue;
    private const ulong ULongLongMax = ulong.MaxValue;

    /// <summary>CONFIG_BINDADDR_MAX (server.h).</summary>
    private const int MaxBindAddresses = 16;

    private readonly List<ConfigParameter> _parameters = [];
    private readonly Dictionary<string, ConfigParameter> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ServerConfig _config;
    private bool _saveLoadedFromFile;

    public ConfigRegistry(ServerConfig config)
    {
        _config = config;
        AddBooleans();
        AddStrings();
        AddEnums();
        AddNumbers();
        AddSpecials();
    }

    /// <summary>Every parameter once, in registration order.</summary>
    public IReadOnlyList<ConfigParameter> Parameters => _parameters;

    /// <summary>Every name and alias with its parameter (CONFIG GET patterns match aliases too, as in Redis).</summary>
    public IEnumerable<KeyValuePair<string, ConfigParameter>> Names => _byName;

    /// <summary>True while a config file is being applied: several "save" lines then add up instead of replacing.</summary>
    public bool ReadingConfigFile { get; set; }

    /// <summary>Finds a parameter by name or alias, ignoring case; null if there is none.</summary>
    public ConfigParameter? Find(string name) => _byName.GetValueOrDefault(name);

    private T Add<T>(T parameter) where T : ConfigParameter
    {
        _parameters.Add(parameter);
        _byName[parameter.Name] = parameter;
        if (parameter.Alias is not null) _byName[parameter.Alias] = parameter;
        return parameter;
    }

    private void Bool(string name, string? alias, ConfigFlags flags, bool value, Func<bool>? get = null, Action<bool>? set = null) =>
        Add(new BoolParameter(name, alias, flags, value, get, set));

    private void Int(string name, string? alias, ConfigFlags flags, long lower, long upper, long value,
        Func<long>? get = null, Action<long>? set = null, Func<long, long>? normalize = null) =>
        Add(new NumericParameter(name, alias, flags, NumericFormat.Integer, false, lower, (ulong)upper, value, get, set, normalize));

    private void UInt(string name, string? alias, ConfigFlags flags, NumericFormat format, long lower, ulong upper, long value,
        Func<long>? get = null, Action<long>? set = null) =>
        Add(new NumericParameter(name, alias, flags, format, true, lower, upper, value, get, set));

    private void Memory(string name, string? alias, ConfigFlags flags, long lower, long upper, long value,
        Func<long>? get = null, Action<long>? set = null) =>
        Add(new NumericParameter(name, alias, flags, NumericFormat.Memory, false, lower, (ulong)upper, value, get, set));

    private void Str(string name, string? alias, ConfigFlags flags, string value,
        Func<string>? get = null, Action<string>? set = null, Func<string, string?>? validate = null) =>
        Add(new StringParameter(name, alias, flags, value, get, set, validate));

    private void Enum(string name, string? alias, ConfigFlags flags, string[] names, string value,
        Func<string>? get = null, Action<string>? set = null, Func<string[], string?>? validate = null) =>
        Add(new EnumParameter(name, alias, flags, names, value, get, set, validate));

    private void AddBooleans()
    {
        ServerConfig c = _config;
        Bool("rdbchecksum", null, Immutable, true, () => c.RdbChecksum, v => c.RdbChecksum = v);
        Bool("daemonize", null, Immutable, false);
        Bool("io-threads-do-reads", null, Immutable, false);
        Bool("always-show-logo", null, Immutable, false);
        Bool("protected-mode", null, None, true, () => c.ProtectedMode, v => c.ProtectedMode = v);
        Bool("rdbcompression", null, None, true, () => c.RdbCompression, v => c.RdbCompression = v);
        Bool("rdb-del-sync-files", null, None, false);
        Bool("activerehashing", null, None, true, () => c.ActiveRehashing, v => c.ActiveRehashing = v);
        Bool("stop-writes-on-bgsave-error", null, None, true, () => c.StopWritesOnBgsaveError, v => c.StopWritesOnBgsaveError = v);
        Bool("set-proc-title", null, Immutable, true);
        Bool("dynamic-hz", null, None, true);
        Bool("lazyfree-lazy-eviction", null, None, false, () => c.LazyfreeLazyEviction, v => c.LazyfreeLazyEviction = v);
        Bool("lazyfree-lazy-expire", null, None, false, () => c.LazyfreeLazyExpire, v => c.LazyfreeLazyExpire = v);
        Bool("lazyfree-lazy-server-del", null, None, false);
        Bool("lazyfree-lazy-user-del", null, None, false);
        Bool("lazyfree-lazy-user-flush", null, None, false);
        Bool("repl-disable-tcp-nodelay", null, None, false);
        Bool("repl-diskless-sync", null, None, true);
        Bool("aof-rewrite-incremental-fsync", null, None, true);
        Bool("no-appendfsync-on-rewrite", null, None, false);
        Bool("cluster-require-full-coverage", null, None, true);
        Bool("rdb-save-incremental-fsync", null, None, true, () => c.RdbSaveIncrementalFsync, v => c.RdbSaveIncrementalFsync = v);
        Bool("aof-load-truncated", null, None, true, () => c.AofLoadTruncated, v => c.AofLoadTruncated = v);
        Bool("aof-use-rdb-preamble", null, None, true, () => c.AofUseRdbPreamble, v => c.AofUseRdbPreamble = v);
        Bool("aof-timestamp-enabled", null, None, false, () => c.AofTimestampEnabled, v => c.AofTimestampEnabled = v);
        Bool("cluster-replica-no-failover", "cluster-slave-no-failover", None, false);
        Bool("replica-lazy-flush", "slave-lazy-flush", None, false);
        Bool("replica-serve-stale-data", "slave-serve-stale-data", None, true);
        Bool("replica-read-only", "slave-read-only", None, true);
        Bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", None, true);
        Bool("jemalloc-bg-thread", null, None, true);
        Bool("activedefrag", null, None, false);
        Bool("syslog-enabled", null, Immutable, false);
        Bool("cluster-enabled", null, Immutable, false);
        Bool("appendonly", null, None, false, () => c.AppendOnly, v => c.AppendOnly = v);
        Bool("cluster-allow-reads-when-down", null, None, false);
        Bool("cluster-allow-pubsubshard-when-down", null, None, true);
        Bool("crash-log-enabled", null, None, true);
        Bool("crash-memcheck-enabled", null, None, true);
        Bool("use-exit-on-panic", null, Hidden, false);
        Bool("disable-thp", null, Immutable, true);
        Bool("cluster-allow-replica-migration", null, None, true);
        Bool("replica-announced", null, None, true);
        Bool("latency-tracking", null, None, true, () => c.LatencyTracking, v => c.LatencyTracking = v);
        Bool("aof-disable-auto-gc", null, None, false, () => c.AofDisableAutoGc, v => c.AofDisableAutoGc = v);
        Bool("replica-ignore-disk-write-errors", null, None, false);
        Bool("tls-cluster", null, None, false);
        Bool("tls-replication", null, None, false);
        Bool("tls-prefer-server-ciphers", null, None, false);
        Bool("tls-session-caching", null, None, true);
        // Not a Redis parameter: lets the active expiry cycle be switched off (Redis has DEBUG SET-ACTIVE-EXPIRE).
        Bool("active-expire-enabled", null, Hidden, true, () => c.ActiveExpireEnabled, v => c.ActiveExpireEnabled = v);
    }

    private void AddStrings()
    {
        ServerConfig c = _config;
        Str("aclfile", null, Immutable, "");
        Str("unixsocket", null, Immutable, "");
        Str("pidfile", null, Immutable, "", () => c.PidFile, v => c.PidFile = v);
        Str("replica-announce-ip", "slave-announce-ip", None, "");
        Str("masteruser", null, Sensitive, "");
        Str("cluster-announce-ip", null, None, "");
        Str("cluster-config-file", null, Immutable, "nodes.conf");
        Str("cluster-announce-hostname", null, None, "", validate: IsValidAnnouncedHostname);
        Str("syslog-ident", null, Immutable, "redis");
        Str("dbfilename", null, Protected, "dump.rdb", () => c.DbFilename, v => c.DbFilename = v,
            static v => v.Contains('/') ? "dbfilename can't be a path, just a filename" : null);
        Str("appendfilename", null, Immutable, "appendonly.aof", () => c.AppendFilename, v => c.AppendFilename = v,
            validate: static v => v.Contains('/') ? "appendfilename can't be a path, just a filename" : null);
        Str("appenddirname", null, Immutable, "appendonlydir", () => c.AppendDirName, v => c.AppendDirName = v,
            validate: static v => v.Contains('/') ? "appenddirname can't be a path, just a dirname" : null);
        Str("server_cpulist", null, Immutable, "");
        Str("bio_cpulist", null, Immutable, "");
        Str("aof_rewrite_cpulist", null, Immutable, "");
        Str("bgsave_cpulist", null, Immutable, "");
        Str("ignore-warnings", null, None, "");
        Str("proc-title-template", null, None, "{title} {listen-addr} {server-mode}", validate: IsValidProcTitleTemplate);
        Str("bind-source-addr", null, None, "");
        Str("logfile", null, Immutable, "", () => c.LogFile, v => c.LogFile = v);
        Str("masterauth", null, Sensitive, "");
        Str("requirepass", null, Sensitive, "", () => c.RequirePass, v => c.RequirePass = v);
        foreach (string tls in (string[])["tls-cert-file", "tls-key-file", "tls-client-cert-file", "tls-client-key-file",
                     "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites"])
            Str(tls, null, None, "");
        Str("tls-key-file-pass", null, Sensitive, "");
        Str("tls-client-key-file-pass", null, Sensitive, "");
    }

    private void AddEnums()
    {
        ServerConfig c = _config;
        string[] protectedAction = ["no", "yes", "local"];
        string[] shutdownFlags = ["default", "save", "nosave", "now", "force"];
        Enum("supervised", null, Immutable, ["upstart", "systemd", "auto", "no"], "no");
        Enum("syslog-facility", null, Immutable, ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"], "local0");
        Enum("repl-diskless-load", null, None, ["disabled", "on-empty-db", "swapdb"], "disabled");
        Enum("loglevel", null, None, ["debug", "verbose", "notice", "warning"], "notice", () => c.LogLevel, v => c.LogLevel = v);
        Enum("maxmemory-policy", null, None,
            ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"],
            "noeviction", () => c.MaxMemoryPolicy, v => c.MaxMemoryPolicy = v);
        Enum("appendfsync", null, None, ["everysec", "always", "no"], "everysec", () => c.AppendFsync, v => c.AppendFsync = v);
        Enum("oom-score-adj", null, None, ["no", "yes", "relative", "absolute"], "no");
        Enum("acl-pubsub-default", null, None, ["allchannels", "resetchannels"], "resetchannels");
        Enum("sanitize-dump-payload", null, None, ["no", "yes", "clients"], "no");
        Enum("enable-protected-configs", null, Immutable, protectedAction, "no");
        Enum("enable-debug-command", null, Immutable, protectedAction, "no");
        Enum("enable-module-command", null, Immutable, protectedAction, "no");
        Enum("cluster-preferred-endpoint-type", null, None, ["ip", "hostname", "unknown-endpoint"], "ip");
        Enum("propagation-error-behavior", null, None, ["ignore", "panic", "panic-on-replicas"], "ignore");
        Enum("shutdown-on-sigint", null, MultiArg, shutdownFlags, "default", validate: IsValidShutdownFlags);
        Enum("shutdown-on-sigterm", null, MultiArg, shutdownFlags, "default", validate: IsValidShutdownFlags);
        Enum("tls-auth-clients", null, None, ["no", "yes", "optional"], "yes");
        // Not a Redis parameter: how socket completions reach the event loop (the host reads it at start-up).
        Enum("loop-mode", null, Immutable | Hidden, ["inline", "dedicated"], "inline",
            () => c.LoopMode == Networking.LoopMode.Inline ? "inline" : "dedicated",
            v => c.LoopMode = v == "inline" ? Networking.LoopMode.Inline : Networking.LoopMode.Dedicated);
    }

    private void AddNumbers()
    {
        ServerConfig c = _config;
        Int("databases", null, Immutable, 1, IntMax, 16, () => c.Databases, v => c.Databases = (int)v);
        Int("port", null, None, 0, 65535, 6379, () => c.Port, v => c.Port = (int)v);
        Int("io-threads", null, Immutable, 1, 128, 1);
        Int("auto-aof-rewrite-percentage", null, None, 0, IntMax, 100, () => c.AutoAofRewritePercentage, v => c.AutoAofRewritePercentage = v);
        Int("cluster-replica-validity-factor", "cluster-slave-validity-factor", None, 0, IntMax, 10);
        Int("list-max-listpack-size", "list-max-ziplist-size", None, int.MinValue, IntMax, -2,
            () => c.ListMaxListpackSize, v => c.ListMaxListpackSize = (int)v);
        Int("tcp-keepalive", null, None, 0, IntMax, 300, () => c.TcpKeepAlive, v => c.TcpKeepAlive = (int)v);
        Int("cluster-migration-barrier", null, None, 0, IntMax, 1);
        Int("active-defrag-cycle-min", null, None, 1, 99, 1);
        Int("active-defrag-cycle-max", null, None, 1, 99, 25);
        Int("active-defrag-threshold-lower", null, None, 0, 1000, 10);
        Int("active-defrag-threshold-upper", null, None, 0, 1000, 100);
        Int("lfu-log-factor", null, None, 0, IntMax, 10, () => c.LfuLogFactor, v => c.LfuLogFactor = (int)v);
        Int("lfu-decay-time", null, None, 0, IntMax, 1, () => c.LfuDecayTime, v => c.LfuDecayTime = (int)v);
        Int("replica-priority", "slave-priority", None, 0, IntMax, 100);
        Int("repl-diskless-sync-delay", null, None, 0, IntMax, 5);
        Int("maxmemory-samples", null, None, 1, 64, 5, () => c.MaxMemorySamples, v => c.MaxMemorySamples = (int)v);
        Int("maxmemory-eviction-tenacity", null, None, 0, 100, 10, () => c.MaxMemoryEvictionTenacity, v => c.MaxMemoryEvictionTenacity = (int)v);
        Int("timeout", null, None, 0, IntMax, 0, () => c.Timeout, v => c.Timeout = (int)v);
        Int("replica-announce-port", "slave-announce-port", None, 0, 65535, 0);
        Int("tcp-backlog", null, Immutable, 0, IntMax, 511, () => c.TcpBacklog, v => c.TcpBacklog = (int)v);
        Int("cluster-port", null, Immutable, 0, 65535, 0);
        Int("cluster-announce-bus-port", null, None, 0, 65535, 0);
        Int("cluster-announce-port", null, None, 0, 65535, 0);
        Int("cluster-announce-tls-port", null, None, 0, 65535, 0);
        Int("repl-timeout", null, None, 1, IntMax, 60);
        Int("repl-ping-replica-period", "repl-ping-slave-period", None, 1, IntMax, 10);
        Int("list-compress-depth", null, None, 0, IntMax, 0);
        Int("rdb-key-save-delay", null, Hidden, int.MinValue, IntMax, 0);
        Int("key-load-delay", null, Hidden, int.MinValue, IntMax, 0);
        Int("active-expire-effort", null, None, 1, 10, 1, () => c.ActiveExpireEffort, v => c.ActiveExpireEffort = (int)v);
        // CONFIG_MIN_HZ..CONFIG_MAX_HZ: Redis clamps instead of refusing (config.c, updateHZ).
        Int("hz", null, None, 0, IntMax, 10, () => c.Hz, v => c.Hz = (int)v, static v => Math.Clamp(v, 1, 500));
        Int("min-replicas-to-write", "min-slaves-to-write", None, 0, IntMax, 0, () => c.MinReplicasToWrite, v => c.MinReplicasToWrite = (int)v);
        Int("min-replicas-max-lag", "min-slaves-max-lag", None, 0, IntMax, 10, () => c.MinReplicasMaxLag, v => c.MinReplicasMaxLag = (int)v);
        Int("watchdog-period", null, Hidden, 0, IntMax, 0);
        Int("shutdown-timeout", null, None, 0, IntMax, 10);
        Int("repl-diskless-sync-max-replicas", null, None, 0, IntMax, 0);
        Int("tls-port", null, None, 0, 65535, 0);
        Int("tls-session-cache-size", null, None, 0, IntMax, 20 * 1024);
        Int("tls-session-cache-timeout", null, None, 0, IntMax, 300);

        UInt("maxclients", null, None, NumericFormat.Integer, 1, UIntMax, 10000, () => c.MaxClients, v => c.MaxClients = (int)Math.Min(v, int.MaxValue));
        UInt("unixsocketperm", null, Immutable, NumericFormat.Octal, 0, Convert.ToUInt64("777", 8), 0);
        UInt("socket-mark-id", null, Immutable, NumericFormat.Integer, 0, UIntMax, 0);
        UInt("active-defrag-max-scan-fields", null, None, NumericFormat.Integer, 1, LongMax, 1000);
        UInt("slowlog-max-len", null, None, NumericFormat.Integer, 0, LongMax, 128, () => c.SlowlogMaxLen, v => c.SlowlogMaxLen = v);
        UInt("acllog-max-len", null, None, NumericFormat.Integer, 0, LongMax, 128);

        Int("busy-reply-threshold", "lua-time-limit", None, 0, LongMax, 5000, () => c.BusyReplyThreshold, v => c.BusyReplyThreshold = v);
        Int("cluster-node-timeout", null, None, 0, LongMax, 15000);
        Int("cluster-ping-interval", null, Hidden, 0, LongMax, 0);
        Int("slowlog-log-slower-than", null, None, -1, LongMax, 10000, () => c.SlowlogLogSlowerThan, v => c.SlowlogLogSlowerThan = v);
        Int("latency-monitor-threshold", null, None, 0, LongMax, 0);
        Memory("proto-max-bulk-len", null, None, 1024 * 1024, LongMax, 512L * 1024 * 1024, () => c.ProtoMaxBulkLen, v => c.ProtoMaxBulkLen = v);
        Int("stream-node-max-entries", null, None, 0, LongMax, 100);
        Memory("repl-backlog-size", null, None, 1, LongMax, 1024 * 1024);

        UInt("maxmemory", null, None, NumericFormat.Memory, 0, ULongLongMax, 0, () => c.MaxMemory, v => c.MaxMemory = v);
        UInt("cluster-link-sendbuf-limit", null, None, NumericFormat.Memory, 0, ULongLongMax, 0);

        UInt("hash-max-listpack-entries", "hash-max-ziplist-entries", None, NumericFormat.Integer, 0, LongMax, 512,
            () => c.HashMaxListpackEntries, v => c.HashMaxListpackEntries = (int)Math.Min(v, int.MaxValue));
        UInt("set-max-intset-entries", null, None, NumericFormat.Integer, 0, LongMax, 512,
            () => c.SetMaxIntsetEntries, v => c.SetMaxIntsetEntries = (int)Math.Min(v, int.MaxValue));
        UInt("zset-max-listpack-entries", "zset-max-ziplist-entries", None, NumericFormat.Integer, 0, LongMax, 128,
            () => c.ZsetMaxListpackEntries, v => c.ZsetMaxListpackEntries = (int)Math.Min(v, int.MaxValue));
        UInt("active-defrag-ignore-bytes", null, None, NumericFormat.Memory, 1, LongMax, 100L << 20);
        UInt("hash-max-listpack-value", "hash-max-ziplist-value", None, NumericFormat.Memory, 0, LongMax, 64,
            () => c.HashMaxListpackValue, v => c.HashMaxListpackValue = (int)Math.Min(v, int.MaxValue));
        UInt("stream-node-max-bytes", null, None, NumericFormat.Memory, 0, LongMax, 4096);
        UInt("zset-max-listpack-value", "zset-max-ziplist-value", None, NumericFormat.Memory, 0, LongMax, 64,
            () => c.ZsetMaxListpackValue, v => c.ZsetMaxListpackValue = (int)Math.Min(v, int.MaxValue));
        UInt("hll-sparse-max-bytes", null, None, NumericFormat.Memory, 0, LongMax, 3000,
            () => c.HllSparseMaxBytes, v => c.HllSparseMaxBytes = v);
        UInt("tracking-table-max-keys", null, None, NumericFormat.Integer, 0, LongMax, 1000000);
        UInt("client-query-buffer-limit", null, None, NumericFormat.Memory, 1024 * 1024, LongMax, 1024L * 1024 * 1024,
            () => c.ClientQueryBufferLimit, v => c.ClientQueryBufferLimit = v);
        Add(new NumericParameter("maxmemory-clients", null, None, NumericFormat.MemoryOrPercent, false, -100, LongMax, 0));

        Int("repl-backlog-ttl", null, None, 0, LongMax, 60 * 60);
        Memory("auto-aof-rewrite-min-size", null, None, 0, LongMax, 64L * 1024 * 1024, () => c.AutoAofRewriteMinSize, v => c.AutoAofRewriteMinSize = v);
        // Not a Redis parameter: the incremental fsync chunk of AOF writes and rewrites (ServerConfig.AofFsyncChunkBytes).
        Memory("aof-fsync-chunk-bytes", null, Hidden, 4096, LongMax, 32L * 1024 * 1024, () => c.AofFsyncChunkBytes, v => c.AofFsyncChunkBytes = v);
        Int("loading-process-events-interval-bytes", null, Hidden, 1024, IntMax, 2 * 1024 * 1024);
    }

    private static string? IsValidAnnouncedHostname(string name)
    {
        if (name.Length > 255) return "Hostnames must be less than 256 characters";
        foreach (char ch in name)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch == '-' || ch == '.'))
                return "Hostnames may only contain alphanumeric characters, hyphens or dots";
        return null;
    }

    private static string? IsValidProcTitleTemplate(string template)
    {
        string[] known = ["{title}", "{listen-addr}", "{server-mode}", "{port}", "{tls-port}", "{unixsocket}", "{config-file}"];
        int i = 0;
        while ((i = template.IndexOf('{', i)) >= 0)
        {
            int end = template.IndexOf('}', i);
            if (end < 0 || Array.IndexOf(known, template[i..(end + 1)]) < 0)
                return "template format is invalid or contains unknown variables";
            i = end + 1;
        }
        return template.Contains('}') && !template.Contains('{') ? "template format is invalid or contains unknown variables" : null;
    }

    private static string? IsValidShutdownFlags(string[] flags)
    {
        if (flags.Contains("save") && flags.Contains("nosave")) return "shutdown options SAVE and NOSAVE can't be used simultaneously";
        return null;
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
