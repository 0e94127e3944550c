using System.Runtime.CompilerServices;
using RedisFast.Protocol;
using RedisFast.Server;

namespace RedisFast.Commands;

/// <summary>
/// A client's transaction and pub/sub state (Redis's client.mstate, watched_keys, pubsub_channels/patterns and
/// the CLIENT_MULTI, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC and CLIENT_PUBSUB flags).
/// </summary>
internal sealed partial class Client
{
    private List<QueuedCommand>? _queue;
    private CommandArguments? _queuedArgs;

    /// <summary>Between MULTI and the end of EXEC or DISCARD (CLIENT_MULTI); blocking commands do not block then.</summary>
    public bool InMulti { get; set; }

    /// <summary>A watched key changed (CLIENT_DIRTY_CAS): EXEC will reply a null array.</summary>
    public bool DirtyCas { get; set; }

    /// <summary>A command was refused while queuing (CLIENT_DIRTY_EXEC): EXEC will reply EXECABORT.</summary>
    public bool DirtyExec { get; set; }

    /// <summary>Keys this client watches; see <see cref="WatchRegistry"/>.</summary>
    public List<WatchedKey>? WatchedKeys { get; set; }

    /// <summary>Commands queued since MULTI (CLIENT LIST multi).</summary>
    public int QueuedCount => _queue?.Count ?? 0;

    /// <summary>Argument bytes plus a pointer per argument of the queued commands (CLIENT LIST multi-mem, as multi.c counts).</summary>
    public long MultiMemory { get; private set; }

    /// <summary>Subscribed to any channel, pattern or shard channel (CLIENT_PUBSUB).</summary>
    public bool IsSubscribed { get; set; }

    /// <summary>Channels subscribed with SUBSCRIBE; null until the first.</summary>
    public HashSet<byte[]>? PubSubChannels { get; set; }

    /// <summary>Patterns subscribed with PSUBSCRIBE, in subscription order (a list in Redis too).</summary>
    public List<byte[]>? PubSubPatterns { get; set; }

    /// <summary>Shard channels subscribed with SSUBSCRIBE; null until the first.</summary>
    public HashSet<byte[]>? PubSubShardChannels { get; set; }

    /// <summary>Set while PUBLISH has found this subscriber over its output limit and is about to close it.</summary>
    internal bool ClosingForOutputLimit { get; set; }

    /// <summary>flagTransaction: a command refused inside MULTI makes EXEC abort.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FlagTransaction()
    {
        if (InMulti) DirtyExec = true;
    }

    /// <summary>Whether a queued command has one of <paramref name="flags"/> (Redis's mstate.cmd_flags).</summary>
    private bool QueuedCommandsHave(CommandFlags flags)
    {
        if (_queue is null) return false;
        foreach (QueuedCommand queued in _queue)
        {
            if ((queued.Command.Flags & flags) != 0) return true;
        }
        return false;
    }

    /// <summary>
    /// queueMultiCommand: keeps a copy of the command's arguments (they live in the receive slab, which the next
    /// read reuses). Nothing is kept once the transaction is already bound to fail.
    /// </summary>
    private void QueueCommand(CommandDefinition command)
    {
        if (DirtyCas || DirtyExec) return;
        int total = 0;
        for (int i = 0; i < Args.Count; i++) total += Args.LengthOf(i);
        byte[] data = new byte[total];
        int[] lengths = new int[Args.Count];
        int offset = 0;
        for (int i = 0; i < Args.Count; i++)
        {
            ReadOnlySpan<byte> arg = Args[i];
            arg.CopyTo(data.AsSpan(offset));
            lengths[i] = arg.Length;
            offset += arg.Length;
        }
        (_queue ??= []).Add(new QueuedCommand(command, data, lengths));
        MultiMemory += total + 8L * Args.Count;
    }

    /// <summary>
    /// The body of EXEC once it is known to run: replies an array with each queued command's reply, running them
    /// one after the other with nothing in between (the loop runs only this). InMulti stays set meanwhile, as
    /// CLIENT_MULTI does in Redis, so a blocking command answers as if its timeout had passed.
    /// </summary>
    internal void RunQueuedCommands()
    {
        List<QueuedCommand>? queue = _queue;
        int count = queue?.Count ?? 0;
        Reply.WriteArrayHeader(count);
        if (count == 0) return;
        CommandArguments ownArgs = Args;
        CommandDefinition? execCommand = LastCommand;
        CommandArguments queuedArgs = _queuedArgs ??= new CommandArguments();
        try
        {
            for (int j = 0; j < count; j++)
            {
                QueuedCommand queued = queue![j];
                queuedArgs.Reset();
                queuedArgs.Buffer = queued.Data;
                int offset = 0;
                foreach (int length in queued.Lengths)
                {
                    queuedArgs.Add(offset, length);
                    offset += length;
                }
                Args = queuedArgs;
                // The running command's name shows in errors such as "invalid expire time in 'set' command".
                LastCommand = queued.Command;
                Call(queued.Command);
            }
        }
        finally
        {
            Args = ownArgs;
            LastCommand = execCommand;
            queuedArgs.Buffer = [];
        }
    }

    /// <summary>discardTransaction: forgets the queue, leaves MULTI, clears both dirty flags and unwatches every key.</summary>
    internal void DiscardTransaction()
    {
        _queue = null;
        MultiMemory = 0;
        InMulti = false;
        DirtyCas = false;
        DirtyExec = false;
        _server.Watches.UnwatchAll(this);
    }

    /// <summary>The connection closed: drop its subscriptions and watched keys (freeClient).</summary>
    internal void OnDisconnected()
    {
        _server.PubSub.RemoveClient(this);
        _server.Watches.UnwatchAll(this);
    }

    /// <summary>One queued command: its table entry and a copy of its arguments, back to back.</summary>
    private readonly record struct QueuedCommand(CommandDefinition Command, byte[] Data, int[] Lengths);
}
