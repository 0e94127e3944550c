using RedisFast.Commands;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Persistence;

/// <summary>Persistence commands (Redis's aof.c command side): BGREWRITEAOF.</summary>
internal static class PersistenceCommands
{
    public static void Register(CommandLookup t)
    {
        t.Add("bgrewriteaof", 1, Admin | NoScript | NoAsyncLoading, 0, 0, 0, BgRewriteAof, "server");
    }

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
        else if (c.InMulti)
        {
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
