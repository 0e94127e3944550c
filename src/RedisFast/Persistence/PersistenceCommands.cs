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
    /// BGREWRITEAOF: rewrites the AOF as a new base plus an empty incr file. Not yet concurrent: it runs on the loop
    /// before replying (part 2 makes it a background copy-on-write rewrite); the reply is Redis's.
    /// With appendonly no, Redis writes a base file of the data set too; RedisFast does the same.
    /// </summary>
    public static void BgRewriteAof(Client c)
    {
        string? error = c.Server.Aof.Rewrite();
        if (error is not null)
        {
            c.Reply.WriteError(error);
            return;
        }
        c.Reply.WriteRaw("+Background append only file rewriting started\r\n"u8);
    }
}
