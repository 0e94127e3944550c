using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using RedisFast.Networking;
using RedisFast.Protocol;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// A client's command-level state (Redis's <c>client</c> struct): selected database, protocol version, name,
/// the arguments of the command being executed and the reply writer. Dispatch happens here: command lookup,
/// arity check, then the handler. Runs on the event loop only.
/// </summary>
internal sealed partial class Client
{
    private readonly RedisServer _server;

    public Client(RedisServer server, Connection connection, CommandArguments args, ReplyWriter reply)
    {
        _server = server;
        Connection = connection;
        Args = args;
        Reply = reply;
        Db = server.Keyspace.Databases[0];
        CreatedAt = Environment.TickCount64;
        LastInteraction = CreatedAt;
        SetDefaultAuth();
    }

    public RedisServer Server => _server;

    public Connection Connection { get; }

    /// <summary>
    /// Arguments of the command being executed; index 0 is the command name. While EXEC runs a queued command
    /// these are that command's saved arguments.
    /// </summary>
    public CommandArguments Args { get; private set; }

    public ReplyWriter Reply { get; }

    /// <summary>The selected database.</summary>
    public Database Db { get; private set; }

    /// <summary>Unique, increasing client id (CLIENT ID).</summary>
    public long Id { get; set; }

    /// <summary>CLIENT SETNAME; null when unset.</summary>
    public string? Name { get; set; }

    /// <summary>CLIENT SETINFO-style library fields (HELLO SETNAME sets Name only).</summary>
    public long CreatedAt { get; }

    /// <summary>
    /// Environment.TickCount64 of the connection's last read or send (CLIENT LIST idle, the timeout config): Redis
    /// sets lastinteraction per read and write, not per command.
    /// </summary>
    public long LastInteraction { get; set; }

    /// <summary>redactClientCommandArgument: the current command's argument shows as "(redacted)" in the SLOWLOG.</summary>
    public void RedactArgument(int index)
    {
        if (index < 64) _redacted |= 1UL << index;
    }

    private ulong _redacted;

    /// <summary>The client scripts run their commands as (Redis's lua client, CLIENT_SCRIPT).</summary>
    public bool IsScript { get; internal set; }

    /// <summary>
    /// mustObeyClient: the AOF loader's client, whose commands replay what was already acknowledged: maxmemory neither
    /// evicts for them nor refuses them.
    /// </summary>
    public bool MustObey { get; internal set; }

    /// <summary>
    /// CLIENT_DENY_BLOCKING: in MULTI or a script, a blocking command answers at once as if its timeout had passed.
    /// </summary>
    public bool DenyBlocking => InMulti || IsScript;

    /// <summary>In MONITOR mode (CLIENT_MONITOR): sent every command the server runs.</summary>
    public bool IsMonitor { get; private set; }

    /// <summary>
    /// MONITOR: this client starts receiving the feed (once; a second MONITOR answers nothing, as in Redis). Not inside
    /// MULTI (CLIENT_DENY_BLOCKING): such a client expects one reply per command.
    /// </summary>
    internal void StartMonitoring()
    {
        if (IsMonitor) return;
        if (InMulti)
        {
            Reply.WriteError("ERR MONITOR isn't allowed for DENY BLOCKING client"u8);
            return;
        }
        IsMonitor = true;
        _server.Monitors.Add(this);
        Reply.WriteOk();
    }

    /// <summary>
    /// Authenticated as the default user (c->authenticated): from the start when no requirepass is set, else once
    /// AUTH or HELLO ... AUTH gave the password. Setting requirepass later leaves connected clients authenticated;
    /// clearing it lets everyone in (the check reads the config), as in Redis.
    /// </summary>
    public bool Authenticated { get; set; }

    /// <summary>clientSetDefaultAuth: authenticated exactly when the default user has no password (connect, RESET).</summary>
    public void SetDefaultAuth() => Authenticated = _server.Config.RequirePass.Length == 0;

    /// <summary>The last command executed (CLIENT LIST cmd).</summary>
    public CommandDefinition? LastCommand { get; private set; }

    /// <summary>Close the connection once the replies written so far are sent (QUIT, protocol errors, CLIENT KILL).</summary>
    public bool CloseAfterReply { get; set; }

    /// <summary>
    /// CLIENT PAUSE holds this client's current command (BLOCKED_POSTPONE): it is still in the receive buffer, unexecuted,
    /// and runs again when the pause ends (<see cref="ClientPause"/>).
    /// </summary>
    public bool Postponed { get; internal set; }

    /// <summary>Whether the client waits in a blocking command (no further commands are read).</summary>
    public bool IsBlocked { get; set; }

    /// <summary>The blocking command this client waits in (set and cleared by <see cref="BlockingKeys"/>), or null.</summary>
    public BlockedWait? Blocked { get; set; }


    // Nesting of Execute (EXEC may run its queued commands through it): blocked clients are served when the
    // outermost command finishes.
    private int _executeDepth;

    /// <summary>Tick at which the output buffer first went over the soft limit, or 0.</summary>
    public long SoftLimitSince { get; set; }

    public int Argc => Args.Count;

    public void Select(int index) => Db = _server.Keyspace.Databases[index];

    /// <summary>CLIENT REPLY's state (CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP, CLIENT_REPLY_SKIP_NEXT).</summary>
    [Flags]
    internal enum ReplyMode : byte
    {
        On = 0,
        Off = 1,
        Skip = 2,
        SkipNext = 4,
    }

    /// <summary>
    /// CLIENT REPLY ON/OFF/SKIP: whether this client's replies are dropped (its MONITOR feed too; pub/sub messages and
    /// subscription replies still go out, as in Redis 7.0, which pushes them past CLIENT_REPLY_OFF).
    /// </summary>
    internal ReplyMode Replies { get; set; }

    /// <summary>prepareClientToWrite's CLIENT_REPLY_OFF / CLIENT_REPLY_SKIP test: nothing may be written to this client now.</summary>
    public bool RepliesSuppressed => (Replies & (ReplyMode.Off | ReplyMode.Skip)) != 0;

    /// <summary>Looks the command up, checks its arity and runs it.</summary>
    public void Execute()
    {
        if (Replies != ReplyMode.On)
        {
            ExecuteWithReplyMode();
            return;
        }
        ExecuteCommand();
        // CLIENT REPLY OFF or SKIP just ran.
        if (Replies != ReplyMode.On && !Postponed) AfterCommandReplyMode();
    }

    /// <summary>
    /// A command under CLIENT REPLY OFF or SKIP: its reply is dropped unless the command turned replies back on
    /// (CLIENT REPLY ON answers OK) or is a (un)subscription, whose replies Redis 7.0 pushes past CLIENT_REPLY_OFF;
    /// then resetClient's rule: SKIP lasts one command, and CLIENT REPLY SKIP's own command is not the one skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ExecuteWithReplyMode()
    {
        long pending = Connection.Output.Pending;
        ExecuteCommand();
        // A postponed command has not run yet: SKIP still applies to it.
        if (Postponed) return;
        if (RepliesSuppressed && !IsSubscription(Args[0])) Connection.Output.Truncate(pending);
        AfterCommandReplyMode();
    }

    private static bool IsSubscription(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "subscribe"u8) || Ascii.EqualsIgnoreCase(name, "psubscribe"u8) || Ascii.EqualsIgnoreCase(name, "ssubscribe"u8)
        || Ascii.EqualsIgnoreCase(name, "unsubscribe"u8) || Ascii.EqualsIgnoreCase(name, "punsubscribe"u8) || Ascii.EqualsIgnoreCase(name, "sunsubscribe"u8);

    private void AfterCommandReplyMode()
    {
        ReplyMode mode = Replies & ~ReplyMode.Skip;
        if ((mode & ReplyMode.SkipNext) != 0) mode = (mode & ~ReplyMode.SkipNext) | ReplyMode.Skip;
        Replies = mode;
    }

    private void ExecuteCommand()
    {
        ReadOnlySpan<byte> name = Args[0];
        if (IsQuit(name))
        {
            // Redis 7.0 handles QUIT before the command table (server.c, processCommand).
            Reply.WriteOk();
            CloseAfterReply = true;
            return;
        }
        CommandDefinition? command = _server.Commands.Find(name);
        if (command is null)
        {
            RejectUnknownCommand();
            return;
        }
        if (command.Subcommands is not null && Args.Count >= 2)
        {
            CommandDefinition? sub = command.Subcommands.Find(Args[1]);
            if (sub is null)
            {
                Reject(command, $"ERR unknown subcommand '{Truncate(Args[1], 128)}'. Try {command.Name.ToUpperInvariant()} HELP.");
                return;
            }
            command = sub;
        }
        if ((command.Arity > 0 && command.Arity != Args.Count) || Args.Count < -command.Arity)
        {
            Reject(command, $"ERR wrong number of arguments for '{command.FullName}' command");
            return;
        }
        // authRequired (server.c processCommand): after the lookup and arity checks, before everything else.
        if (!Authenticated && (command.Flags & CommandFlags.NoAuth) == 0 && _server.Config.RequirePass.Length != 0)
        {
            Reject(command, "NOAUTH Authentication required.");
            return;
        }
        // processCommand: DEBUG and MODULE need enable-debug-command / enable-module-command.
        if (command.ProtectedBy is not null && DebugCommands.ProtectedRejection(this, command) is { } rejection)
        {
            Reject(command, rejection);
            return;
        }
        // processCommand: with maxmemory set, evictions before every command, and OOM for those that may add memory.
        if (_server.Config.MaxMemory != 0 && !MustObey && IsDeniedByMemory(command)) return;
        // The AOF: null while appendonly is off, so the path without it (and without a failed BGSAVE) costs two checks.
        Persistence.Propagator? propagator = _server.Aof.Propagator;
        if ((propagator is not null || !_server.Rdb.LastBackgroundSaveOk) && IsDeniedByDiskError(command)) return;
        // server.c processCommand, after the disk error check: writes need min-replicas-to-write good replicas.
        if ((command.Flags & CommandFlags.Write) != 0 && _server.Config.NeedsReplicasToWrite)
        {
            Reject(command, "NOREPLICAS Not enough good replicas to write.");
            return;
        }
        // processCommand: a MONITOR client is a replica to Redis, which may not touch the keyspace.
        if (IsMonitor && (command.Flags & (CommandFlags.Write | CommandFlags.ReadOnly | CommandFlags.MayReplicate)) != 0)
        {
            Reject(command, "ERR Replica can't interact with the keyspace");
            return;
        }
        LastCommand = command;
        // processCommand: CLIENT PAUSE postpones what it covers (before a transaction would queue it).
        if (_server.Pause.Mode != PauseMode.None && !MustObey && IsPostponedByPause(command)) return;
        // One test covers MULTI and RESP2 subscribed mode, so ordinary commands pay a single branch.
        if ((InMulti | IsSubscribed) && !PassesContextChecks(command)) return;
        Call(command);
    }

    /// <summary>Runs a looked-up, arity-checked command and counts it (Redis's call()).</summary>
    private void Call(CommandDefinition command)
    {
        long start = _server.Stats.CommandClock;
        _redacted = 0;
        long errorsBefore = Reply.ErrorCount;
        long pendingBefore = Connection.Output.Pending;
        Persistence.Propagator? propagator = _server.Aof.Propagator;
        long dirtyBefore = _server.Keyspace.Dirty;
        long aofHeadBefore = propagator is null ? 0 : propagator.Head;
        _executeDepth++;
        // Read-only commands skip the copy-on-write of a running AOF rewrite (KeyTable indexer); everything else pays it.
        _server.Keyspace.ReadOnlyCommand = (command.Flags & CommandFlags.ReadOnly) != 0;
        try
        {
            command.Handler!(this);
        }
        catch (Exception ex)
        {
            HandlerFailed(command, ex, pendingBefore);
        }
        _server.Keyspace.ReadOnlyCommand = false;
        _executeDepth--;
        // A command EXEC runs after a CLIENT REPLY OFF in the same transaction: its reply goes nowhere, as in Redis
        // (whose EXEC array then misses elements). Top-level commands are handled by ExecuteWithReplyMode.
        if (Replies != ReplyMode.On && _executeDepth > 0 && RepliesSuppressed) Connection.Output.Truncate(pendingBefore);
        if (propagator is not null) Propagate(propagator, dirtyBefore, aofHeadBefore);
        long end = Stopwatch.GetTimestamp();
        _server.Stats.CommandClock = end;
        command.ElapsedTicks += end - start;
        // call(): the command's latency histogram (latency-tracking), in whole microseconds as Redis measures them.
        if (_server.Config.LatencyTracking && !IsBlocked)
            (command.Latency ??= new CommandLatency()).Record((long)((end - start) * (1_000_000.0 / Stopwatch.Frequency)));
        long slowerThan = _server.Config.SlowlogLogSlowerThan;
        if (slowerThan >= 0 && (command.Flags & CommandFlags.SkipSlowlog) == 0 && !IsBlocked)
        {
            // call(): slowlogPushCurrentCommand with the duration in microseconds. (A blocked command, which Redis
            // logs when it is served, is not logged.)
            long micros = (long)((end - start) * (1_000_000.0 / Stopwatch.Frequency));
            if (micros >= slowerThan) _server.SlowLog.Push(this, micros, _redacted, _server.Config.SlowlogMaxLen);
        }
        if (_server.Monitors.Any && (command.Flags & (CommandFlags.Admin | CommandFlags.SkipMonitor)) == 0)
            _server.Monitors.Feed(this, Args, _redacted);
        command.Calls++;
        if (Reply.ErrorCount != errorsBefore) command.FailedCalls++;
        _server.Stats.CommandsProcessed++;
        // handleClientsBlockedOnKeys runs after the command that made keys ready (server.c, processCommand).
        if (_executeDepth == 0 && _server.Blocking.HasReadyKeys) ServeBlockedClients();
        // Between commands the keys' byte counts may be settled (KeyspaceMemory): in batches, or when read.
        if (_server.Keyspace.Memory.ShouldSettle) _server.Keyspace.Memory.Settle();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ServeBlockedClients() => _server.Blocking.HandleReadyKeys();

    /// <summary>
    /// A script's redis.call (script client only): runs a looked-up, arity-checked command with
    /// <paramref name="args"/> as its arguments; the reply goes to this client's output.
    /// </summary>
    internal void RunForScript(CommandDefinition command, CommandArguments args)
    {
        CommandArguments own = Args;
        Args = args;
        LastCommand = command;
        try
        {
            Call(command);
        }
        finally
        {
            Args = own;
        }
    }

    /// <summary>
    /// A script starts (script client only): until <see cref="ExitScript"/>, clients blocked on keys it makes ready are
    /// served after the script, not between its commands (the script is atomic).
    /// </summary>
    internal void EnterScript() => _executeDepth++;

    internal void ExitScript() => _executeDepth--;

    /// <summary>
    /// A handler threw: that is a bug. Log it and answer an error; if the handler had already written part of a
    /// reply the stream can no longer be trusted, so the connection closes after the error.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void HandlerFailed(CommandDefinition command, Exception ex, long pendingBefore)
    {
        _server.Log.Warning($"Internal error executing '{command.FullName}' for client {Describe()}: {ex}");
        if (Connection.Output.Pending != pendingBefore) CloseAfterReply = true;
        Reply.WriteError($"ERR internal error executing '{command.FullName}': {ex.GetType().Name}");
    }

    /// <summary>
    /// After a command with the AOF on: logs it if it changed the data set, and under appendfsync always makes the
    /// connection hold its replies until what this command appended (expired-key DELs included) is fsynced.
    /// </summary>
    private void Propagate(Persistence.Propagator propagator, long dirtyBefore, long aofHeadBefore)
    {
        propagator.AfterCommand(this, dirtyBefore);
        if (propagator.Head != aofHeadBefore && _server.Aof.HoldsReplies) Connection.DurableNeeded = propagator.Head;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool IsPostponedByPause(CommandDefinition command)
    {
        const CommandFlags Replicated = CommandFlags.Write | CommandFlags.MayReplicate;
        bool mayReplicate = (command.Flags & Replicated) != 0 || (command.Name == "exec" && QueuedCommandsHave(Replicated));
        // getCommandFlags: a script that declares its flags may replicate exactly when it may write.
        Scripting.ScriptEngine engine = command.Name is "fcall" or "fcall_ro" ? _server.Functions : _server.Scripts;
        if (mayReplicate && Argc > 1 && engine.DeclaredFlags(command.Name, Args[1]) is { } declared)
            mayReplicate = (declared & Scripting.ScriptFlags.NoWrites) == 0;
        if (!_server.Pause.Holds(this, mayReplicate)) return false;
        Postponed = true;
        _server.Pause.Postpone(this);
        return true;
    }

    /// <summary>
    /// server.c processCommand under maxmemory: evicts what the policy allows (performEvictions); if the memory used is
    /// still over the limit, a command flagged denyoom is refused with OOM, and so is every command a transaction would
    /// queue, and an EXEC whose transaction has a denyoom command. Scripts see the outcome (pre_command_oom_state).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool IsDeniedByMemory(CommandDefinition command)
    {
        bool outOfMemory = _server.Eviction.Perform() == Eviction.Result.Fail;
        _server.OutOfMemoryBeforeCommand = outOfMemory;
        if (!outOfMemory) return false;
        bool reject = (command.Flags & CommandFlags.DenyOom) != 0
            || (InMulti && command.Name is not ("exec" or "discard" or "reset"))
            || (command.Name == "exec" && QueuedCommandsHave(CommandFlags.DenyOom));
        if (!reject) return false;
        Reject(command, "OOM command not allowed when used memory > 'maxmemory'.");
        return true;
    }

    /// <summary>
    /// server.c processCommand: while the last background save failed (stop-writes-on-bgsave-error) or the AOF cannot be
    /// written, write commands (and PING) are refused with MISCONF; reads are served.
    /// </summary>
    private bool IsDeniedByDiskError(CommandDefinition command)
    {
        if ((command.Flags & CommandFlags.Write) == 0 && command.Name != "ping") return false;
        // writeCommandsDeniedByDiskError: a failed background save first, then the AOF.
        string? error = _server.Rdb.WriteError ?? _server.Aof.WriteError;
        if (error is null) return false;
        Reject(command, error);
        return true;
    }

    /// <summary>
    /// Replaces what the AOF logs for the current command (Redis's rewriteClientCommandVector): returns a builder
    /// for <paramref name="argc"/> arguments, or null when the AOF is off (then nothing needs building).
    /// Example: <c>if (c.PropagateAs(3) is { } p) p.Add("PEXPIREAT"u8).Add(key).Add(at);</c>. Only used when the
    /// command changed the data set (<see cref="Storage.Keyspace.Dirty"/>) or <see cref="ForcePropagation"/> was called.
    /// </summary>
    public Persistence.PropagationBuilder? PropagateAs(int argc) => _server.Aof.Propagator?.Override.Begin(argc);

    /// <summary>
    /// Serves this blocked client (BlockingKeys calls it for a ready key) inside the same propagation bracket as a
    /// command: what the serve changed is logged (the handler says how with <see cref="PropagateAs"/>: LPOP, LMOVE,
    /// ZPOPMIN ..., as Redis's serveClientBlockedOnList alsoPropagate), and under appendfsync always the reply waits
    /// for the fsync like any other write's.
    /// </summary>
    internal bool ServeBlocked(BlockedWait wait, Database db, byte[] key)
    {
        Persistence.Propagator? propagator = _server.Aof.Propagator;
        long dirtyBefore = _server.Keyspace.Dirty;
        long aofHeadBefore = propagator is null ? 0 : propagator.Head;
        long pending = Connection.Output.Pending;
        bool served = wait.Serve(wait, db, key);
        if (propagator is not null) Propagate(propagator, dirtyBefore, aofHeadBefore);
        if (RepliesSuppressed) Connection.Output.Truncate(pending);
        return served;
    }

    /// <summary>notifyKeyspaceEvent for <paramref name="key"/> of the selected database (see <see cref="KeyspaceEvents"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Notify(int type, ReadOnlySpan<byte> @event, ReadOnlySpan<byte> key) => KeyspaceEvents.Notify(_server, type, @event, key, Db.Id);

    /// <summary>Logs the current command even though it changed nothing (forceCommandPropagation: FLUSHALL, FLUSHDB).</summary>
    public void ForcePropagation() => _server.Aof.Propagator?.Force();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsQuit(ReadOnlySpan<byte> name) =>
        name.Length == 4 && (name[0] | 0x20) == 'q' && (name[1] | 0x20) == 'u' && (name[2] | 0x20) == 'i' && (name[3] | 0x20) == 't';

    /// <summary>
    /// processCommand's checks for a client in MULTI or subscribed (7.0, server.c, in this order): no-multi commands
    /// are refused in a transaction, a RESP2 subscriber may only run the (un)subscribe family, PING, QUIT and RESET,
    /// and in a transaction every command other than EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is queued.
    /// </summary>
    /// <returns>True when the command is to run now.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PassesContextChecks(CommandDefinition command)
    {
        if (InMulti && (command.Flags & CommandFlags.NoMulti) != 0)
        {
            Reject(command, "ERR Command not allowed inside a transaction");
            return false;
        }
        if (IsSubscribed && Reply.Protocol == 2 && !AllowedWhileSubscribed(command.Name))
        {
            Reject(command, "ERR Can't execute '" + command.FullName
                + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return false;
        }
        if (InMulti && command.Name is not ("exec" or "discard" or "multi" or "watch" or "quit" or "reset"))
        {
            QueueCommand(command);
            Reply.WriteRaw("+QUEUED\r\n"u8);
            return false;
        }
        return true;
    }

    private static bool AllowedWhileSubscribed(string name) => name is "ping" or "subscribe" or "ssubscribe"
        or "unsubscribe" or "sunsubscribe" or "psubscribe" or "punsubscribe" or "quit" or "reset";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RejectUnknownCommand()
    {
        var args = new StringBuilder();
        for (int i = 1; i < Args.Count && args.Length < 128; i++)
            args.Append('\'').Append(Truncate(Args[i], 128 - args.Length)).Append("' ");
        _server.Stats.RejectedCalls++;
        FlagTransaction();
        Reply.WriteError($"ERR unknown command '{Truncate(Args[0], 128)}', with args beginning with: {args}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Reject(CommandDefinition command, string error)
    {
        command.RejectedCalls++;
        _server.Stats.RejectedCalls++;
        FlagTransaction();
        if (command.Name == "exec")
        {
            // rejectCommand → execCommandAbort: the transaction is dropped and the reason quoted, without the "ERR "
            // that Redis's formatted rejections never had.
            DiscardTransaction();
            Reply.WriteError("EXECABORT Transaction discarded because of: " + (error.StartsWith("ERR ", StringComparison.Ordinal) ? error[4..] : error));
            return;
        }
        Reply.WriteError(error);
    }

    private static string Truncate(ReadOnlySpan<byte> bytes, int max) =>
        Encoding.UTF8.GetString(bytes.Length > max ? bytes[..max] : bytes);

    /// <summary>
    /// Whether the output buffer is over client-output-buffer-limit, of the pubsub class for a subscribed client
    /// and the normal class otherwise (networking.c getClientType); logs when it is.
    /// </summary>
    public bool OutputLimitReached()
    {
        OutputBufferLimit limit = IsSubscribed ? _server.Config.OutputBufferLimitPubSub : _server.Config.OutputBufferLimitNormal;
        if (limit.HardBytes == 0 && limit.SoftBytes == 0) return false;
        long used = Connection.Output.Pending;
        if (limit.HardBytes > 0 && used >= limit.HardBytes) return LogLimit();
        if (limit.SoftBytes > 0 && used >= limit.SoftBytes)
        {
            long now = Environment.TickCount64;
            if (SoftLimitSince == 0) SoftLimitSince = now;
            else if (now - SoftLimitSince >= limit.SoftSeconds * 1000L) return LogLimit();
        }
        else
        {
            SoftLimitSince = 0;
        }
        return false;
    }

    private bool LogLimit()
    {
        _server.Log.Warning($"Client {Describe()} scheduled to be closed ASAP for overcoming of output buffer limits.");
        return true;
    }

    /// <summary>CLIENT NO-EVICT: excluded from client eviction (maxmemory-clients); shown as flag 'e'.</summary>
    public bool NoEvict { get; set; }

    /// <summary>
    /// One CLIENT LIST / CLIENT INFO line (without the trailing newline), with Redis 7.0's fields in its order
    /// (networking.c, catClientInfoString). Memory figures are RedisFast's own: the receive slab stands for the
    /// query buffer, the output slabs for the reply buffer and list.
    /// </summary>
    public string Describe()
    {
        long now = Environment.TickCount64;
        string cmd = LastCommand is null ? "NULL" : LastCommand.FullName;
        long argvMem = 0;
        for (int i = 0; i < Args.Count; i++) argvMem += Args.LengthOf(i);
        int qbuf = Connection.QueryBufferLength;
        long pending = Connection.Output.Pending;
        // Redis fills a 16 KB static reply buffer (obl) before it queues reply blocks (oll, omem).
        long obl = Math.Min(pending, 16 * 1024);
        long omem = pending - obl;
        long totMem = Connection.QueryBufferCapacity + Connection.Output.Capacity + argvMem;
        var line = new StringBuilder(320);
        line.Append("id=").Append(Id)
            .Append(" addr=").Append(Connection.RemoteAddress)
            .Append(" laddr=").Append(Connection.LocalAddress)
            .Append(" fd=").Append(Connection.Fd)
            .Append(" name=").Append(Name)
            .Append(" age=").Append((now - CreatedAt) / 1000)
            .Append(" idle=").Append((now - LastInteraction) / 1000)
            .Append(" flags=").Append(Flags())
            .Append(" db=").Append(Db.Id)
            .Append(" sub=").Append(PubSubChannels?.Count ?? 0)
            .Append(" psub=").Append(PubSubPatterns?.Count ?? 0)
            .Append(" ssub=").Append(PubSubShardChannels?.Count ?? 0)
            .Append(" multi=").Append(InMulti ? QueuedCount : -1)
            .Append(" qbuf=").Append(qbuf)
            .Append(" qbuf-free=").Append(Math.Max(0, Connection.QueryBufferCapacity - qbuf))
            .Append(" argv-mem=").Append(argvMem)
            .Append(" multi-mem=").Append(MultiMemory)
            .Append(" rbs=").Append(Connection.QueryBufferCapacity)
            .Append(" rbp=").Append(Connection.QueryBufferCapacity)
            .Append(" obl=").Append(obl)
            .Append(" oll=").Append(omem > 0 ? 1 : 0)
            .Append(" omem=").Append(omem)
            .Append(" tot-mem=").Append(totMem)
            .Append(" events=r")
            .Append(" cmd=").Append(cmd)
            .Append(" user=default redir=-1")
            .Append(" resp=").Append(Reply.Protocol);
        return line.ToString();
    }

    /// <summary>CLIENT LIST flags, in the order of networking.c's getClientInfoString; "N" when none.</summary>
    private string Flags()
    {
        var flags = new StringBuilder(4);
        if (IsMonitor) flags.Append('O');
        if (IsSubscribed) flags.Append('P');
        if (InMulti) flags.Append('x');
        if (IsBlocked) flags.Append('b');
        if (DirtyCas) flags.Append('d');
        if (CloseAfterReply) flags.Append('c');
        if (NoEvict) flags.Append('e');
        return flags.Length == 0 ? "N" : flags.ToString();
    }
}
