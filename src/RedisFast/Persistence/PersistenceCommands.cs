using System.Text;
using RedisFast.Commands;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Persistence;

/// <summary>Persistence commands (the command side of Redis's aof.c and rdb.c): BGREWRITEAOF, SAVE, BGSAVE, LASTSAVE.</summary>
internal static class PersistenceCommands
{
    public static void Register(CommandLookup t)
    {
        t.Add("bgrewriteaof", 1, Admin | NoScript | NoAsyncLoading, 0, 0, 0, BgRewriteAof, "server");
        t.Add("save", 1, Admin | NoScript | NoAsyncLoading | NoMulti, 0, 0, 0, Save, "server");
        t.Add("bgsave", -1, Admin | NoScript | NoAsyncLoading, 0, 0, 0, BgSave, "server");
        t.Add("lastsave", 1, Loading | Stale | Fast, 0, 0, 0, LastSave, "server");
    }

    /// <summary>SAVE (rdb.c saveCommand): writes the snapshot on the loop; refused while a background save runs.</summary>
    public static void Save(Client c)
    {
        RdbFile rdb = c.Server.Rdb;
        if (rdb.SaveInProgress)
        {
            c.Reply.WriteError("ERR Background save already in progress");
            return;
        }
        // rdbSave failing answers shared.err: a bare "-ERR" (the reason is in the log).
        if (rdb.Save()) c.Reply.WriteOk();
        else c.Reply.WriteRaw("-ERR\r\n"u8);
    }

    /// <summary>
    /// BGSAVE [SCHEDULE] (rdb.c bgsaveCommand): a snapshot written by a background thread. While an AOF rewrite runs
    /// (or inside EXEC) it can only be scheduled; SCHEDULE asks for that instead of an error.
    /// </summary>
    public static void BgSave(Client c)
    {
        bool schedule = false;
        if (c.Argc > 1)
        {
            if (c.Argc == 2 && Ascii.EqualsIgnoreCase(c.Args[1], "schedule"u8))
            {
                schedule = true;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        RdbFile rdb = c.Server.Rdb;
        if (rdb.SaveInProgress)
        {
            c.Reply.WriteError("ERR Background save already in progress");
        }
        else if (c.Server.Aof.RewriteInProgress || c.InMulti)
        {
            if (schedule || c.InMulti)
            {
                rdb.ScheduleBackgroundSave();
                c.Reply.WriteRaw("+Background saving scheduled\r\n"u8);
            }
            else
            {
                c.Reply.WriteError("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
        }
        else if (rdb.StartBackgroundSave())
        {
            c.Reply.WriteRaw("+Background saving started\r\n"u8);
        }
        else
        {
            c.Reply.WriteRaw("-ERR\r\n"u8);
        }
    }

    /// <summary>LASTSAVE: the unix time of the last successful save.</summary>
    public static void LastSave(Client c) => c.Reply.WriteInteger(c.Server.Rdb.LastSaveUnix);

    /// <summary>
    /// BGREWRITEAOF (aof.c bgrewriteaofCommand): starts a background rewrite from a copy-on-write snapshot; inside
    /// EXEC it is only scheduled (the cron starts it after the transaction, whose writes must all fall on one side of
    /// the snapshot instant). With appendonly no, Redis writes a base file of the data set too; RedisFast does the same.
    /// </summary>
    public static void BgRewriteAof(Client c)
    {
        Persistence.AppendOnlyFile aof = c.Server.Aof;
        if (aof.RewriteInProgress)
        {
            c.Reply.WriteError("ERR Background append only file rewriting already in progress");
        }
        else if (c.InMulti || c.Server.Rdb.SaveInProgress)
        {
            // aof.c bgrewriteaofCommand: "hasActiveChildProcess() || server.in_exec" schedules it.
            aof.ScheduleRewrite();
            c.Reply.WriteRaw("+Background append only file rewriting scheduled\r\n"u8);
        }
        else if (aof.StartRewrite())
        {
            c.Reply.WriteRaw("+Background append only file rewriting started\r\n"u8);
        }
        else
        {
            c.Reply.WriteError("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
    }
}
