using System.Text;
using RedisFast.Protocol;
using RedisFast.Server;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN, INFO and CONFIG (Redis's server.c, db.c,
/// config.c). INFO and CONFIG live in their own partial files.
/// </summary>
internal static partial class ServerCommands
{
    public static void Register(CommandLookup t)
    {
        t.Add("dbsize", 1, ReadOnly | Fast, 0, 0, 0, DbSize, "server");
        t.Add("flushdb", -1, Write, 0, 0, 0, FlushDb, "server");
        t.Add("flushall", -1, Write, 0, 0, 0, FlushAll, "server");
        t.Add("swapdb", 3, Write | Fast, 0, 0, 0, SwapDb, "server");
        t.Add("time", 1, Loading | Stale | Fast, 0, 0, 0, Time, "server");
        t.Add("shutdown", -1, Admin | NoScript | Loading | Stale | NoMulti | AllowBusy, 0, 0, 0, Shutdown, "server");
        t.Add("info", -1, Loading | Stale, 0, 0, 0, Info, "server");
        t.Add("monitor", 1, Admin | NoScript | Loading | Stale, 0, 0, 0, static c => c.StartMonitoring(), "server");
        // ROLE of a master without replicas (RedisFast does not replicate): "master", offset 0, no replicas.
        t.Add("role", 1, NoScript | Loading | Stale | Fast, 0, 0, 0, static c => c.Reply.WriteRaw("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"u8), "server");
        CommandDefinition slowlog = t.Add("slowlog", -2, None, 0, 0, 0, null, "server");
        slowlog.Sub("get", -2, Admin | Loading | Stale, 0, 0, 0, SlowlogGet);
        slowlog.Sub("len", 2, Admin | Loading | Stale, 0, 0, 0, SlowlogLen);
        slowlog.Sub("reset", 2, Admin | Loading | Stale, 0, 0, 0, SlowlogReset);
        slowlog.Sub("help", 2, Loading | Stale, 0, 0, 0, SlowlogHelp);
        CommandDefinition config = t.Add("config", -2, None, 0, 0, 0, null, "server");
        config.Sub("get", -3, Admin | NoScript | Loading | Stale, 0, 0, 0, ConfigGet);
        config.Sub("set", -4, Admin | NoScript | Loading | Stale, 0, 0, 0, ConfigSet);
        config.Sub("resetstat", 2, Admin | NoScript | Loading | Stale, 0, 0, 0, ConfigResetStat);
        config.Sub("rewrite", 2, Admin | NoScript | Loading | Stale, 0, 0, 0, ConfigRewrite);
        config.Sub("help", 2, Loading | Stale, 0, 0, 0, ConfigHelp);
    }

    /// <summary>DBSIZE: keys in the selected database, expired ones not yet reclaimed included (as Redis).</summary>
    public static void DbSize(Client c) => c.Reply.WriteInteger(c.Db.Count);

    /// <summary>FLUSHDB [ASYNC|SYNC]</summary>
    public static void FlushDb(Client c)
    {
        if (!TryGetFlushMode(c)) return;
        Flush(c, c.Db);
        // db.c flushdbCommand: forceCommandPropagation, so an empty database's FLUSHDB is logged too.
        c.ForcePropagation();
        c.Reply.WriteOk();
    }

    /// <summary>FLUSHALL [ASYNC|SYNC]: empties every database (and saves the empty data set when save points are set).</summary>
    public static void FlushAll(Client c)
    {
        if (!TryGetFlushMode(c)) return;
        foreach (Database db in c.Server.Keyspace.Databases) Flush(c, db);
        // db.c flushAllDataAndResetRDB: a running background save is stopped, and with save points the (empty) data
        // set is saved at once, so a restart does not bring the flushed keys back.
        Persistence.RdbFile rdb = c.Server.Rdb;
        rdb.KillBackgroundSave();
        if (rdb.SavePointsConfigured) rdb.Save();
        c.Server.Keyspace.Dirty++;
        c.ForcePropagation();
        c.Reply.WriteOk();
    }

    /// <summary>
    /// Empties one database: watchers of its keys fail their EXEC (touchAllWatchedKeysInDb); every key removed
    /// counts as a change (server.dirty += emptyData). Callers force propagation, so an empty flush is logged too.
    /// </summary>
    private static void Flush(Client c, Database db)
    {
        c.Server.Watches.TouchAllWatchedKeysInDb(db, null);
        c.Server.Keyspace.Dirty += db.Count;
        db.Table.Clear();
    }

    /// <summary>
    /// getFlushCommandFlags (db.c): one optional argument, SYNC or ASYNC. Both flush synchronously here: the
    /// tables are dropped whole and the GC reclaims them off the loop, which is what ASYNC buys in Redis.
    /// </summary>
    private static bool TryGetFlushMode(Client c)
    {
        if (c.Argc == 1) return true;
        if (c.Argc == 2 && (Ascii.EqualsIgnoreCase(c.Args[1], "sync"u8) || Ascii.EqualsIgnoreCase(c.Args[1], "async"u8))) return true;
        c.Reply.WriteError(Errors.Syntax);
        return false;
    }

    /// <summary>SWAPDB index1 index2</summary>
    public static void SwapDb(Client c)
    {
        // getIntFromObjectOrReply: string2ll and then the int range, each index with its own message.
        if (!NumberParser.TryParseInt64(c.Args[1], out long a) || a is < int.MinValue or > int.MaxValue)
        {
            c.Reply.WriteError("ERR invalid first DB index"u8);
            return;
        }
        if (!NumberParser.TryParseInt64(c.Args[2], out long b) || b is < int.MinValue or > int.MaxValue)
        {
            c.Reply.WriteError("ERR invalid second DB index"u8);
            return;
        }
        int count = c.Server.Keyspace.Databases.Length;
        if (a < 0 || a >= count || b < 0 || b >= count)
        {
            c.Reply.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        Database first = c.Server.Keyspace.Databases[a], second = c.Server.Keyspace.Databases[b];
        c.Server.Watches.TouchAllWatchedKeysInDb(first, second);
        c.Server.Watches.TouchAllWatchedKeysInDb(second, first);
        c.Server.Keyspace.Swap((int)a, (int)b);
        c.Server.Keyspace.Dirty++;
        // Clients blocked on a key that now holds a list can be served (scanDatabaseForReadyKeys in swapdbCommand).
        c.Server.Blocking.SignalAllWaitedKeys(first);
        c.Server.Blocking.SignalAllWaitedKeys(second);
        c.Reply.WriteOk();
    }

    /// <summary>TIME: unix seconds and microseconds, as two bulk strings.</summary>
    public static void Time(Client c)
    {
        long micros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(micros / 1_000_000);
        c.Reply.WriteBulk(micros % 1_000_000);
    }

    /// <summary>
    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: on success the server stops and the connection closes with
    /// no reply, as in Redis (the process exits there). RedisFast has no shutdown grace period for replicas, so
    /// ABORT never finds one in progress.
    /// </summary>
    public static void Shutdown(Client c)
    {
        ShutdownFlags flags = ShutdownFlags.None;
        bool abort = false;
        for (int i = 1; i < c.Argc; i++)
        {
            ReadOnlySpan<byte> a = c.Args[i];
            if (Ascii.EqualsIgnoreCase(a, "nosave"u8)) flags |= ShutdownFlags.NoSave;
            else if (Ascii.EqualsIgnoreCase(a, "save"u8)) flags |= ShutdownFlags.Save;
            else if (Ascii.EqualsIgnoreCase(a, "now"u8)) flags |= ShutdownFlags.Now;
            else if (Ascii.EqualsIgnoreCase(a, "force"u8)) flags |= ShutdownFlags.Force;
            else if (Ascii.EqualsIgnoreCase(a, "abort"u8)) abort = true;
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if ((abort && flags != ShutdownFlags.None) || (flags & (ShutdownFlags.NoSave | ShutdownFlags.Save)) == (ShutdownFlags.NoSave | ShutdownFlags.Save))
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (abort)
        {
            c.Reply.WriteError("ERR No shutdown in progress."u8);
            return;
        }
        if (!PrepareForShutdown(c.Server, flags, out string? error)) c.Reply.WriteError(error!);
    }

    /// <summary>
    /// prepareForShutdown + finishShutdown (server.c): final save when snapshots are configured (unless NOSAVE) or
    /// SAVE is given, pid file removal, the farewell log line, then <see cref="RedisServer.Stop"/>. Runs on the loop.
    /// </summary>
    /// <returns>False (server keeps running) when the final save failed without FORCE.</returns>
    internal static bool PrepareForShutdown(RedisServer server, ShutdownFlags flags, out string? error)
    {
        error = null;
        ServerLog log = server.Log;
        log.Warning("User requested shutdown...");
        server.ShutdownStarting?.Invoke();
        if (server.Aof.WritingInitialAof)
        {
            // server.c finishShutdown: stopping now would lose the data set, which is only in memory and the temp files.
            if ((flags & ShutdownFlags.Force) == 0)
            {
                log.Warning("Writing initial AOF, can't exit.");
                log.Warning("Errors trying to shut down the server. Check the logs for more information.");
                error = "ERR Errors trying to SHUTDOWN. Check logs.";
                return false;
            }
            log.Warning("Writing initial AOF. Exit anyway.");
        }
        bool save = (server.Rdb.SavePointsConfigured && (flags & ShutdownFlags.NoSave) == 0) || (flags & ShutdownFlags.Save) != 0;
        if (save)
        {
            log.Notice("Saving the final RDB snapshot before exiting.");
            if (!server.Rdb.FinalSave())
            {
                if ((flags & ShutdownFlags.Force) != 0)
                {
                    log.Warning("Error trying to save the DB. Exit anyway.");
                }
                else
                {
                    log.Warning("Error trying to save the DB, can't exit.");
                    log.Warning("Errors trying to shut down the server. Check the logs for more information.");
                    error = "ERR Errors trying to SHUTDOWN. Check logs.";
                    return false;
                }
            }
        }
        // prepareForShutdown: "Calling fsync() on the AOF file." (flush, fsync, close).
        server.Aof.Shutdown();
        if (server.Config.PidFile.Length > 0)
        {
            log.Notice("Removing the pid file.");
            try
            {
                File.Delete(server.Config.PidFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warning($"Unable to remove the pid file: {e.Message}");
            }
        }
        log.Warning("Redis is now ready to exit, bye bye...");
        server.Stop();
        return true;
    }
}
