using System.Diagnostics;
using System.Globalization;
using System.Text;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// INFO [section ...] (server.c genRedisInfoString): Redis 7.0's sections, field names and field order, CRLF line
/// ends and "# Section" headers. Values are real where RedisFast has them and Redis's idle values otherwise
/// (no forks, no replicas, no Lua). A verbatim string in RESP3.
/// </summary>
internal static partial class ServerCommands
{
    /// <summary>The version reported to clients, so version checks in client libraries pass.</summary>
    public const string RedisVersion = "7.0.15";

    private static readonly string[] DefaultSections =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace"];

    /// <summary>redis_build_id: Redis prints a hash of its build; the assembly's module version id plays that role.</summary>
    private static readonly string BuildId = typeof(ServerCommands).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..15];

    /// <summary>INFO [section [section ...]]</summary>
    public static void Info(Client c)
    {
        var args = new string[c.Argc - 1];
        for (int i = 1; i < c.Argc; i++) args[i - 1] = Encoding.UTF8.GetString(c.Args[i]);
        c.Reply.WriteVerbatim(BuildInfo(c.Server, args));
    }

    /// <summary>genInfoSectionDict: no argument means the default sections; "all" adds commandstats and latencystats; "everything" also module sections.</summary>
    internal static string BuildInfo(RedisServer server, string[] args)
    {
        var sections = new HashSet<string>(StringComparer.Ordinal);
        bool all = false;
        if (args.Length == 0) sections.UnionWith(DefaultSections);
        foreach (string arg in args)
        {
            if (arg.Equals("default", StringComparison.OrdinalIgnoreCase)) sections.UnionWith(DefaultSections);
            else if (arg.Equals("all", StringComparison.OrdinalIgnoreCase) || arg.Equals("everything", StringComparison.OrdinalIgnoreCase)) all = true;
            else sections.Add(arg.ToLowerInvariant());
        }
        var info = new InfoWriter();
        if (all || sections.Contains("server")) WriteServer(info.Section("Server"), server);
        if (all || sections.Contains("clients")) WriteClients(info.Section("Clients"), server);
        if (all || sections.Contains("memory")) WriteMemory(info.Section("Memory"), server);
        if (all || sections.Contains("persistence")) WritePersistence(info.Section("Persistence"), server);
        if (all || sections.Contains("stats")) WriteStats(info.Section("Stats"), server);
        if (all || sections.Contains("replication")) WriteReplication(info.Section("Replication"), server);
        if (all || sections.Contains("cpu")) WriteCpu(info.Section("CPU"));
        if (all || sections.Contains("module_list") || sections.Contains("modules")) info.Section("Modules");
        if (all || sections.Contains("commandstats")) WriteCommandStats(info.Section("Commandstats"), server);
        if (all || sections.Contains("errorstats")) WriteErrorStats(info.Section("Errorstats"), server);
        // No latency histograms are kept: the section is empty.
        if (all || sections.Contains("latencystats")) WriteLatencyStats(info.Section("Latencystats"), server);
        if (all || sections.Contains("cluster")) info.Section("Cluster").Field("cluster_enabled", 0);
        if (all || sections.Contains("keyspace")) WriteKeyspace(info.Section("Keyspace"), server);
        return info.ToString();
    }

    private static void WriteErrorStats(InfoWriter w, RedisServer server)
    {
        foreach ((string code, long count) in server.Errors.Snapshot()) w.Field("errorstat_" + code, "count=" + count);
    }

    private static void WriteServer(InfoWriter w, RedisServer server)
    {
        long nowUs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        long uptime = (long)(DateTimeOffset.UtcNow - server.StartedAt).TotalSeconds;
        w.Field("redis_version", RedisVersion)
            .Field("redis_git_sha1", "00000000")
            .Field("redis_git_dirty", 0)
            .Field("redis_build_id", BuildId)
            .Field("redis_mode", "standalone")
            .Field("os", OsDescription.Value)
            .Field("arch_bits", IntPtr.Size * 8)
            .Field("monotonic_clock", "POSIX clock_gettime")
            .Field("multiplexing_api", "epoll")
            .Field("atomicvar_api", "c11-builtin")
            .Field("gcc_version", "0.0.0")
            .Field("process_id", Environment.ProcessId)
            .Field("process_supervised", "no")
            .Field("run_id", server.RunId)
            .Field("tcp_port", server.Port)
            .Field("server_time_usec", nowUs)
            .Field("uptime_in_seconds", uptime)
            .Field("uptime_in_days", uptime / 86400)
            .Field("hz", server.Config.Hz)
            .Field("configured_hz", server.Config.Hz)
            // LRU_CLOCK_RESOLUTION 1000 ms over a 24-bit clock (evict.c getLRUClock).
            .Field("lru_clock", nowUs / 1_000_000 & ((1 << 24) - 1))
            .Field("executable", Executable.Value)
            .Field("config_file", server.Config.ConfigFile)
            .Field("io_threads_active", 0);
    }

    private static readonly Lazy<string> OsDescription = new(() =>
    {
        string release = "";
        try
        {
            release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        string arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "x86_64",
            System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{(OperatingSystem.IsLinux() ? "Linux" : Environment.OSVersion.Platform.ToString())} {release} {arch}";
    });

    private static readonly Lazy<string> Executable = new(() =>
    {
        string[] args = Environment.GetCommandLineArgs();
        return args.Length > 0 && args[0].Length > 0 ? Path.GetFullPath(args[0]) : Environment.ProcessPath ?? "";
    });

    private static void WriteClients(InfoWriter w, RedisServer server)
    {
        long blocked = 0, maxInput = 0, maxOutput = 0;
        foreach (Client client in server.Clients.Values)
        {
            if (client.IsBlocked) blocked++;
            maxInput = Math.Max(maxInput, client.Connection.QueryBufferLength);
            maxOutput = Math.Max(maxOutput, client.Connection.Output.Pending);
        }
        w.Field("connected_clients", server.Clients.Count)
            .Field("cluster_connections", 0)
            .Field("maxclients", server.Config.MaxClients)
            .Field("client_recent_max_input_buffer", maxInput)
            .Field("client_recent_max_output_buffer", maxOutput)
            .Field("blocked_clients", blocked)
            .Field("tracking_clients", 0)
            .Field("clients_in_timeout_table", 0);
    }

    /// <summary>total_eviction_exceeded_time / current_eviction_exceeded_time in milliseconds (the current period is in both).</summary>
    private static long EvictionExceededMilliseconds(ServerStats stats, bool total)
    {
        long current = stats.EvictionExceededSince == 0 ? 0 : Stopwatch.GetTimestamp() - stats.EvictionExceededSince;
        return (long)((current + (total ? stats.EvictionExceededTicks : 0)) * 1000.0 / Stopwatch.Frequency);
    }

    private static void WriteMemory(InfoWriter w, RedisServer server)
    {
        long dataset = server.Keyspace.UsedBytes;
        long used = server.UsedMemory;
        long peak = Math.Max(used, server.Metrics.PeakMemory);
        long rss = Environment.WorkingSet;
        long startup = server.Metrics.StartupMemory;
        long overhead = used - dataset;
        long system = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long maxMemory = server.Config.MaxMemory;
        long luaMemory = server.Scripts.LuaMemory, scriptsMemory = server.Scripts.ScriptsMemory;
        long functionsLua = server.Functions.LuaMemory, functionsMemory = server.Functions.LibrariesMemory;
        w.Field("used_memory", used)
            .Field("used_memory_human", Human(used))
            .Field("used_memory_rss", rss)
            .Field("used_memory_rss_human", Human(rss))
            .Field("used_memory_peak", peak)
            .Field("used_memory_peak_human", Human(peak))
            .Field("used_memory_peak_perc", Percent(used, peak))
            .Field("used_memory_overhead", overhead)
            .Field("used_memory_startup", startup)
            .Field("used_memory_dataset", dataset)
            .Field("used_memory_dataset_perc", Percent(dataset, used - startup))
            .Field("allocator_allocated", used)
            .Field("allocator_active", used)
            .Field("allocator_resident", rss)
            .Field("total_system_memory", system)
            .Field("total_system_memory_human", Human(system))
            .Field("used_memory_lua", luaMemory)
            .Field("used_memory_vm_eval", luaMemory)
            .Field("used_memory_lua_human", Human(luaMemory))
            .Field("used_memory_scripts_eval", scriptsMemory)
            .Field("number_of_cached_scripts", server.Scripts.CachedScripts)
            .Field("number_of_functions", server.Functions.FunctionCount)
            .Field("number_of_libraries", server.Functions.Libraries.Count)
            .Field("used_memory_vm_functions", functionsLua)
            .Field("used_memory_vm_total", luaMemory + functionsLua)
            .Field("used_memory_vm_total_human", Human(luaMemory + functionsLua))
            .Field("used_memory_functions", functionsMemory)
            .Field("used_memory_scripts", scriptsMemory + functionsMemory)
            .Field("used_memory_scripts_human", Human(scriptsMemory + functionsMemory))
            .Field("maxmemory", maxMemory)
            .Field("maxmemory_human", Human(maxMemory))
            .Field("maxmemory_policy", server.Config.MaxMemoryPolicy)
            .Field("allocator_frag_ratio", "1.00")
            .Field("allocator_frag_bytes", 0)
            .Field("allocator_rss_ratio", Ratio(rss, used))
            .Field("allocator_rss_bytes", rss - used)
            .Field("rss_overhead_ratio", "1.00")
            .Field("rss_overhead_bytes", 0)
            .Field("mem_fragmentation_ratio", Ratio(rss, used))
            .Field("mem_fragmentation_bytes", rss - used)
            .Field("mem_not_counted_for_evict", 0)
            .Field("mem_replication_backlog", 0)
            .Field("mem_total_replication_buffers", 0)
            .Field("mem_clients_slaves", 0)
            .Field("mem_clients_normal", 0)
            .Field("mem_cluster_links", 0)
            .Field("mem_aof_buffer", 0)
            .Field("mem_allocator", "dotnet-gc")
            .Field("active_defrag_running", 0)
            .Field("lazyfree_pending_objects", 0)
            .Field("lazyfreed_objects", 0);
    }

    private static void WritePersistence(InfoWriter w, RedisServer server)
    {
        Persistence.RdbFile rdb = server.Rdb;
        // Loading happens before the listeners open, and snapshots are not forks: these stay 0.
        w.Field("loading", 0)
            .Field("async_loading", 0)
            .Field("current_cow_peak", 0)
            .Field("current_cow_size", 0)
            .Field("current_cow_size_age", 0)
            .Field("current_fork_perc", "0.00")
            .Field("current_save_keys_processed", 0)
            .Field("current_save_keys_total", 0)
            .Field("rdb_changes_since_last_save", rdb.ChangesSinceLastSave)
            .Field("rdb_bgsave_in_progress", rdb.SaveInProgress ? 1 : 0)
            .Field("rdb_last_save_time", rdb.LastSaveUnix)
            .Field("rdb_last_bgsave_status", rdb.LastBackgroundSaveOk ? "ok" : "err")
            .Field("rdb_last_bgsave_time_sec", rdb.LastBackgroundSaveSeconds)
            .Field("rdb_current_bgsave_time_sec", rdb.CurrentBackgroundSaveSeconds)
            .Field("rdb_saves", rdb.Saves)
            .Field("rdb_last_cow_size", rdb.LastCowSize)
            .Field("rdb_last_load_keys_expired", rdb.LastLoadKeysExpired)
            .Field("rdb_last_load_keys_loaded", rdb.LastLoadKeysLoaded)
            .Field("aof_enabled", server.Aof.IsOn ? 1 : 0)
            .Field("aof_rewrite_in_progress", server.Aof.RewriteInProgress ? 1 : 0)
            .Field("aof_rewrite_scheduled", server.Aof.RewriteScheduled ? 1 : 0)
            .Field("aof_last_rewrite_time_sec", server.Aof.LastRewriteSeconds)
            .Field("aof_current_rewrite_time_sec", server.Aof.CurrentRewriteSeconds)
            .Field("aof_last_bgrewrite_status", server.Aof.LastRewriteOk ? "ok" : "err")
            .Field("aof_rewrites", server.Aof.Rewrites)
            .Field("aof_rewrites_consecutive_failures", server.Aof.ConsecutiveRewriteFailures)
            .Field("aof_last_write_status", server.Aof.LastWriteOk ? "ok" : "err")
            .Field("aof_last_cow_size", server.Aof.LastCowSize)
            .Field("module_fork_in_progress", 0)
            .Field("module_fork_last_cow_size", 0);
        Persistence.AppendOnlyFile aof = server.Aof;
        if (!aof.IsOn) return;
        // server.c genRedisInfoString: these follow only while the AOF is on.
        w.Field("aof_current_size", aof.CurrentSize)
            .Field("aof_base_size", aof.BaseSize)
            .Field("aof_pending_rewrite", 0)
            .Field("aof_buffer_length", aof.BufferLength)
            .Field("aof_pending_bio_fsync", aof.FsyncPending ? 1 : 0)
            .Field("aof_delayed_fsync", aof.DelayedFsyncs);
    }

    private static void WriteStats(InfoWriter w, RedisServer server)
    {
        ServerStats s = server.Stats;
        KeyspaceStats k = server.Keyspace.Stats;
        long failed = 0;
        ForEachCommand(server, cmd => failed += cmd.FailedCalls);
        w.Field("total_connections_received", s.ConnectionsReceived)
            .Field("total_commands_processed", s.CommandsProcessed)
            .Field("instantaneous_ops_per_sec", (long)server.Metrics.OpsPerSecond)
            .Field("total_net_input_bytes", s.NetInputBytes)
            .Field("total_net_output_bytes", s.NetOutputBytes)
            .Field("total_net_repl_input_bytes", 0)
            .Field("total_net_repl_output_bytes", 0)
            .Field("instantaneous_input_kbps", F2(server.Metrics.InputKbps))
            .Field("instantaneous_output_kbps", F2(server.Metrics.OutputKbps))
            .Field("instantaneous_input_repl_kbps", "0.00")
            .Field("instantaneous_output_repl_kbps", "0.00")
            .Field("rejected_connections", s.RejectedConnections)
            .Field("sync_full", 0)
            .Field("sync_partial_ok", 0)
            .Field("sync_partial_err", 0)
            .Field("expired_keys", k.ExpiredKeys)
            .Field("expired_stale_perc", F2(k.ExpiredStalePercentSamples))
            .Field("expired_time_cap_reached_count", k.ExpiredTimeCapReachedCount)
            .Field("expire_cycle_cpu_milliseconds", k.ExpireCycleCpuMilliseconds)
            .Field("evicted_keys", server.Stats.EvictedKeys)
            .Field("evicted_clients", 0)
            .Field("total_eviction_exceeded_time", EvictionExceededMilliseconds(server.Stats, total: true))
            .Field("current_eviction_exceeded_time", EvictionExceededMilliseconds(server.Stats, total: false))
            .Field("keyspace_hits", k.KeyspaceHits)
            .Field("keyspace_misses", k.KeyspaceMisses)
            .Field("pubsub_channels", 0)
            .Field("pubsub_patterns", 0)
            .Field("pubsubshard_channels", 0)
            .Field("latest_fork_usec", 0)
            .Field("total_forks", 0)
            .Field("migrate_cached_sockets", 0)
            .Field("slave_expires_tracked_keys", 0)
            .Field("active_defrag_hits", 0)
            .Field("active_defrag_misses", 0)
            .Field("active_defrag_key_hits", 0)
            .Field("active_defrag_key_misses", 0)
            .Field("total_active_defrag_time", 0)
            .Field("current_active_defrag_time", 0)
            .Field("tracking_total_keys", 0)
            .Field("tracking_total_items", 0)
            .Field("tracking_total_prefixes", 0)
            .Field("unexpected_error_replies", 0)
            .Field("total_error_replies", server.Errors.Total)
            .Field("dump_payload_sanitizations", 0)
            .Field("total_reads_processed", 0)
            .Field("total_writes_processed", 0)
            .Field("io_threaded_reads_processed", 0)
            .Field("io_threaded_writes_processed", 0)
            .Field("reply_buffer_shrinks", 0)
            .Field("reply_buffer_expands", 0);
    }

    private static void WriteReplication(InfoWriter w, RedisServer server)
    {
        w.Field("role", "master")
            .Field("connected_slaves", 0);
        if (server.Config.NeedsReplicasToWrite) w.Field("min_slaves_good_slaves", 0);
        w.Field("master_failover_state", "no-failover")
            .Field("master_replid", server.ReplicationId)
            .Field("master_replid2", "0000000000000000000000000000000000000000")
            .Field("master_repl_offset", 0)
            .Field("second_repl_offset", -1)
            .Field("repl_backlog_active", 0)
            .Field("repl_backlog_size", server.Config.Registry.Find("repl-backlog-size")?.Get() ?? "1048576")
            .Field("repl_backlog_first_byte_offset", 0)
            .Field("repl_backlog_histlen", 0);
    }

    private static void WriteCpu(InfoWriter w)
    {
        using Process self = Process.GetCurrentProcess();
        string sys = Seconds(self.PrivilegedProcessorTime), user = Seconds(self.UserProcessorTime);
        w.Field("used_cpu_sys", sys)
            .Field("used_cpu_user", user)
            .Field("used_cpu_sys_children", "0.000000")
            .Field("used_cpu_user_children", "0.000000")
            .Field("used_cpu_sys_main_thread", sys)
            .Field("used_cpu_user_main_thread", user);
    }

    private static void WriteCommandStats(InfoWriter w, RedisServer server)
    {
        var lines = new List<CommandDefinition>();
        ForEachCommand(server, cmd =>
        {
            if (cmd.Calls > 0 || cmd.FailedCalls > 0 || cmd.RejectedCalls > 0) lines.Add(cmd);
        });
        lines.Sort(static (a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        foreach (CommandDefinition cmd in lines)
        {
            double perCall = cmd.Calls == 0 ? 0 : (double)cmd.Microseconds / cmd.Calls;
            w.Field("cmdstat_" + cmd.FullName,
                $"calls={cmd.Calls},usec={cmd.Microseconds},usec_per_call={F2(perCall)},rejected_calls={cmd.RejectedCalls},failed_calls={cmd.FailedCalls}");
        }
    }

    /// <summary>
    /// fillPercentileDistributionLatencies: each command with a latency histogram, at the configured percentiles
    /// ("%f" with its trailing zeros trimmed), in µs with three decimals.
    /// </summary>
    private static void WriteLatencyStats(InfoWriter w, RedisServer server)
    {
        var commands = new List<CommandDefinition>();
        ForEachCommand(server, cmd =>
        {
            if (cmd.Latency is not null) commands.Add(cmd);
        });
        commands.Sort(static (a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        IReadOnlyList<double> percentiles = server.Config.Registry.LatencyPercentiles;
        foreach (CommandDefinition cmd in commands)
        {
            w.Field("latency_percentiles_usec_" + cmd.FullName, string.Join(',',
                percentiles.Select(p => "p" + p.ToString("0.######", CultureInfo.InvariantCulture) + "=" + cmd.Latency!.Percentile(p))));
        }
    }

    private static void WriteKeyspace(InfoWriter w, RedisServer server)
    {
        long now = server.Keyspace.Now;
        foreach (Database db in server.Keyspace.Databases)
        {
            KeyTable table = db.Table;
            long keys = table.Count, expires = table.VolatileCount;
            if (keys == 0 && expires == 0) continue;
            w.Field("db" + db.Id.ToString(CultureInfo.InvariantCulture),
                $"keys={keys},expires={expires},avg_ttl={AverageTtl(table, now)}");
        }
    }

    /// <summary>
    /// Redis estimates avg_ttl from the keys its expiry cycle samples; this samples up to 64 volatile keys spread
    /// over the volatile index, so INFO stays cheap with millions of keys.
    /// </summary>
    private static long AverageTtl(KeyTable table, long now)
    {
        int count = table.VolatileCount;
        if (count == 0) return 0;
        int samples = Math.Min(count, 64);
        long sum = 0, n = 0;
        for (int i = 0; i < samples; i++)
        {
            long at = table[table.VolatileAt((int)((long)i * count / samples))].ExpireAt;
            if (at > now)
            {
                sum += at - now;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static void ForEachCommand(RedisServer server, Action<CommandDefinition> action)
    {
        foreach (CommandDefinition cmd in server.Commands.All)
        {
            action(cmd);
            if (cmd.Subcommands is null) continue;
            foreach (CommandDefinition sub in cmd.Subcommands.All) action(sub);
        }
    }

    /// <summary>bytesToHuman (server.c).</summary>
    private static string Human(long n)
    {
        double d = n;
        if (n < 1024) return n.ToString(CultureInfo.InvariantCulture) + "B";
        if (n < 1024L * 1024) return F2(d / 1024) + "K";
        if (n < 1024L * 1024 * 1024) return F2(d / (1024 * 1024)) + "M";
        if (n < 1024L * 1024 * 1024 * 1024) return F2(d / (1024L * 1024 * 1024)) + "G";
        if (n < 1024L * 1024 * 1024 * 1024 * 1024) return F2(d / (1024L * 1024 * 1024 * 1024)) + "T";
        return F2(d / (1024L * 1024 * 1024 * 1024 * 1024)) + "P";
    }

    private static string Percent(long part, long whole) => F2(whole <= 0 ? 0 : part * 100.0 / whole) + "%";

    private static string Ratio(long a, long b) => F2(b <= 0 ? 0 : (double)a / b);

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture);

    /// <summary>Builds INFO text: "# Name" headers, "field:value" lines, CRLF, a blank line between sections.</summary>
    private sealed class InfoWriter
    {
        private readonly StringBuilder _text = new();

        public InfoWriter Section(string name)
        {
            if (_text.Length > 0) _text.Append("\r\n");
            _text.Append("# ").Append(name).Append("\r\n");
            return this;
        }

        public InfoWriter Field(string name, string value)
        {
            _text.Append(name).Append(':').Append(value).Append("\r\n");
            return this;
        }

        public InfoWriter Field(string name, long value) => Field(name, value.ToString(CultureInfo.InvariantCulture));

        public override string ToString() => _text.ToString();
    }
}
