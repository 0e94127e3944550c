using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// The clients blocked on keys (Redis 7.0's blocked.c: db->blocking_keys, server.ready_keys and the timeout
/// table), generic over the value kind. A blocking command that finds nothing to pop builds a
/// <see cref="BlockedWait"/> and calls <see cref="Block"/>: its handler then returns, the client stops executing
/// further commands (<see cref="Client.IsBlocked"/>) and the event loop goes on. When a command modifies a key
/// someone waits on (every write calls <see cref="Database.KeyModified"/>, which reaches
/// <see cref="SignalKeyAsReady"/> while anyone is blocked), the key is queued as ready; once that command has
/// finished (at the end of the outermost <see cref="Client.Execute"/>, so a push inside MULTI serves at EXEC's
/// end) <see cref="HandleReadyKeys"/> offers each ready key to its waiters in arrival order (FIFO per key)
/// through their <see cref="BlockedWait.Serve"/> handler. Serving may make more keys ready (BLMOVE pushes to its
/// destination); those are handled in the same call. Deadlines are checked when a one-shot timer armed for the
/// earliest one fires, and by a cron task at hz as a backstop (<see cref="CheckTimeouts"/>): Redis checks its
/// timeout table before every sleep, so a 0.1 s timeout fires after about 0.1 s. A timed-out client gets a null
/// array (RESP2 <c>*-1</c>, RESP3 <c>_</c>), as replyToBlockedClientTimedOut answers for lists and sorted sets.
/// Runs on the event loop only, except the timer callback, which only schedules loop work.
/// </summary>
/// <remarks>
/// Another blocking type (sorted sets: BZPOPMIN, BZPOPMAX, BZMPOP) plugs in by writing its own serve handler
/// and calling <see cref="Block"/>; its write commands already signal readiness through KeyModified. SWAPDB
/// should call <see cref="SignalAllWaitedKeys"/> for both databases, as Redis 7.0 does, so clients whose keys the
/// swap brought in are served.
/// </remarks>
internal sealed class BlockingKeys : IDisposable
{
    private readonly Keyspace _keyspace;
    private readonly EventLoop _loop;
    private readonly Timer _timer;
    private readonly TimeoutWork _timeoutWork;
    private long _timerDueAt = long.MaxValue;
    private readonly Dictionary<byte[], LinkedList<BlockedWait>>?[] _byDb;
    private readonly PriorityQueue<BlockedWait, long> _deadlines = new();
    private readonly Action<Database, ReadOnlySpan<byte>> _signal;
    private List<(Database Db, byte[] Key)> _ready = [];
    private List<(Database Db, byte[] Key)> _readySpare = [];
    private readonly HashSet<(int Db, byte[] Key)> _readySet = new(ReadyKeyComparer.Instance);
    private int _doneDeadlines;

    public BlockingKeys(Keyspace keyspace, EventLoop loop)
    {
        _keyspace = keyspace;
        _loop = loop;
        _timeoutWork = new TimeoutWork(this);
        _timer = new Timer(static state => ((BlockingKeys)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        _byDb = new Dictionary<byte[], LinkedList<BlockedWait>>?[keyspace.Databases.Length];
        _signal = SignalKeyAsReady;
    }

    /// <summary>Clients blocked right now (INFO clients blocked_clients).</summary>
    public int BlockedClients { get; private set; }

    /// <summary>Whether keys made ready by the last command wait for <see cref="HandleReadyKeys"/>.</summary>
    public bool HasReadyKeys => _ready.Count != 0;

    /// <summary>
    /// Parks <paramref name="wait"/>'s client on its keys (blockForKeys). The caller has written no reply; the
    /// client's next reply is the one its serve handler, a timeout, CLIENT UNBLOCK writes.
    /// </summary>
    public void Block(BlockedWait wait)
    {
        Dictionary<byte[], LinkedList<BlockedWait>> keys = _byDb[wait.Db.Id] ??= new(ByteArrayComparer.Instance);
        for (int i = 0; i < wait.Keys.Length; i++)
        {
            byte[] key = wait.Keys[i];
            if (!keys.TryGetValue(key, out LinkedList<BlockedWait>? queue))
            {
                queue = new LinkedList<BlockedWait>();
                keys.Add(key, queue);
            }
            else if (IsWaitingOn(queue, wait))
            {
                continue; // BLPOP k k 0 waits once (blockForKeys skips keys already in bpop.keys)
            }
            wait.Nodes[i] = queue.AddLast(wait);
        }
        if (wait.Deadline != 0)
        {
            _deadlines.Enqueue(wait, wait.Deadline);
            ArmTimer();
        }
        wait.Client.Blocked = wait;
        wait.Client.IsBlocked = true;
        if (BlockedClients++ == 0) _keyspace.KeyReadyListener = _signal;
    }

    private static bool IsWaitingOn(LinkedList<BlockedWait> queue, BlockedWait wait) =>
        queue.Last is { } last && ReferenceEquals(last.Value, wait);

    /// <summary>
    /// Notes that <paramref name="key"/> of <paramref name="db"/> changed (signalKeyAsReady): if anyone waits on
    /// it, it is queued once for <see cref="HandleReadyKeys"/>. Cheap when nobody waits on that database.
    /// </summary>
    public void SignalKeyAsReady(Database db, ReadOnlySpan<byte> key)
    {
        Dictionary<byte[], LinkedList<BlockedWait>>? keys = _byDb[db.Id];
        if (keys is null || keys.Count == 0) return;
        if (!keys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out byte[]? stored, out _)) return;
        if (_readySet.Add((db.Id, stored))) _ready.Add((db, stored));
    }

    /// <summary>
    /// scanDatabaseForReadyKeys, for SWAPDB and FLUSHDB/FLUSHALL callers: offers every key waited on in
    /// <paramref name="db"/> again, since the data under the database changed wholesale. The clients are served
    /// when the calling command finishes.
    /// </summary>
    public void SignalAllWaitedKeys(Database db)
    {
        Dictionary<byte[], LinkedList<BlockedWait>>? keys = _byDb[db.Id];
        if (keys is null) return;
        foreach (byte[] key in keys.Keys)
            if (_readySet.Add((db.Id, key))) _ready.Add((db, key));
    }

    /// <summary>
    /// handleClientsBlockedOnKeys: serves the clients waiting on every ready key, oldest first, until no key is
    /// ready. A client that cannot be served (the key is gone, empty or of another type) keeps its place.
    /// </summary>
    public void HandleReadyKeys()
    {
        while (_ready.Count != 0)
        {
            // Swap so keys made ready while serving (BLMOVE's destination) are handled in the next round.
            List<(Database Db, byte[] Key)> round = _ready;
            _ready = _readySpare;
            _readySpare = round;
            _readySet.Clear();
            _keyspace.RefreshClock();
            foreach ((Database db, byte[] key) in round) ServeKey(db, key);
            round.Clear();
        }
    }

    private void ServeKey(Database db, byte[] key)
    {
        Dictionary<byte[], LinkedList<BlockedWait>>? keys = _byDb[db.Id];
        if (keys is null || !keys.TryGetValue(key, out LinkedList<BlockedWait>? queue)) return;
        // Each waiter is offered the key once: served ones leave, the others rotate to the tail, which keeps
        // their relative order (serveClientsBlockedOnListKey's listRotateHeadToTail).
        for (int n = queue.Count; n > 0 && queue.First is { } node; n--)
        {
            BlockedWait wait = node.Value;
            if (wait.Client.ServeBlocked(wait, db, key))
            {
                Unblock(wait);
                wait.Client.Connection.Wake();
            }
            else if (queue.Count > 1)
            {
                queue.RemoveFirst();
                queue.AddLast(node);
            }
        }
    }

    /// <summary>Timeout cron task: the backstop for <see cref="CheckTimeouts()"/>.</summary>
    public void CheckTimeouts(RedisServer server) => CheckTimeouts();

    /// <summary>
    /// handleBlockedClientsTimeout: every client past its deadline gets its timeout reply (the null array) and runs again.
    /// </summary>
    public void CheckTimeouts()
    {
        long now = Environment.TickCount64;
        while (_deadlines.TryPeek(out BlockedWait? wait, out long deadline) && deadline <= now)
        {
            _deadlines.Dequeue();
            if (wait.Done)
            {
                _doneDeadlines--;
                continue;
            }
            WriteTimeoutReply(wait);
            Unblock(wait, dequeued: true);
            wait.Client.Connection.Wake();
        }
    }

    /// <summary>replyToBlockedClientTimedOut: the null array, or the wait's own reply.</summary>
    private static void WriteTimeoutReply(BlockedWait wait)
    {
        if (wait.TimeoutReply is { } reply) wait.Client.Reply.WriteRaw(reply);
        else wait.Client.Reply.WriteNullArray();
    }

    /// <summary>Arms the timer for the earliest deadline unless it is already due earlier (loop thread).</summary>
    private void ArmTimer()
    {
        if (!_deadlines.TryPeek(out _, out long deadline) || deadline >= _timerDueAt) return;
        _timerDueAt = deadline;
        try
        {
            _timer.Change(Math.Max(0, deadline - Environment.TickCount64), Timeout.Infinite);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Timer thread: hands the timeout check to the loop.</summary>
    private void OnTimer()
    {
        try
        {
            _loop.Schedule(_timeoutWork);
        }
        catch (ObjectDisposedException)
        {
            // The server stopped.
        }
    }

    public void Dispose() => _timer.Dispose();

    private sealed class TimeoutWork(BlockingKeys owner) : ILoopWork
    {
        public void Run()
        {
            owner._timerDueAt = long.MaxValue;
            owner.CheckTimeouts();
            owner.ArmTimer();
        }
    }

    /// <summary>
    /// CLIENT UNBLOCK: answers <paramref name="client"/>'s blocked command with the timeout reply, or with
    /// "-UNBLOCKED client unblocked via CLIENT UNBLOCK" when <paramref name="error"/>, and lets it run again.
    /// </summary>
    /// <returns>False when the client is not blocked.</returns>
    public bool UnblockByRequest(Client client, bool error)
    {
        if (client.Blocked is not { } wait) return false;
        if (error) client.Reply.WriteError("UNBLOCKED client unblocked via CLIENT UNBLOCK"u8);
        else WriteTimeoutReply(wait);
        Unblock(wait);
        client.Connection.Wake();
        return true;
    }

    /// <summary>Forgets a client that disconnected while blocked (no reply).</summary>
    public void ClientGone(Client client)
    {
        if (client.Blocked is { } wait) Unblock(wait);
    }

    /// <summary>Takes <paramref name="wait"/> off every queue and marks the client runnable (unblockClient).</summary>
    private void Unblock(BlockedWait wait, bool dequeued = false)
    {
        if (wait.Done) return;
        wait.Done = true;
        Dictionary<byte[], LinkedList<BlockedWait>> keys = _byDb[wait.Db.Id]!;
        for (int i = 0; i < wait.Keys.Length; i++)
        {
            LinkedListNode<BlockedWait>? node = wait.Nodes[i];
            if (node is null) continue;
            LinkedList<BlockedWait> queue = node.List!;
            queue.Remove(node);
            if (queue.Count == 0) keys.Remove(wait.Keys[i]);
            wait.Nodes[i] = null;
        }
        if (wait.Deadline != 0 && !dequeued && ++_doneDeadlines > 1024 && _doneDeadlines > _deadlines.Count / 2) PurgeDeadlines();
        wait.Client.Blocked = null;
        wait.Client.IsBlocked = false;
        if (--BlockedClients == 0) _keyspace.KeyReadyListener = null;
    }

    /// <summary>Drops the entries of waits that ended before their deadline, so the queue stays small.</summary>
    private void PurgeDeadlines()
    {
        var live = new List<(BlockedWait, long)>(_deadlines.Count - _doneDeadlines);
        foreach ((BlockedWait wait, long deadline) in _deadlines.UnorderedItems)
            if (!wait.Done) live.Add((wait, deadline));
        _deadlines.Clear();
        _deadlines.EnqueueRange(live);
        _doneDeadlines = 0;
    }

    private sealed class ReadyKeyComparer : IEqualityComparer<(int Db, byte[] Key)>
    {
        public static readonly ReadyKeyComparer Instance = new();

        public bool Equals((int Db, byte[] Key) x, (int Db, byte[] Key) y) => x.Db == y.Db && ReferenceEquals(x.Key, y.Key);

        public int GetHashCode((int Db, byte[] Key) obj) =>
            HashCode.Combine(obj.Db, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Key));
    }
}
