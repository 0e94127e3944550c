using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// Tries to serve a client blocked on <paramref name="key"/> of <paramref name="db"/> now that the key may be
/// ready. The handler looks the key up itself (it may be missing, empty, or of another type: then it returns
/// false and the client keeps waiting, as in Redis 7.0's serveClientsBlockedOnKey, which skips clients blocked
/// for another type). When it can serve, it changes the data set as the command would (calling
/// <see cref="Database.KeyModified"/> for what it changed), writes the whole reply into
/// <c>wait.Client.Reply</c> (an error reply counts as served too: BLMOVE to a key of the wrong type) and
/// returns true; the registry then unblocks the client. Runs on the event loop, after the command that made
/// the key ready.
/// </summary>
internal delegate bool BlockedServeHandler(BlockedWait wait, Database db, byte[] key);

/// <summary>
/// One blocked command (Redis's client->bpop): the client, the database and keys it waits on, its deadline and
/// how to serve it. The fields a blocking command needs to finish later are copied here, because the command's
/// arguments live in the receive buffer only while the command runs. Value-kind agnostic: lists use
/// <see cref="Where"/>, <see cref="WhereTo"/>, <see cref="Target"/> and <see cref="Count"/>; another type may
/// use them with its own meaning or keep anything else in <see cref="State"/>.
/// </summary>
internal sealed class BlockedWait
{
    public BlockedWait(Client client, Database db, byte[][] keys, long deadline, BlockedServeHandler serve)
    {
        Client = client;
        Db = db;
        Keys = keys;
        Deadline = deadline;
        Serve = serve;
        Nodes = new LinkedListNode<BlockedWait>?[keys.Length];
    }

    public Client Client { get; }

    /// <summary>The database the keys belong to (the client's selected one when it blocked).</summary>
    public Database Db { get; }

    /// <summary>Keys waited on, in the order given; a key named twice is waited on once.</summary>
    public byte[][] Keys { get; }

    /// <summary><see cref="Environment.TickCount64"/> at which the wait times out, or 0 to wait forever.</summary>
    public long Deadline { get; }

    public BlockedServeHandler Serve { get; }

    /// <summary>Which end to pop from (true: head / LEFT; for sorted sets: MIN).</summary>
    public bool Where { get; init; }

    /// <summary>Which end of <see cref="Target"/> to push to (BLMOVE).</summary>
    public bool WhereTo { get; init; }

    /// <summary>The destination key of BLMOVE / BRPOPLPUSH, or null.</summary>
    public byte[]? Target { get; init; }

    /// <summary>BLMPOP / BZMPOP COUNT; -1 for the single-element commands (BLPOP, BZPOPMIN ...).</summary>
    public long Count { get; init; } = -1;

    /// <summary>Anything else a serve handler needs.</summary>
    public object? State { get; init; }

    /// <summary>The reply at the timeout or a CLIENT UNBLOCK without ERROR, when not the null array (WAIT: ":0").</summary>
    public byte[]? TimeoutReply { get; init; }

    /// <summary>Set once the client is served, timed out, unblocked or gone.</summary>
    public bool Done { get; internal set; }

    /// <summary>This wait's node in each key's queue (null for a duplicate key); owned by <see cref="BlockingKeys"/>.</summary>
    internal LinkedListNode<BlockedWait>?[] Nodes { get; }
}
