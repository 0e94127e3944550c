namespace RedisFast.Commands.Docs;

/// <summary>
/// CommandFlags as COMMAND INFO prints them, in Redis 7.0's order (server.c, addReplyCommandFlags). Redis
/// hides may_replicate, sentinel, only_sentinel and protected on purpose.
/// </summary>
internal static class CommandFlagNames
{
    private static readonly (CommandFlags Flag, string Name)[] Names =
    [
        (CommandFlags.Write, "write"),
        (CommandFlags.ReadOnly, "readonly"),
        (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"),
        (CommandFlags.PubSub, "pubsub"),
        (CommandFlags.NoScript, "noscript"),
        (CommandFlags.Blocking, "blocking"),
        (CommandFlags.Loading, "loading"),
        (CommandFlags.Stale, "stale"),
        (CommandFlags.SkipMonitor, "skip_monitor"),
        (CommandFlags.SkipSlowlog, "skip_slowlog"),
        (CommandFlags.Fast, "fast"),
        (CommandFlags.NoAuth, "no_auth"),
        (CommandFlags.NoMandatoryKeys, "no_mandatory_keys"),
        (CommandFlags.NoAsyncLoading, "no_async_loading"),
        (CommandFlags.NoMulti, "no_multi"),
        (CommandFlags.MovableKeys, "movablekeys"),
        (CommandFlags.AllowBusy, "allow_busy"),
    ];

    /// <summary>The printed names of the flags set in <paramref name="flags"/>, in Redis's order.</summary>
    public static List<string> Of(CommandFlags flags)
    {
        var names = new List<string>();
        foreach ((CommandFlags flag, string name) in Names)
            if ((flags & flag) != 0) names.Add(name);
        return names;
    }
}
