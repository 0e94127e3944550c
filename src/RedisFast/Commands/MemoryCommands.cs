using System.Runtime;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP (object.c memoryCommand). The figures are RedisFast's own:
/// INFO memory's count (<see cref="Server.RedisServer.UsedMemory"/>), and per key the same count's share of it
/// (<see cref="MemorySize"/>: the .NET objects holding the key and its value). They answer the same questions as
/// redis-server's, not with its allocator's numbers.
/// </summary>
internal static class MemoryCommands
{
    private static readonly string[] HelpLines =
    [
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        CommandDefinition memory = t.Add("memory", -2, None, 0, 0, 0, null, "server");
        memory.Sub("doctor", 2, None, 0, 0, 0, Doctor);
        memory.Sub("help", 2, Loading | Stale, 0, 0, 0, static c => CommandCommand.WriteHelp(c, HelpLines));
        memory.Sub("malloc-stats", 2, None, 0, 0, 0, static c => c.Reply.WriteBulk("Stats not supported for the current allocator"u8));
        memory.Sub("purge", 2, None, 0, 0, 0, Purge);
        memory.Sub("stats", 2, None, 0, 0, 0, Stats);
        memory.Sub("usage", -3, ReadOnly, 2, 2, 1, Usage);
    }

    /// <summary>MEMORY USAGE key [SAMPLES count]: the bytes of the key and its value, null when the key is missing.</summary>
    public static void Usage(Client c)
    {
        for (int j = 3; j < c.Argc; j++)
        {
            if (Ascii.EqualsIgnoreCase(c.Args[j], "samples"u8) && j + 1 < c.Argc)
            {
                if (!NumberParser.TryParseInt64(c.Args[++j], out long samples))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (samples < 0)
                {
                    c.Reply.WriteError(Errors.Syntax);
                    return;
                }
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        // dbFind: a plain lookup, an expired key not deleted on the way.
        Database db = c.Db;
        int index = db.Table.Find(c.Args[2]);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        // The count maxmemory limits, kept as the key changes (MemorySize.Of): exact and O(1), so SAMPLES has nothing
        // to estimate.
        c.Reply.WriteInteger(MemorySize.Of(db.Table.Peek(index)));
    }

    /// <summary>MEMORY STATS: Redis's fields, filled from the managed heap and the keyspace.</summary>
    public static void Stats(Client c)
    {
        Server.RedisServer server = c.Server;
        long used = server.UsedMemory;
        long peak = Math.Max(used, server.Metrics.PeakMemory);
        long startup = server.Metrics.StartupMemory;
        long rss = Environment.WorkingSet;
        long keys = 0;
        int databases = 0;
        foreach (Database db in server.Keyspace.Databases)
        {
            if (db.Count == 0) continue;
            databases++;
            keys += db.Count;
        }
        long clients = 0;
        foreach (Client client in server.Clients.Values)
            clients += client.Connection.QueryBufferCapacity + client.Connection.Output.Pending;
        // The keys' slots are counted in the keyspace's bytes; here they are overhead, as Redis's dict entries.
        long dataset = server.Keyspace.UsedBytes - keys * MemorySize.KeySlot;
        long overhead = used - dataset;
        c.Reply.WriteMapHeader(27 + databases);
        Field(c, "peak.allocated"u8, peak);
        Field(c, "total.allocated"u8, used);
        Field(c, "startup.allocated"u8, startup);
        Field(c, "replication.backlog"u8, 0);
        Field(c, "clients.slaves"u8, 0);
        Field(c, "clients.normal"u8, clients);
        Field(c, "cluster.links"u8, 0);
        Field(c, "aof.buffer"u8, server.Aof.BufferLength);
        Field(c, "lua.caches"u8, 0);
        Field(c, "functions.caches"u8, 0);
        foreach (Database db in server.Keyspace.Databases)
        {
            if (db.Count == 0) continue;
            c.Reply.WriteBulk(Encoding.ASCII.GetBytes("db." + db.Id));
            c.Reply.WriteMapHeader(3);
            Field(c, "overhead.hashtable.main"u8, (long)db.Table.SlotCount * MemorySize.KeySlot);
            Field(c, "overhead.hashtable.expires"u8, (long)db.Table.VolatileCount * sizeof(int));
            Field(c, "overhead.hashtable.slot-to-keys"u8, 0);
        }
        Field(c, "overhead.total"u8, overhead);
        Field(c, "keys.count"u8, keys);
        Field(c, "keys.bytes-per-key"u8, keys == 0 ? 0 : (used - startup) / keys);
        Field(c, "dataset.bytes"u8, dataset);
        Field(c, "dataset.percentage"u8, (double)(used - startup <= 0 ? 0 : dataset * 100.0 / (used - startup)));
        Field(c, "peak.percentage"u8, (double)(peak == 0 ? 0 : used * 100.0 / peak));
        Field(c, "allocator.allocated"u8, used);
        Field(c, "allocator.active"u8, used);
        Field(c, "allocator.resident"u8, rss);
        Field(c, "allocator-fragmentation.ratio"u8, (double)(1));
        Field(c, "allocator-fragmentation.bytes"u8, 0);
        Field(c, "allocator-rss.ratio"u8, (double)(used == 0 ? 0 : (double)rss / used));
        Field(c, "allocator-rss.bytes"u8, rss - used);
        Field(c, "rss-overhead.ratio"u8, (double)(1));
        Field(c, "rss-overhead.bytes"u8, 0);
        Field(c, "fragmentation"u8, (double)(used == 0 ? 0 : (double)rss / used));
        Field(c, "fragmentation.bytes"u8, rss - used);
    }

    private static void Field(Client c, ReadOnlySpan<byte> name, long value)
    {
        c.Reply.WriteBulk(name);
        c.Reply.WriteInteger(value);
    }

    private static void Field(Client c, ReadOnlySpan<byte> name, double value)
    {
        c.Reply.WriteBulk(name);
        c.Reply.WriteDouble(value);
    }

    /// <summary>MEMORY DOCTOR: Redis's report texts for an almost empty instance, a past peak, or no issue.</summary>
    public static void Doctor(Client c)
    {
        long used = c.Server.UsedMemory;
        long peak = Math.Max(used, c.Server.Metrics.PeakMemory);
        string report;
        if (used < 5 * 1024 * 1024)
        {
            report = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. "
                + "Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.";
        }
        else if ((float)peak / used > 1.5)
        {
            report = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
                + " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, "
                + "so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) "
                + "is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try "
                + "to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n"
                + "I'm here to keep you safe, Sam. I want to help you.\n";
        }
        else
        {
            report = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";
        }
        c.Reply.WriteVerbatim(report);
    }

    /// <summary>
    /// MEMORY PURGE: what it asks of jemalloc (give unused pages back), done by the collector: a compacting full
    /// collection, large objects included. It pauses the loop for as long as it takes; it is asked for explicitly.
    /// </summary>
    public static void Purge(Client c)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        c.Reply.WriteOk();
    }
}
