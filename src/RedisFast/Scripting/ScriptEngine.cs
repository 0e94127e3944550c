using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using RedisFast.Commands;
using RedisFast.Networking;
using RedisFast.Protocol;
using RedisFast.Server;
using static RedisFast.Scripting.LuaApi;

namespace RedisFast.Scripting;

/// <summary>
/// A Lua state and what runs on it (Redis 7.0 script.c, script_lua.c): the server keeps one for EVAL (the script
/// cache, ScriptEngine.Eval.cs) and one for functions (ScriptEngine.Functions.cs), as Redis keeps two. This part holds
/// the state (Sandbox.lua's environment), the run of a script, the hook, and the conversion of results; redis.call
/// (ScriptEngine.Callbacks.cs) runs a command as the engine's own client and converts its reply to Lua values. Runs on
/// the event loop only; a script runs to its end with nothing in between. Writes propagate as their effects (Redis 7.0
/// replicates nothing else), wrapped in MULTI ... EXEC when more than one.
/// </summary>
internal sealed unsafe partial class ScriptEngine : IDisposable
{
    // The script running on this thread (each server's loop is one thread at a time; a script never runs another).
    [ThreadStatic] private static ScriptEngine? t_running;

    private static readonly Lazy<Thunks> s_thunks = new(() => new Thunks());

    private readonly RedisServer _server;
    private readonly Client _client;
    private readonly CommandArguments _args = new();
    private byte[] _argBuffer = new byte[256];
    private byte[] _replyBuffer = new byte[256];
    private nint _l;

    // State of the running script.
    private bool _readOnly;
    private bool _mayUseMemory;  // SCRIPT_ALLOW_OOM, or the AOF loader's script: no OOM refusal
    private bool _wrote;         // SCRIPT_WRITE_DIRTY: a write command ran
    private int _replicate;
    // rand.c's generator state, process-wide in Redis and never reseeded but by math.randomseed: its initial X2 X1 X0.
    private ulong _rand48 = 0x1234_ABCD_330E;

    public ScriptEngine(RedisServer server)
    {
        _server = server;
        var connection = new Connection(server, null);
        _client = connection.Client;
        _client.IsScript = true;
    }

    /// <summary>used_memory_lua: what the Lua state holds (lua_gc LUA_GCCOUNT, as Redis reports it).</summary>
    public long LuaMemory => _l == 0 ? 0 : Gc(_l, GcCount, 0) * 1024L + Gc(_l, GcCountBytes, 0);

    /// <summary>
    /// script.c scriptPrepareForRun for scripts that declare their flags (a shebang, every function): one that may
    /// write is refused while the disk fails and under a read-only command. Legacy scripts are checked per command.
    /// </summary>
    private bool MayRun(Client c, ScriptFlags flags, bool readOnlyCommand)
    {
        if ((flags & (ScriptFlags.EvalCompatMode | ScriptFlags.NoWrites)) != 0) return true;
        // processCommand refuses such a script as a denyoom command (getCommandFlags: no no-writes, no allow-oom).
        if ((flags & ScriptFlags.AllowOom) == 0 && _server.Config.MaxMemory != 0 && _server.OutOfMemoryBeforeCommand && !c.MustObey)
        {
            c.Reply.WriteError("OOM command not allowed when used memory > 'maxmemory'."u8);
            return false;
        }
        if (_server.Rdb.WriteError is not null)
        {
            c.Reply.WriteError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts."u8);
            return false;
        }
        if (_server.Aof.WriteError is { } aofError)
        {
            c.Reply.WriteError(aofError);
            return false;
        }
        if (readOnlyCommand)
        {
            c.Reply.WriteError("ERR Can not execute a script with write flag using *_ro command."u8);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Calls the Lua function on the stack (above the error handler, below its <paramref name="arguments"/>) as a
    /// script named <paramref name="name"/>, and writes its result or error as <paramref name="c"/>'s reply; the stack
    /// is then back at <paramref name="top"/>. The script's writes propagate as one transaction.
    /// </summary>
    private void Invoke(Client c, string name, ScriptFlags flags, bool readOnlyCommand, int arguments, int top)
    {
        nint l = _l;
        _readOnly = readOnlyCommand || (flags & ScriptFlags.NoWrites) != 0;
        _mayUseMemory = (flags & ScriptFlags.AllowOom) != 0 || c.MustObey;
        _wrote = false;
        CurrentName = name;
        _replicate = 3;
        _client.Select(c.Db.Id);
        _client.Reply.Protocol = 2;
        Persistence.Propagator? propagator = _server.Aof.Propagator;
        propagator?.BeginTransaction();
        _client.EnterScript();
        ScriptEngine? outer = t_running;
        t_running = this;
        _startedAt = Environment.TickCount64;
        _slowLogged = false;
        _killLogged = false;
        Volatile.Write(ref _running, 1);
        SetHook(l, s_thunks.Value.Hook, MaskCount, HookInstructions);
        int status;
        try
        {
            status = PCall(l, arguments, 1, -(arguments + 2));
        }
        finally
        {
            SetHook(l, 0, 0, 0);
            Volatile.Write(ref _running, 0);
            Volatile.Write(ref _killRequested, 0);
            t_running = outer;
            _client.ExitScript();
            propagator?.EndTransaction();
            propagator?.SkipCurrent();
        }
        if (status == 0) WriteResult(c, 0);
        else WriteError(c, name);
        SetTop(l, top);
        // eval.c luaCallFunction: 50 steps of garbage collection every 50 scripts (LUA_GC_CYCLE_PERIOD), so that Lua
        // does not run a full cycle, with its latency, on its own.
        if (++_runs % 50 == 0) Gc(l, GcStep, 50);
    }

    private long _runs;

    // eval.c: the hook runs every 100,000 instructions (LUA_MASKCOUNT).
    private const int HookInstructions = 100_000;
    private long _startedAt;
    private bool _slowLogged;
    private bool _killLogged;
    private int _running;
    private int _killRequested;
    // FUNCTION LOAD's limit on the run of a library's code (LOAD_TIMEOUT_MS), 0 outside a load or for the AOF loader.
    private long _loadTimeoutMs;

    /// <summary>
    /// Any thread (a shutdown signal): stops the running script, if any, at its next hook, with Redis's SCRIPT KILL
    /// error, so the loop gets to the shutdown. A script holds the loop until it ends: nothing else can stop one that
    /// never does (README "Not there yet").
    /// </summary>
    public void KillRunningScript()
    {
        if (Volatile.Read(ref _running) == 1) Volatile.Write(ref _killRequested, 1);
    }

    /// <summary>
    /// script.c scriptInterrupt through the count hook: logs a script running past busy-reply-threshold once, and
    /// raises the kill error when asked to; from then on the hook runs on every line, so pcall cannot hold it off.
    /// </summary>
    private int OnHook(nint l)
    {
        long elapsed = Environment.TickCount64 - _startedAt;
        if (!_slowLogged && elapsed >= _server.Config.BusyReplyThreshold)
        {
            _slowLogged = true;
            _server.Log.Warning($"Slow script detected: still in execution after {elapsed} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: {CurrentName}.");
        }
        if (_loadTimeoutMs > 0 && elapsed > _loadTimeoutMs)
        {
            // function_lua.c luaEngineLoadHook
            SetHook(l, s_thunks.Value.Hook, MaskLine, 0);
            PushErrorTable(l, "FUNCTION LOAD timeout"u8);
            return -1;
        }
        if (Volatile.Read(ref _killRequested) == 0) return 0;
        if (!_killLogged) _server.Log.Warning("Lua script killed by user with SCRIPT KILL.");
        _killLogged = true;
        SetHook(l, s_thunks.Value.Hook, MaskLine, 0);
        PushErrorTable(l, "Script killed by user with SCRIPT KILL..."u8);
        return -1;
    }

    private string CurrentName { get; set; } = "";

    public void Dispose() => CloseState();

    private void CloseState()
    {
        if (_l == 0) return;
        Close(_l);
        _l = 0;
    }

    // ---- the Lua state ----

    private void EnsureState()
    {
        if (_l != 0) return;
        Thunks thunks = s_thunks.Value;
        nint l = NewState();
        foreach ((string name, nint open) in StandardLibraries)
        {
            PushCClosure(l, open, 0);
            PushString(l, name);
            if (PCall(l, 1, 1, 0) != 0) throw new InvalidOperationException("opening Lua library " + name + ": " + Encoding.UTF8.GetString(ToSpan(l, -1)));
            if (name.Length > 0 && Type(l, -1) == TTable) RawSetField(l, GlobalsIndex, name);
            else Pop(l, 1);
        }
        byte[] sandbox = SandboxSource.Value;
        int status;
        fixed (byte* p = sandbox)
        fixed (byte* name = "=redisfast\0"u8)
        {
            status = LoadBuffer(l, p, (nuint)sandbox.Length, name);
        }
        if (status != 0) throw new InvalidOperationException("Sandbox.lua: " + Encoding.UTF8.GetString(ToSpan(l, -1)));
        CreateTable(l, 0, 12);
        foreach ((string name, nint function) in thunks.Functions)
        {
            PushCClosure(l, function, 0);
            RawSetField(l, -2, name);
        }
        PushString(l, ServerCommands.RedisVersion);
        string[] parts = ServerCommands.RedisVersion.Split('.');
        PushNumber(l, int.Parse(parts[0]) * 65536 + int.Parse(parts[1]) * 256 + int.Parse(parts[2]));
        // The flag names, in the order of their ScriptFlags bits (register_function turns names into bits).
        CreateTable(l, ScriptFlagNames.All.Length, 0);
        for (int i = 0; i < ScriptFlagNames.All.Length; i++)
        {
            PushString(l, ScriptFlagNames.All[i].Name);
            RawSetI(l, -2, i + 1);
        }
        if (PCall(l, 4, 4, 0) != 0) throw new InvalidOperationException("Sandbox.lua: " + Encoding.UTF8.GetString(ToSpan(l, -1)));
        // Returned: the read-only view (the globals of every function compiled from now on), the real table, and the
        // two functions around the run of a library's code for FUNCTION LOAD.
        _l = l;
        SetField(RegistryIndex, "__rf_end_load"u8);
        SetField(RegistryIndex, "__rf_begin_load"u8);
        SetField(RegistryIndex, "__rf_globals"u8);
        Replace(l, GlobalsIndex);
    }

    private static readonly Lazy<byte[]> SandboxSource = new(() =>
    {
        using Stream stream = typeof(ScriptEngine).Assembly.GetManifestResourceStream("RedisFast.Scripting.Sandbox.lua")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Pops the value on top into <c>t[name]</c> of the table at a pseudo-index (registry, globals).</summary>
    private void SetField(int pseudoIndex, ReadOnlySpan<byte> name)
    {
        PushString(_l, name);
        Insert(_l, -2);
        RawSet(_l, pseudoIndex);
    }

    private static string Sha1Hex(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[20];
        Sha1.Hash(body, hash);
        return Convert.ToHexStringLower(hash);
    }

    // ---- results ----

    /// <summary>
    /// script_lua.c luaReplyToRedisReply for the value on top (popped): strings are bulks, numbers integers, true 1 and
    /// false nil (RESP2 scripts), tables errors ({err}), statuses ({ok}), doubles, maps and sets (RESP3) or arrays up to
    /// the first nil.
    /// </summary>
    private void WriteResult(Client c, int depth)
    {
        nint l = _l;
        ReplyWriter reply = c.Reply;
        if (CheckStack(l, 4) == 0 || depth > MaxReplyDepth)
        {
            reply.WriteError("ERR reached lua stack limit");
            Pop(l, 1);
            return;
        }
        switch (Type(l, -1))
        {
            case TString:
                reply.WriteBulk(ToSpan(l, -1));
                break;
            case TBoolean:
                bool value = ToBoolean(l, -1) != 0;
                if (_client.Reply.Protocol == 2)
                {
                    if (value) reply.WriteInteger(1);
                    else reply.WriteNull();
                }
                else
                {
                    reply.WriteBoolean(value);
                }
                break;
            case TNumber:
                reply.WriteInteger(DoubleToLong(ToNumber(l, -1)));
                break;
            case TTable:
                WriteTable(c, depth);
                return;
            default:
                reply.WriteNull();
                break;
        }
        Pop(l, 1);
    }

    // Lua's stack limit (LUAI_MAXCSTACK 8000) stops Redis's recursion at about this depth.
    private const int MaxReplyDepth = 1990;

    private void WriteTable(Client c, int depth)
    {
        nint l = _l;
        ReplyWriter reply = c.Reply;
        if (FieldType("err"u8) == TString)
        {
            bool counted = ErrorWasCounted();
            RawGetField(l, -1, "err"u8);
            reply.WriteError(ToSpan(l, -1), updateStats: !counted);
            Pop(l, 2);
            return;
        }
        if (FieldType("ok"u8) == TString)
        {
            RawGetField(l, -1, "ok"u8);
            ReadOnlySpan<byte> status = ToSpan(l, -1);
            if (status.ContainsAny((byte)'\r', (byte)'\n'))
            {
                byte[] copy = status.ToArray();
                copy.AsSpan().Replace((byte)'\r', (byte)' ');
                copy.AsSpan().Replace((byte)'\n', (byte)' ');
                status = copy;
            }
            reply.WriteSimpleString(status);
            Pop(l, 2);
            return;
        }
        if (FieldType("double"u8) == TNumber)
        {
            RawGetField(l, -1, "double"u8);
            reply.WriteDouble(ToNumber(l, -1));
            Pop(l, 2);
            return;
        }
        if (FieldType("big_number"u8) == TString)
        {
            RawGetField(l, -1, "big_number"u8);
            byte[] number = ToSpan(l, -1).ToArray();
            for (int i = 0; i < number.Length; i++) if (number[i] is (byte)'\r' or (byte)'\n') number[i] = (byte)' ';
            if (reply.Protocol == 3)
            {
                reply.WriteRaw("("u8);
                reply.WriteRaw(number);
                reply.WriteRaw("\r\n"u8);
            }
            else
            {
                reply.WriteBulk(number);
            }
            Pop(l, 2);
            return;
        }
        if (FieldType("verbatim_string"u8) == TTable && WriteVerbatim(reply)) return;
        if (FieldType("map"u8) == TTable)
        {
            RawGetField(l, -1, "map"u8);
            reply.WriteMapHeader(CountPairs());
            PushNil(l);
            while (Next(l, -2) != 0)
            {
                PushValue(l, -2);
                WriteResult(c, depth + 1);
                WriteResult(c, depth + 1);
            }
            Pop(l, 2);
            return;
        }
        if (FieldType("set"u8) == TTable)
        {
            RawGetField(l, -1, "set"u8);
            reply.WriteSetHeader(CountPairs());
            PushNil(l);
            while (Next(l, -2) != 0)
            {
                Pop(l, 1);
                PushValue(l, -1);
                WriteResult(c, depth + 1);
            }
            Pop(l, 2);
            return;
        }
        int count = 0;
        while (true)
        {
            RawGetI(l, -1, count + 1);
            bool end = Type(l, -1) == TNil;
            Pop(l, 1);
            if (end) break;
            count++;
        }
        reply.WriteArrayHeader(count);
        for (int i = 1; i <= count; i++)
        {
            RawGetI(l, -1, i);
            WriteResult(c, depth + 1);
        }
        Pop(l, 1);
    }

    /// <summary>{verbatim_string = {format = ..., string = ...}} on top (popped when written).</summary>
    private bool WriteVerbatim(ReplyWriter reply)
    {
        nint l = _l;
        RawGetField(l, -1, "verbatim_string"u8);
        RawGetField(l, -1, "format"u8);
        RawGetField(l, -2, "string"u8);
        if (Type(l, -2) != TString || Type(l, -1) != TString)
        {
            Pop(l, 3);
            return false;
        }
        ReadOnlySpan<byte> format = ToSpan(l, -2);
        ReadOnlySpan<byte> text = ToSpan(l, -1);
        if (reply.Protocol == 3)
        {
            // addReplyVerbatim: "=len\r\nfmt:text\r\n" with the format cut or padded to three characters.
            Span<byte> header = stackalloc byte[4];
            header.Fill((byte)' ');
            format[..Math.Min(3, format.Length)].CopyTo(header);
            header[3] = (byte)':';
            reply.WriteRaw(Encoding.ASCII.GetBytes($"={text.Length + 4}\r\n"));
            reply.WriteRaw(header);
            reply.WriteRaw(text);
            reply.WriteRaw("\r\n"u8);
        }
        else
        {
            reply.WriteBulk(text);
        }
        Pop(l, 4);
        return true;
    }

    /// <summary>The type of <c>t[name]</c> for the table on top (raw).</summary>
    private int FieldType(ReadOnlySpan<byte> name)
    {
        RawGetField(_l, -1, name);
        int type = Type(_l, -1);
        Pop(_l, 1);
        return type;
    }

    /// <summary>Number of keys of the table on top.</summary>
    private int CountPairs()
    {
        nint l = _l;
        int count = 0;
        PushNil(l);
        while (Next(l, -2) != 0)
        {
            Pop(l, 1);
            count++;
        }
        return count;
    }

    /// <summary>
    /// eval.c luaCallFunction on a failed call: the error table's message, then " script: SHA, on SOURCE:LINE." when
    /// the handler found the position.
    /// </summary>
    private void WriteError(Client c, string sha)
    {
        nint l = _l;
        if (Type(l, -1) != TTable)
        {
            string text = Type(l, -1) is TString or TNumber ? Encoding.UTF8.GetString(ToSpan(l, -1)) : "execution failure";
            c.Reply.WriteError($"ERR Error running script {sha}, {(text.Length > 100 ? text[..100] : text)}");
            return;
        }
        bool counted = ErrorWasCounted();
        RawGetField(l, -1, "err"u8);
        string message = Encoding.UTF8.GetString(ToSpan(l, -1));
        RawGetField(l, -2, "source"u8);
        RawGetField(l, -3, "line"u8);
        if (Type(l, -2) == TString && Type(l, -1) == TNumber)
        {
            string source = Encoding.UTF8.GetString(ToSpan(l, -2));
            message += $" script: {sha}, on {source}:{DoubleToLong(ToNumber(l, -1))}.";
        }
        Pop(l, 3);
        c.Reply.WriteError(Encoding.UTF8.GetBytes(message), updateStats: !counted);
    }

    /// <summary>The error table on top came from a command's reply, already counted in the error stats (ignore_error_stats_update).</summary>
    private bool ErrorWasCounted()
    {
        RawGetField(_l, -1, "ignore_error_stats_update"u8);
        bool counted = ToBoolean(_l, -1) != 0;
        Pop(_l, 1);
        return counted;
    }

    private static long DoubleToLong(double value) =>
        double.IsNaN(value) ? long.MinValue : value >= 9.2233720368547758E18 ? long.MinValue : value < -9.2233720368547758E18 ? long.MinValue : (long)value;

    // ---- rand48 (rand.c: the 48-bit generator of drand48, a = 0x5DEECE66D, c = 0xB) ----

    private static ulong Seed(int seed) => ((ulong)(uint)seed << 16) | 0x330E;

    private int NextRand48()
    {
        _rand48 = (0x5DEECE66DUL * _rand48 + 0xB) & 0xFFFF_FFFF_FFFFUL;
        return (int)(_rand48 >> 17);
    }
}
