using RedisFast.Commands;
using RedisFast.Protocol;

namespace RedisFast.Server;

/// <summary>
/// Who listens to what (Redis 7.0's pubsub.c server.pubsub_channels, pubsub_patterns and pubsubshard_channels):
/// each channel, pattern or shard channel maps to its subscribers in subscription order. PUBLISH writes each
/// message straight into every receiver's output buffer and wakes its connection; a receiver that has stopped
/// reading is closed at its pubsub client-output-buffer-limit instead of growing the server's memory.
/// Owned by the event loop.
/// </summary>
internal sealed class PubSubRegistry
{
    private readonly Dictionary<byte[], List<Client>> _channels = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], List<Client>> _patterns = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], List<Client>> _shardChannels = new(ByteArrayComparer.Instance);
    private readonly List<Client> _overLimit = [];

    /// <summary>Channels with at least one subscriber (the keys are the server's own copies).</summary>
    public Dictionary<byte[], List<Client>> Channels => _channels;

    /// <summary>Shard channels with at least one subscriber.</summary>
    public Dictionary<byte[], List<Client>> ShardChannels => _shardChannels;

    /// <summary>Distinct patterns with at least one subscriber (PUBSUB NUMPAT).</summary>
    public int PatternCount => _patterns.Count;

    /// <summary>pubsubSubscribeChannel: false when the client was already subscribed.</summary>
    public bool Subscribe(Client client, ReadOnlySpan<byte> channel, bool shard)
    {
        HashSet<byte[]> mine = shard
            ? client.PubSubShardChannels ??= new HashSet<byte[]>(ByteArrayComparer.Instance)
            : client.PubSubChannels ??= new HashSet<byte[]>(ByteArrayComparer.Instance);
        if (mine.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(channel)) return false;
        Dictionary<byte[], List<Client>> all = shard ? _shardChannels : _channels;
        if (!all.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out byte[]? key, out List<Client>? subscribers))
        {
            key = channel.ToArray();
            subscribers = [];
            all.Add(key, subscribers);
        }
        mine.Add(key);
        subscribers.Add(client);
        return true;
    }

    /// <summary>pubsubUnsubscribeChannel: false when the client was not subscribed.</summary>
    public bool Unsubscribe(Client client, ReadOnlySpan<byte> channel, bool shard)
    {
        HashSet<byte[]>? mine = shard ? client.PubSubShardChannels : client.PubSubChannels;
        if (mine is null || !mine.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(channel)) return false;
        Dictionary<byte[], List<Client>> all = shard ? _shardChannels : _channels;
        var lookup = all.GetAlternateLookup<ReadOnlySpan<byte>>();
        List<Client> subscribers = lookup[channel];
        subscribers.Remove(client);
        if (subscribers.Count == 0) lookup.Remove(channel);
        return true;
    }

    /// <summary>pubsubSubscribePattern: false when the client was already subscribed to it.</summary>
    public bool SubscribePattern(Client client, ReadOnlySpan<byte> pattern)
    {
        List<byte[]> mine = client.PubSubPatterns ??= [];
        foreach (byte[] existing in mine)
        {
            if (pattern.SequenceEqual(existing)) return false;
        }
        if (!_patterns.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(pattern, out byte[]? key, out List<Client>? subscribers))
        {
            key = pattern.ToArray();
            subscribers = [];
            _patterns.Add(key, subscribers);
        }
        mine.Add(key);
        subscribers.Add(client);
        return true;
    }

    /// <summary>pubsubUnsubscribePattern: false when the client was not subscribed to it.</summary>
    public bool UnsubscribePattern(Client client, ReadOnlySpan<byte> pattern)
    {
        List<byte[]>? mine = client.PubSubPatterns;
        if (mine is null) return false;
        int at = -1;
        for (int i = 0; i < mine.Count; i++)
        {
            if (pattern.SequenceEqual(mine[i]))
            {
                at = i;
                break;
            }
        }
        if (at < 0) return false;
        mine.RemoveAt(at);
        var lookup = _patterns.GetAlternateLookup<ReadOnlySpan<byte>>();
        List<Client> subscribers = lookup[pattern];
        subscribers.Remove(client);
        if (subscribers.Count == 0) lookup.Remove(pattern);
        return true;
    }

    /// <summary>Subscribers of <paramref name="channel"/> (PUBSUB NUMSUB / SHARDNUMSUB).</summary>
    public int CountSubscribers(ReadOnlySpan<byte> channel, bool shard)
    {
        Dictionary<byte[], List<Client>> all = shard ? _shardChannels : _channels;
        return all.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out List<Client>? subscribers) ? subscribers.Count : 0;
    }

    /// <summary>
    /// pubsubPublishMessage: delivers to the channel's subscribers, then (not for shard channels) to every client of
    /// every matching pattern, once per pattern. Returns the number of messages delivered.
    /// </summary>
    public long Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, bool shard)
    {
        long receivers = 0;
        Dictionary<byte[], List<Client>> all = shard ? _shardChannels : _channels;
        if (all.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out List<Client>? subscribers))
        {
            ReadOnlySpan<byte> kind = shard ? "$8\r\nsmessage\r\n"u8 : "$7\r\nmessage\r\n"u8;
            foreach (Client client in subscribers)
            {
                receivers++;
                if (client.ClosingForOutputLimit) continue;
                ReplyWriter reply = client.Reply;
                reply.WriteRaw(reply.Protocol == 3 ? ">3\r\n"u8 : "*3\r\n"u8);
                reply.WriteRaw(kind);
                reply.WriteBulk(channel);
                reply.WriteBulk(message);
                Delivered(client);
            }
        }
        if (!shard && _patterns.Count > 0)
        {
            foreach (KeyValuePair<byte[], List<Client>> pair in _patterns)
            {
                if (!GlobMatcher.IsMatch(pair.Key, channel)) continue;
                foreach (Client client in pair.Value)
                {
                    receivers++;
                    if (client.ClosingForOutputLimit) continue;
                    ReplyWriter reply = client.Reply;
                    reply.WriteRaw(reply.Protocol == 3 ? ">4\r\n$8\r\npmessage\r\n"u8 : "*4\r\n$8\r\npmessage\r\n"u8);
                    reply.WriteBulk(pair.Key);
                    reply.WriteBulk(channel);
                    reply.WriteBulk(message);
                    Delivered(client);
                }
            }
        }
        if (_overLimit.Count > 0) CloseOverLimit();
        return receivers;
    }

    /// <summary>
    /// After a message went into <paramref name="client"/>'s output: a subscriber that does not read sends no
    /// commands, so this is where its output limit is checked (networking.c closeClientOnOutputBufferLimitReached,
    /// called for every reply added). Otherwise its connection is woken to send.
    /// </summary>
    private void Delivered(Client client)
    {
        if (client.OutputLimitReached())
        {
            // Closed after the delivery loop (Redis frees it asynchronously too): closing unsubscribes it, which
            // would change the lists being walked.
            client.ClosingForOutputLimit = true;
            _overLimit.Add(client);
            return;
        }
        client.Connection.Wake();
    }

    private void CloseOverLimit()
    {
        foreach (Client client in _overLimit) client.Connection.Close();
        _overLimit.Clear();
    }

    /// <summary>Forgets every subscription of a disconnected client.</summary>
    public void RemoveClient(Client client)
    {
        if (client.PubSubChannels is { Count: > 0 } channels)
        {
            foreach (byte[] channel in channels) RemoveFrom(_channels, channel, client);
            channels.Clear();
        }
        if (client.PubSubShardChannels is { Count: > 0 } shardChannels)
        {
            foreach (byte[] channel in shardChannels) RemoveFrom(_shardChannels, channel, client);
            shardChannels.Clear();
        }
        if (client.PubSubPatterns is { Count: > 0 } patterns)
        {
            foreach (byte[] pattern in patterns) RemoveFrom(_patterns, pattern, client);
            patterns.Clear();
        }
        client.IsSubscribed = false;
    }

    private static void RemoveFrom(Dictionary<byte[], List<Client>> all, byte[] key, Client client)
    {
        if (!all.TryGetValue(key, out List<Client>? subscribers)) return;
        subscribers.Remove(client);
        if (subscribers.Count == 0) all.Remove(key);
    }
}
