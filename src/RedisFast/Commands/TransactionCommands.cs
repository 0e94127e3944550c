using RedisFast.Server;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH and UNWATCH (Redis 7.0's multi.c). Queuing itself happens in
/// <see cref="Client.Execute"/>, before dispatch, as in processCommand; WATCH bookkeeping is in
/// <see cref="WatchRegistry"/>.
/// </summary>
internal static class TransactionCommands
{
    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("multi", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, Multi, "transactions");
        t.Add("exec", 1, NoScript | Loading | Stale | SkipSlowlog, 0, 0, 0, Exec, "transactions");
        t.Add("discard", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, Discard, "transactions");
        t.Add("watch", -2, NoScript | Loading | Stale | Fast | AllowBusy, 1, -1, 1, Watch, "transactions");
        t.Add("unwatch", 1, NoScript | Loading | Stale | Fast | AllowBusy, 0, 0, 0, Unwatch, "transactions");
    }

    /// <summary>MULTI: later commands are queued until EXEC or DISCARD. Nesting is an error that does not abort.</summary>
    public static void Multi(Client c)
    {
        if (c.InMulti)
        {
            c.Reply.WriteError("ERR MULTI calls can not be nested"u8);
            return;
        }
        c.InMulti = true;
        c.Reply.WriteOk();
    }

    /// <summary>
    /// EXEC: EXECABORT if a command was refused while queuing, a null array if a watched key changed or expired,
    /// otherwise the array of the queued commands' replies (errors included). The transaction ends either way.
    /// </summary>
    public static void Exec(Client c)
    {
        if (!c.InMulti)
        {
            c.Reply.WriteError("ERR EXEC without MULTI"u8);
            return;
        }
        if (WatchRegistry.AnyWatchedKeyExpired(c)) c.DirtyCas = true;
        if (c.DirtyCas || c.DirtyExec)
        {
            if (c.DirtyExec) c.Reply.WriteError("EXECABORT Transaction discarded because of previous errors."u8);
            else c.Reply.WriteNullArray();
            c.DiscardTransaction();
            return;
        }
        // Unwatch before running: the transaction's own writes must not touch its watches.
        c.Server.Watches.UnwatchAll(c);
        // The AOF gets the block's writes wrapped in MULTI ... EXEC, and not this EXEC's own argv.
        Persistence.Propagator? propagator = c.Server.Aof.Propagator;
        propagator?.BeginTransaction();
        try
        {
            c.RunQueuedCommands();
        }
        finally
        {
            propagator?.EndTransaction();
            propagator?.SkipCurrent();
            c.DiscardTransaction();
        }
    }

    /// <summary>DISCARD</summary>
    public static void Discard(Client c)
    {
        if (!c.InMulti)
        {
            c.Reply.WriteError("ERR DISCARD without MULTI"u8);
            return;
        }
        c.DiscardTransaction();
        c.Reply.WriteOk();
    }

    /// <summary>WATCH key [key ...]: refused inside MULTI (without aborting it); nothing to do once already dirty.</summary>
    public static void Watch(Client c)
    {
        if (c.InMulti)
        {
            c.Reply.WriteError("ERR WATCH inside MULTI is not allowed"u8);
            return;
        }
        if (!c.DirtyCas)
        {
            WatchRegistry watches = c.Server.Watches;
            for (int j = 1; j < c.Argc; j++) watches.Watch(c, c.Args[j]);
        }
        c.Reply.WriteOk();
    }

    /// <summary>UNWATCH: forgets the watched keys and a failed watch.</summary>
    public static void Unwatch(Client c)
    {
        c.Server.Watches.UnwatchAll(c);
        c.DirtyCas = false;
        c.Reply.WriteOk();
    }
}
