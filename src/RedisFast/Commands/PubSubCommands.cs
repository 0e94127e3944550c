using System.Text;
using RedisFast.Protocol;
using RedisFast.Server;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Pub/sub commands (Redis 7.0's pubsub.c): SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH, the shard
/// variants SSUBSCRIBE SUNSUBSCRIBE SPUBLISH (one node: a separate namespace), and PUBSUB. Confirmations and
/// messages are arrays in RESP2 and push frames (<c>&gt;</c>) in RESP3.
/// </summary>
internal static class PubSubCommands
{
    private static readonly string[] PubSubHelpLines =
    [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("subscribe", -2, PubSub | NoScript | Loading | Stale, 0, 0, 0, Subscribe, "pubsub");
        t.Add("unsubscribe", -1, PubSub | NoScript | Loading | Stale, 0, 0, 0, Unsubscribe, "pubsub");
        t.Add("psubscribe", -2, PubSub | NoScript | Loading | Stale, 0, 0, 0, PSubscribe, "pubsub");
        t.Add("punsubscribe", -1, PubSub | NoScript | Loading | Stale, 0, 0, 0, PUnsubscribe, "pubsub");
        t.Add("publish", 3, PubSub | Loading | Stale | Fast | MayReplicate, 0, 0, 0, Publish, "pubsub");
        t.Add("ssubscribe", -2, PubSub | NoScript | Loading | Stale, 1, -1, 1, SSubscribe, "pubsub");
        t.Add("sunsubscribe", -1, PubSub | NoScript | Loading | Stale, 1, -1, 1, SUnsubscribe, "pubsub");
        t.Add("spublish", 3, PubSub | Loading | Stale | Fast | MayReplicate, 1, 1, 1, SPublish, "pubsub");
        CommandDefinition pubsub = t.Add("pubsub", -2, None, 0, 0, 0, null, "pubsub");
        pubsub.Sub("channels", -2, PubSub | Loading | Stale, 0, 0, 0, Channels);
        pubsub.Sub("numsub", -2, PubSub | Loading | Stale, 0, 0, 0, NumSub);
        pubsub.Sub("numpat", 2, PubSub | Loading | Stale, 0, 0, 0, NumPat);
        pubsub.Sub("shardchannels", -2, PubSub | Loading | Stale, 0, 0, 0, ShardChannels);
        pubsub.Sub("shardnumsub", -2, PubSub | Loading | Stale, 0, 0, 0, ShardNumSub);
        pubsub.Sub("help", 2, Loading | Stale, 0, 0, 0, Help);
    }

    /// <summary>SUBSCRIBE channel [channel ...]</summary>
    public static void Subscribe(Client c)
    {
        PubSubRegistry registry = c.Server.PubSub;
        for (int j = 1; j < c.Argc; j++)
        {
            registry.Subscribe(c, c.Args[j], shard: false);
            WriteConfirmation(c, "$9\r\nsubscribe\r\n"u8, c.Args[j], GlobalCount(c));
        }
        c.IsSubscribed = true;
    }

    /// <summary>SSUBSCRIBE shardchannel [shardchannel ...]: refused inside a transaction, unlike SUBSCRIBE.</summary>
    public static void SSubscribe(Client c)
    {
        if (c.InMulti)
        {
            c.Reply.WriteError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"u8);
            return;
        }
        PubSubRegistry registry = c.Server.PubSub;
        for (int j = 1; j < c.Argc; j++)
        {
            registry.Subscribe(c, c.Args[j], shard: true);
            WriteConfirmation(c, "$10\r\nssubscribe\r\n"u8, c.Args[j], ShardCount(c));
        }
        c.IsSubscribed = true;
    }

    /// <summary>PSUBSCRIBE pattern [pattern ...]</summary>
    public static void PSubscribe(Client c)
    {
        PubSubRegistry registry = c.Server.PubSub;
        for (int j = 1; j < c.Argc; j++)
        {
            registry.SubscribePattern(c, c.Args[j]);
            WriteConfirmation(c, "$10\r\npsubscribe\r\n"u8, c.Args[j], GlobalCount(c));
        }
        c.IsSubscribed = true;
    }

    /// <summary>
    /// UNSUBSCRIBE [channel ...]: one confirmation per channel named (subscribed or not); with no channel, one per
    /// subscribed channel, or a single one with a null channel when there is none.
    /// </summary>
    public static void Unsubscribe(Client c) => UnsubscribeGeneric(c, shard: false, "$11\r\nunsubscribe\r\n"u8);

    /// <summary>SUNSUBSCRIBE [shardchannel ...], as UNSUBSCRIBE for shard channels.</summary>
    public static void SUnsubscribe(Client c) => UnsubscribeGeneric(c, shard: true, "$12\r\nsunsubscribe\r\n"u8);

    private static void UnsubscribeGeneric(Client c, bool shard, ReadOnlySpan<byte> kind)
    {
        PubSubRegistry registry = c.Server.PubSub;
        if (c.Argc > 1)
        {
            for (int j = 1; j < c.Argc; j++)
            {
                registry.Unsubscribe(c, c.Args[j], shard);
                WriteConfirmation(c, kind, c.Args[j], shard ? ShardCount(c) : GlobalCount(c));
            }
        }
        else
        {
            HashSet<byte[]>? mine = shard ? c.PubSubShardChannels : c.PubSubChannels;
            if (mine is { Count: > 0 })
            {
                // A snapshot: unsubscribing removes from the set being walked.
                foreach (byte[] channel in mine.ToArray())
                {
                    registry.Unsubscribe(c, channel, shard);
                    WriteConfirmation(c, kind, channel, shard ? ShardCount(c) : GlobalCount(c));
                }
            }
            else
            {
                WriteNullConfirmation(c, kind, shard ? ShardCount(c) : GlobalCount(c));
            }
        }
        UpdateSubscribed(c);
    }

    /// <summary>PUNSUBSCRIBE [pattern ...], as UNSUBSCRIBE for patterns (all of them in subscription order).</summary>
    public static void PUnsubscribe(Client c)
    {
        PubSubRegistry registry = c.Server.PubSub;
        ReadOnlySpan<byte> kind = "$12\r\npunsubscribe\r\n"u8;
        if (c.Argc > 1)
        {
            for (int j = 1; j < c.Argc; j++)
            {
                registry.UnsubscribePattern(c, c.Args[j]);
                WriteConfirmation(c, kind, c.Args[j], GlobalCount(c));
            }
        }
        else if (c.PubSubPatterns is { Count: > 0 } patterns)
        {
            foreach (byte[] pattern in patterns.ToArray())
            {
                registry.UnsubscribePattern(c, pattern);
                WriteConfirmation(c, kind, pattern, GlobalCount(c));
            }
        }
        else
        {
            WriteNullConfirmation(c, kind, GlobalCount(c));
        }
        UpdateSubscribed(c);
    }

    /// <summary>PUBLISH channel message: the number of clients that received it (pattern matches counted each).</summary>
    public static void Publish(Client c) => c.Reply.WriteInteger(c.Server.PubSub.Publish(c.Args[1], c.Args[2], shard: false));

    /// <summary>SPUBLISH shardchannel message: shard channel subscribers only (patterns do not see it).</summary>
    public static void SPublish(Client c) => c.Reply.WriteInteger(c.Server.PubSub.Publish(c.Args[1], c.Args[2], shard: true));

    /// <summary>PUBSUB CHANNELS [pattern]: active channels, all or those matching the pattern.</summary>
    public static void Channels(Client c) => ChannelList(c, c.Server.PubSub.Channels);

    /// <summary>PUBSUB SHARDCHANNELS [pattern]</summary>
    public static void ShardChannels(Client c) => ChannelList(c, c.Server.PubSub.ShardChannels);

    private static void ChannelList(Client c, Dictionary<byte[], List<Client>> channels)
    {
        if (c.Argc > 3)
        {
            WriteSubcommandSyntaxError(c);
            return;
        }
        if (c.Argc == 2)
        {
            c.Reply.WriteArrayHeader(channels.Count);
            foreach (byte[] channel in channels.Keys) c.Reply.WriteBulk(channel);
            return;
        }
        ReadOnlySpan<byte> pattern = c.Args[2];
        int count = 0;
        foreach (byte[] channel in channels.Keys)
        {
            if (GlobMatcher.IsMatch(pattern, channel)) count++;
        }
        c.Reply.WriteArrayHeader(count);
        foreach (byte[] channel in channels.Keys)
        {
            if (GlobMatcher.IsMatch(pattern, channel)) c.Reply.WriteBulk(channel);
        }
    }

    /// <summary>PUBSUB NUMSUB [channel ...]: channel, count pairs as a flat array (also in RESP3, as Redis 7.0).</summary>
    public static void NumSub(Client c) => NumSubGeneric(c, shard: false);

    /// <summary>PUBSUB SHARDNUMSUB [shardchannel ...]</summary>
    public static void ShardNumSub(Client c) => NumSubGeneric(c, shard: true);

    private static void NumSubGeneric(Client c, bool shard)
    {
        PubSubRegistry registry = c.Server.PubSub;
        c.Reply.WriteArrayHeader((c.Argc - 2) * 2);
        for (int j = 2; j < c.Argc; j++)
        {
            c.Reply.WriteBulk(c.Args[j]);
            c.Reply.WriteInteger(registry.CountSubscribers(c.Args[j], shard));
        }
    }

    /// <summary>PUBSUB NUMPAT: distinct patterns subscribed by anyone.</summary>
    public static void NumPat(Client c) => c.Reply.WriteInteger(c.Server.PubSub.PatternCount);

    /// <summary>PUBSUB HELP</summary>
    public static void Help(Client c) => CommandCommand.WriteHelp(c, PubSubHelpLines);

    /// <summary>clientSubscriptionsCount: channels plus patterns (shard channels are counted apart).</summary>
    private static long GlobalCount(Client c) => (c.PubSubChannels?.Count ?? 0) + (c.PubSubPatterns?.Count ?? 0);

    private static long ShardCount(Client c) => c.PubSubShardChannels?.Count ?? 0;

    /// <summary>CLIENT_PUBSUB is cleared once no subscription of any kind is left.</summary>
    private static void UpdateSubscribed(Client c)
    {
        if (GlobalCount(c) + ShardCount(c) == 0) c.IsSubscribed = false;
    }

    /// <summary>addReplyPubsubSubscribed / Unsubscribed: [kind, channel, count], a push frame in RESP3.</summary>
    private static void WriteConfirmation(Client c, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> channel, long count)
    {
        c.Reply.WriteRaw(c.Reply.Protocol == 3 ? ">3\r\n"u8 : "*3\r\n"u8);
        c.Reply.WriteRaw(kind);
        c.Reply.WriteBulk(channel);
        c.Reply.WriteInteger(count);
    }

    private static void WriteNullConfirmation(Client c, ReadOnlySpan<byte> kind, long count)
    {
        c.Reply.WriteRaw(c.Reply.Protocol == 3 ? ">3\r\n"u8 : "*3\r\n"u8);
        c.Reply.WriteRaw(kind);
        c.Reply.WriteNull();
        c.Reply.WriteInteger(count);
    }

    /// <summary>addReplySubcommandSyntaxError: names the subcommand as sent and the container in upper case.</summary>
    private static void WriteSubcommandSyntaxError(Client c)
    {
        string sub = Encoding.UTF8.GetString(c.Args[1]);
        if (sub.Length > 128) sub = sub[..128];
        c.Reply.WriteError("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try PUBSUB HELP.");
    }
}
