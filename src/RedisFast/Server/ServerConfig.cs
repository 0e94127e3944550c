using RedisFast.Networking;
using RedisFast.Protocol;

namespace RedisFast.Server;

/// <summary>
/// The server's configuration with Redis 7.0's defaults. CONFIG GET/SET and the config file reach these
/// through the config registry, under Redis's directive names.
/// </summary>
public sealed class ServerConfig
{
    /// <summary>port: 0 picks a free port (read it back from <see cref="RedisServer.Port"/>).</summary>
    public int Port { get; set; } = 6379;

    /// <summary>bind: addresses to listen on.</summary>
    public string[] Bind { get; set; } = ["127.0.0.1"];

    public int TcpBacklog { get; set; } = 511;
    public int MaxClients { get; set; } = 10000;
    public int Databases { get; set; } = 16;
    public int Hz { get; set; } = 10;

    /// <summary>timeout: close a client idle this many seconds (0 = never).</summary>
    public int Timeout { get; set; }

    public int TcpKeepAlive { get; set; } = 300;

    /// <summary>
    /// min-replicas-to-write and min-replicas-max-lag: with both above 0, write commands need that many replicas
    /// lagging less than that many seconds. RedisFast has no replicas, so writes are then refused (NOREPLICAS).
    /// </summary>
    public int MinReplicasToWrite { get; set; }

    public int MinReplicasMaxLag { get; set; } = 10;

    /// <summary>slowlog-log-slower-than: microseconds from which a command enters the SLOWLOG (-1: never, 0: always).</summary>
    public long SlowlogLogSlowerThan { get; set; } = 10_000;

    /// <summary>latency-tracking: per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats).</summary>
    public bool LatencyTracking { get; set; } = true;

    /// <summary>busy-reply-threshold (lua-time-limit): milliseconds after which a running script is logged as slow.</summary>
    public long BusyReplyThreshold { get; set; } = 5000;

    /// <summary>slowlog-max-len: entries the SLOWLOG keeps.</summary>
    public long SlowlogMaxLen { get; set; } = 128;

    /// <summary>checkGoodReplicasStatus (replication.c) for a master with no replicas.</summary>
    public bool NeedsReplicasToWrite => MinReplicasToWrite > 0 && MinReplicasMaxLag > 0;
    public long ProtoMaxBulkLen { get; set; } = RespLimits.DefaultMaxBulkLength;
    public long ClientQueryBufferLimit { get; set; } = RespLimits.DefaultQueryBufferLimit;
    public OutputBufferLimit OutputBufferLimitNormal { get; set; } = new(0, 0, 0);
    public OutputBufferLimit OutputBufferLimitReplica { get; set; } = new(256L * 1024 * 1024, 64L * 1024 * 1024, 60);
    public OutputBufferLimit OutputBufferLimitPubSub { get; set; } = new(32L * 1024 * 1024, 8L * 1024 * 1024, 60);

    /// <summary>dir: the working directory for data files.</summary>
    public string Dir { get; set; } = Directory.GetCurrentDirectory();

    public string DbFilename { get; set; } = "dump.rdb";
    public string LogFile { get; set; } = "";

    /// <summary>
    /// requirepass: the default user's password; empty for none (nopass). While set, a connection must AUTH (or
    /// HELLO ... AUTH) before any command but AUTH, HELLO, RESET and QUIT.
    /// </summary>
    public string RequirePass { get; set; } = "";
    public string LogLevel { get; set; } = "notice";
    public string PidFile { get; set; } = "";
    public bool ProtectedMode { get; set; } = true;
    public bool ActiveExpireEnabled { get; set; } = true;
    public int ActiveExpireEffort { get; set; } = 1;
    public bool ActiveRehashing { get; set; } = true;
    public bool AppendOnly { get; set; }
    public string AppendFsync { get; set; } = "everysec";

    /// <summary>appendfilename: prefix of the AOF files and of the manifest (appendonly.aof.manifest).</summary>
    public string AppendFilename { get; set; } = "appendonly.aof";

    /// <summary>appenddirname: directory under <see cref="Dir"/> holding the multi-part AOF.</summary>
    public string AppendDirName { get; set; } = "appendonlydir";

    /// <summary>aof-load-truncated: load an AOF whose last command is torn, cutting it off.</summary>
    public bool AofLoadTruncated { get; set; } = true;

    /// <summary>aof-timestamp-enabled: "#TS:unix-seconds" annotations in the AOF.</summary>
    public bool AofTimestampEnabled { get; set; }

    /// <summary>
    /// aof-disable-auto-gc: keep the files a rewrite replaced, listed as history ('h') in the manifest, instead of
    /// deleting them; setting it back to no deletes them.
    /// </summary>
    public bool AofDisableAutoGc { get; set; }

    /// <summary>aof-use-rdb-preamble (RedisFast writes AOF-format base files whatever the value, see Persistence/).</summary>
    public bool AofUseRdbPreamble { get; set; } = true;

    /// <summary>
    /// aof-fsync-chunk-bytes (not a Redis parameter): large AOF writes and base files are fsynced every this many
    /// bytes rather than once at the end (Redis 6.2's incremental fsync figure, 32 MB).
    /// </summary>
    public long AofFsyncChunkBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>auto-aof-rewrite-percentage: growth over the size after the last rewrite that starts one (0: never).</summary>
    public long AutoAofRewritePercentage { get; set; } = 100;

    /// <summary>auto-aof-rewrite-min-size: no automatic rewrite below this AOF size.</summary>
    public long AutoAofRewriteMinSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>save: pairs of "seconds changes"; a snapshot is saved when that many changes are that old. Empty: never.</summary>
    public string Save { get; set; } = "3600 1 300 100 60 10000";

    /// <summary>rdbcompression: LZF for long strings in RDB files.</summary>
    public bool RdbCompression { get; set; } = true;

    /// <summary>rdbchecksum: CRC-64 at the end of RDB files written (and checked on load).</summary>
    public bool RdbChecksum { get; set; } = true;

    /// <summary>stop-writes-on-bgsave-error: refuse writes with MISCONF while the last background save failed.</summary>
    public bool StopWritesOnBgsaveError { get; set; } = true;

    /// <summary>rdb-save-incremental-fsync: fsync RDB files every 32 MB while writing them.</summary>
    public bool RdbSaveIncrementalFsync { get; set; } = true;
    /// <summary>maxmemory: the limit on <see cref="RedisServer.UsedMemory"/>, 0 for none.</summary>
    public long MaxMemory { get; set; }

    /// <summary>maxmemory-policy, as CONFIG GET reports it; <see cref="EvictionPolicy"/> is its parsed form.</summary>
    public string MaxMemoryPolicy
    {
        get => _maxMemoryPolicy;
        set
        {
            _maxMemoryPolicy = value;
            EvictionPolicy = Eviction.Parse(value) ?? EvictionPolicy.NoEviction;
        }
    }

    private string _maxMemoryPolicy = "noeviction";

    /// <summary>What maxmemory-policy says to evict.</summary>
    internal EvictionPolicy EvictionPolicy { get; private set; }

    /// <summary>maxmemory-samples: keys sampled per database for each eviction pool refill.</summary>
    public int MaxMemorySamples { get; set; } = 5;

    /// <summary>maxmemory-eviction-tenacity: how long one eviction pass may run (see Eviction.TimeLimitTicks).</summary>
    public int MaxMemoryEvictionTenacity { get; set; } = 10;

    /// <summary>lfu-log-factor: how slowly the LFU access counter climbs.</summary>
    public int LfuLogFactor { get; set; } = 10;

    /// <summary>lfu-decay-time: minutes per point the LFU access counter loses while a key is not accessed.</summary>
    public int LfuDecayTime { get; set; } = 1;

    /// <summary>lazyfree-lazy-eviction: evicted keys are logged to the AOF as UNLINK rather than DEL.</summary>
    public bool LazyfreeLazyEviction { get; set; }

    /// <summary>lazyfree-lazy-expire: expired keys are logged to the AOF as UNLINK rather than DEL.</summary>
    public bool LazyfreeLazyExpire { get; set; }

    /// <summary>zset-max-listpack-entries: a sorted set with more elements uses the skiplist encoding.</summary>
    public int ZsetMaxListpackEntries { get; set; } = 128;

    /// <summary>hll-sparse-max-bytes: a sparse HyperLogLog that would grow past this many bytes becomes dense.</summary>
    public long HllSparseMaxBytes { get; set; } = 3000;

    /// <summary>
    /// list-max-listpack-size: where a list's quicklist nodes end in RDB files and DUMP payloads (RedisList keeps no
    /// nodes in memory; see RdbWriter.ListMaxListpackSize).
    /// </summary>
    public int ListMaxListpackSize { get; set; } = -2;

    /// <summary>zset-max-listpack-value: a sorted set with a longer member uses the skiplist encoding.</summary>
    public int ZsetMaxListpackValue { get; set; } = 64;

    /// <summary>
    /// hash-max-listpack-entries: a hash with more fields than this is a hashtable. 512 is Redis 7.0's compiled-in
    /// default (config.c), which is what redis-server started without a config file uses; the sample redis.conf
    /// sets 128.
    /// </summary>
    public int HashMaxListpackEntries { get; set; } = 512;

    /// <summary>hash-max-listpack-value: a hash with a field or value longer than this (bytes) is a hashtable.</summary>
    public int HashMaxListpackValue { get; set; } = 64;

    /// <summary>set-max-intset-entries: an integer set with more members than this is a hashtable.</summary>
    public int SetMaxIntsetEntries { get; set; } = 512;

    /// <summary>Not a Redis directive: how socket completions reach the event loop (loop-mode inline|dedicated).</summary>
    public LoopMode LoopMode { get; set; } = LoopMode.Inline;

    /// <summary>Absolute path of the config file the server was started with, or "" (INFO config_file, CONFIG REWRITE).</summary>
    public string ConfigFile { get; set; } = "";

    private ConfigRegistry? _registry;

    /// <summary>
    /// This configuration's parameters under Redis's names and aliases: the config file parser and CONFIG GET/SET
    /// read and write the properties above through it. Created on first use and kept with the config, so values of
    /// parameters that have no property here (set from a file before the server starts) survive into CONFIG GET.
    /// </summary>
    public ConfigRegistry Registry => _registry ??= new ConfigRegistry(this);
}
