using System.Runtime.InteropServices;
using System.Text;
using RedisFast.Commands;
using RedisFast.Networking;
using RedisFast.Protocol;
using static RedisFast.Scripting.LuaApi;

namespace RedisFast.Scripting;

/// <summary>
/// The redis.* functions written in C# (script_lua.c luaRedisGenericCommand and friends). Each is reached through a
/// raising thunk: it returns the number of results, or -1 to raise the error table it left on top of the stack.
/// An exception here would cross native Lua frames, so each entry point catches everything.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    /// <summary>The native entry points, made once per process (Lua keeps plain function addresses).</summary>
    private sealed class Thunks
    {
        public readonly List<(string Name, nint Function)> Functions = [];

        public Thunks()
        {
            (string, nint)[] targets =
            [
                ("call", (nint)(delegate* unmanaged<nint, nint, int>)&CallRaising),
                ("pcall", (nint)(delegate* unmanaged<nint, nint, int>)&CallProtected),
                ("sha1hex", (nint)(delegate* unmanaged<nint, nint, int>)&Sha1HexFunction),
                ("error_reply", (nint)(delegate* unmanaged<nint, nint, int>)&ErrorReplyFunction),
                ("status_reply", (nint)(delegate* unmanaged<nint, nint, int>)&StatusReplyFunction),
                ("log", (nint)(delegate* unmanaged<nint, nint, int>)&LogFunction),
                ("setresp", (nint)(delegate* unmanaged<nint, nint, int>)&SetRespFunction),
                ("set_repl", (nint)(delegate* unmanaged<nint, nint, int>)&SetReplFunction),
                ("acl_check_cmd", (nint)(delegate* unmanaged<nint, nint, int>)&AclCheckFunction),
                ("random", (nint)(delegate* unmanaged<nint, nint, int>)&RandomFunction),
                ("randomseed", (nint)(delegate* unmanaged<nint, nint, int>)&RandomSeedFunction),
                ("struct_pack", (nint)(delegate* unmanaged<nint, nint, int>)&StructPack),
                ("struct_unpack", (nint)(delegate* unmanaged<nint, nint, int>)&StructUnpack),
                ("struct_size", (nint)(delegate* unmanaged<nint, nint, int>)&StructSize),
                ("msgpack_pack", (nint)(delegate* unmanaged<nint, nint, int>)&MsgPackPack),
                ("msgpack_unpack", (nint)(delegate* unmanaged<nint, nint, int>)&MsgPackUnpack),
                ("msgpack_unpack_one", (nint)(delegate* unmanaged<nint, nint, int>)&MsgPackUnpackOne),
                ("msgpack_unpack_limit", (nint)(delegate* unmanaged<nint, nint, int>)&MsgPackUnpackLimit),
            ];
            nint hook = (nint)(delegate* unmanaged<nint, nint, int>)&HookFunction;
            nint[] thunks = RaisingThunks([.. targets.Select(t => t.Item2), hook]);
            for (int i = 0; i < targets.Length; i++) Functions.Add((targets[i].Item1, thunks[i]));
            Hook = thunks[^1];
        }

        /// <summary>The count hook (a lua_Hook) of every script run.</summary>
        public nint Hook { get; }
    }

    private delegate int Body(ScriptEngine engine, nint l);

    /// <summary>Runs a callback body for the running script; anything thrown becomes a raised error (and a logged bug).</summary>
    private static int Enter(nint l, Body body)
    {
        ScriptEngine? engine = t_running;
        if (engine is null) return Raise(l, "redis.* functions can only be called from a running script");
        try
        {
            return body(engine, l);
        }
        catch (Exception ex)
        {
            engine._server.Log.Warning($"Internal error in a script callback: {ex}");
            return Raise(l, "internal error in a script callback: " + ex.GetType().Name);
        }
    }

    [UnmanagedCallersOnly]
    private static int HookFunction(nint l, nint unused) => Enter(l, static (e, l) => e.OnHook(l));

    [UnmanagedCallersOnly]
    private static int CallRaising(nint l, nint unused) => Enter(l, static (e, l) => e.RedisCall(l, raise: true));

    [UnmanagedCallersOnly]
    private static int CallProtected(nint l, nint unused) => Enter(l, static (e, l) => e.RedisCall(l, raise: false));

    [UnmanagedCallersOnly]
    private static int Sha1HexFunction(nint l, nint unused) => Enter(l, static (_, l) =>
    {
        if (GetTop(l) != 1) return Raise(l, "wrong number of arguments");
        PushString(l, Sha1Hex(ToSpan(l, 1)));
        return 1;
    });

    [UnmanagedCallersOnly]
    private static int ErrorReplyFunction(nint l, nint unused) => Enter(l, static (_, l) =>
    {
        if (GetTop(l) != 1 || Type(l, -1) != TString)
        {
            PushErrorTable(l, "wrong number or type of arguments"u8);
            return 1;
        }
        // "add '-' if not exists": the text is then read as "-CODE message".
        ReadOnlySpan<byte> text = ToSpan(l, 1);
        if (text.Length > 0 && text[0] == '-') PushErrorTable(l, text);
        else PushErrorTable(l, [(byte)'-', .. text]);
        return 1;
    });

    [UnmanagedCallersOnly]
    private static int StatusReplyFunction(nint l, nint unused) => Enter(l, static (_, l) =>
    {
        if (GetTop(l) != 1 || Type(l, -1) != TString)
        {
            PushErrorTable(l, "wrong number or type of arguments"u8);
            return 1;
        }
        CreateTable(l, 0, 1);
        PushValue(l, 1);
        RawSetField(l, -2, "ok"u8);
        return 1;
    });

    [UnmanagedCallersOnly]
    private static int LogFunction(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        int argc = GetTop(l);
        if (argc < 2) return Raise(l, "redis.log() requires two arguments or more.");
        if (IsNumber(l, 1) == 0) return Raise(l, "First argument must be a number (log level).");
        double level = ToNumber(l, 1);
        if (level < 0 || level >= 4) return Raise(l, "Invalid debug level.");
        var text = new StringBuilder();
        for (int j = 2; j <= argc; j++)
        {
            if (j != 2) text.Append(' ');
            text.Append(Encoding.UTF8.GetString(ToSpan(l, j)));
        }
        switch ((int)level)
        {
            case 0: e._server.Log.Debug(text.ToString()); break;
            case 1: e._server.Log.Verbose(text.ToString()); break;
            case 2: e._server.Log.Notice(text.ToString()); break;
            default: e._server.Log.Warning(text.ToString()); break;
        }
        return 0;
    });

    [UnmanagedCallersOnly]
    private static int SetRespFunction(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        if (GetTop(l) != 1) return Raise(l, "redis.setresp() requires one argument.");
        double resp = ToNumber(l, 1);
        if (resp != 2 && resp != 3) return Raise(l, "RESP version must be 2 or 3.");
        e._client.Reply.Protocol = (int)resp;
        return 0;
    });

    [UnmanagedCallersOnly]
    private static int SetReplFunction(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        if (GetTop(l) != 1) return Raise(l, "redis.set_repl() requires one argument.");
        double flags = ToNumber(l, 1);
        if (flags < 0 || flags > 3 || flags != Math.Floor(flags))
            return Raise(l, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
        e._replicate = (int)flags;
        return 0;
    });

    [UnmanagedCallersOnly]
    private static int AclCheckFunction(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        if (!e.TryReadArguments(l, out string? error)) return Raise(l, error!);
        if (e.Lookup(out _) is null) return Raise(l, "Invalid command passed to redis.acl_check_cmd()");
        // No ACL users other than default, which may run everything.
        PushBoolean(l, 1);
        return 1;
    });

    /// <summary>eval.c redis_math_random: Lua's math.random on rand.c's generator.</summary>
    [UnmanagedCallersOnly]
    private static int RandomFunction(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        const int Max = int.MaxValue; // REDIS_LRAND48_MAX
        double r = (double)(e.NextRand48() % Max) / Max;
        switch (GetTop(l))
        {
            case 0:
                PushNumber(l, r);
                return 1;
            case 1:
            {
                if (!CheckInt(l, 1, "random", out int u)) return -1;
                if (u < 1) return ArgumentError(l, 1, "random", "interval is empty");
                PushNumber(l, Math.Floor(r * u) + 1);
                return 1;
            }
            case 2:
            {
                if (!CheckInt(l, 1, "random", out int low) || !CheckInt(l, 2, "random", out int high)) return -1;
                if (low > high) return ArgumentError(l, 2, "random", "interval is empty");
                PushNumber(l, Math.Floor(r * ((double)high - low + 1)) + low);
                return 1;
            }
            default:
                return RaiseString(l, "wrong number of arguments");
        }
    });

    /// <summary>eval.c redis_math_randomseed.</summary>
    [UnmanagedCallersOnly]
    private static int RandomSeedFunction(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        if (!CheckInt(l, 1, "randomseed", out int seed)) return -1;
        e._rand48 = Seed(seed);
        return 0;
    });

    /// <summary>luaL_checkint: a number (or numeric string) truncated to an int, else Lua's "number expected" error pushed.</summary>
    private static bool CheckInt(nint l, int argument, string function, out int value)
    {
        value = 0;
        if (!CheckNumber(l, argument, function, out double number)) return false;
        value = (int)ToInt64(number);
        return true;
    }

    /// <summary>luaL_argerror, as raised from C: "where: bad argument #n to 'function' (message)".</summary>
    private static int ArgumentError(nint l, int argument, string function, string message) =>
        RaiseString(l, $"bad argument #{argument} to '{function}' ({message})");

    /// <summary>luaL_error: a string error with the caller's position in front, raised by the thunk.</summary>
    private static int RaiseString(nint l, string message)
    {
        Where(l, 1);
        string where = Encoding.UTF8.GetString(ToSpan(l, -1));
        Pop(l, 1);
        PushString(l, where + message);
        return -1;
    }

    // ---- redis.call / redis.pcall ----

    /// <summary>
    /// script.c scriptCall through luaRedisGenericCommand: checks in Redis's order, runs the command as the script's
    /// client, and pushes its reply converted to Lua. A failure is an error table, raised by redis.call.
    /// </summary>
    private int RedisCall(nint l, bool raise)
    {
        if (!TryReadArguments(l, out string? error)) return Fail(l, error!, raise);
        CommandDefinition? command = Lookup(out bool arityOk);
        if (command is null) return Fail(l, "Unknown Redis command called from script", raise);
        if (!arityOk) return Fail(l, "Wrong number of args calling Redis command from script", raise);
        if ((command.Flags & CommandFlags.NoScript) != 0) return Fail(l, "This Redis command is not allowed from script", raise);
        if ((command.Flags & CommandFlags.Write) != 0)
        {
            if (_readOnly) return Fail(l, "Write commands are not allowed from read-only scripts.", raise);
            if ((_server.Rdb.WriteError ?? _server.Aof.WriteError) is { } diskError) return Fail(l, "-" + diskError, raise);
        }
        // scriptVerifyOOM: over maxmemory when the script started, its first write that may add memory is refused
        // (a script that already wrote cannot stop halfway).
        if ((command.Flags & CommandFlags.DenyOom) != 0 && !_wrote && !_mayUseMemory && _server.Config.MaxMemory != 0 && _server.OutOfMemoryBeforeCommand)
            return Fail(l, "-OOM command not allowed when used memory > 'maxmemory'.", raise);
        if ((_replicate & 1) == 0) _server.Aof.Propagator?.SkipCurrent();
        _client.RunForScript(command, _args);
        if ((command.Flags & CommandFlags.Write) != 0) _wrote = true;
        ReadOnlySpan<byte> reply = TakeReply();
        int position = 0;
        PushReply(l, reply, ref position);
        return raise && reply.Length > 0 && reply[0] == '-' ? -1 : 1;
    }

    /// <summary>luaArgsToRedisArgv: strings as they are, numbers as %.17g; anything else is refused.</summary>
    private bool TryReadArguments(nint l, out string? error)
    {
        int argc = GetTop(l);
        error = null;
        if (argc == 0)
        {
            error = "Please specify at least one argument for this redis lib call";
            return false;
        }
        _args.Reset();
        Span<byte> number = stackalloc byte[40];
        int used = 0;
        for (int j = 1; j <= argc; j++)
        {
            scoped ReadOnlySpan<byte> arg;
            int type = Type(l, j);
            if (type == TNumber)
            {
                arg = number[..DoubleFormatter.FormatG17(ToNumber(l, j), number)];
            }
            else if (type == TString)
            {
                arg = ToSpan(l, j);
            }
            else
            {
                error = "Lua redis lib command arguments must be strings or integers";
                return false;
            }
            if (used + arg.Length > _argBuffer.Length) Array.Resize(ref _argBuffer, Math.Max(_argBuffer.Length * 2, used + arg.Length));
            arg.CopyTo(_argBuffer.AsSpan(used));
            _args.Add(used, arg.Length);
            used += arg.Length;
        }
        _args.Buffer = _argBuffer;
        return true;
    }

    /// <summary>lookupCommand on the arguments read: the command or subcommand, or null when unknown.</summary>
    private CommandDefinition? Lookup(out bool arityOk)
    {
        CommandDefinition? command = _server.Commands.Find(_args[0]);
        if (command?.Subcommands is not null && _args.Count >= 2) command = command.Subcommands.Find(_args[1]);
        arityOk = command is not null
            && !((command.Arity > 0 && command.Arity != _args.Count) || _args.Count < -command.Arity);
        return command;
    }

    /// <summary>The script client's reply bytes, moved out of its output buffer.</summary>
    private ReadOnlySpan<byte> TakeReply()
    {
        OutputBuffer output = _client.Connection.Output;
        int length = 0;
        while (output.Pending > 0)
        {
            ArraySegment<byte> range = output.PeekSendable();
            if (length + range.Count > _replyBuffer.Length) Array.Resize(ref _replyBuffer, Math.Max(_replyBuffer.Length * 2, length + range.Count));
            range.AsSpan().CopyTo(_replyBuffer.AsSpan(length));
            length += range.Count;
            output.Consume(range.Count);
        }
        return _replyBuffer.AsSpan(0, length);
    }

    /// <summary>
    /// script_lua.c redisProtocolToLuaType: integers become numbers, bulks strings (nil: false), arrays tables (nil:
    /// false), statuses {ok=...}, errors {err=...}; with redis.setresp(3) also nil, booleans, {double}, {map}, {set},
    /// {big_number} and {verbatim_string}.
    /// </summary>
    private void PushReply(nint l, ReadOnlySpan<byte> reply, ref int position)
    {
        CheckStack(l, 4);
        byte kind = reply[position];
        int end = position + reply[position..].IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = reply[(position + 1)..end];
        position = end + 2;
        switch (kind)
        {
            case (byte)'+':
                CreateTable(l, 0, 1);
                PushString(l, line);
                RawSetField(l, -2, "ok"u8);
                break;
            case (byte)'-':
                PushErrorTable(l, reply[(end - line.Length - 1)..end]);
                // The command's own error was counted in the error stats already.
                PushBoolean(l, 1);
                RawSetField(l, -2, "ignore_error_stats_update"u8);
                break;
            case (byte)':':
                PushNumber(l, ParseLong(line));
                break;
            case (byte)'$':
            case (byte)'=':
                long length = ParseLong(line);
                if (length < 0)
                {
                    PushBoolean(l, 0);
                    break;
                }
                ReadOnlySpan<byte> bulk = reply.Slice(position, (int)length);
                position += (int)length + 2;
                if (kind == '$')
                {
                    PushString(l, bulk);
                }
                else
                {
                    CreateTable(l, 0, 1);
                    CreateTable(l, 0, 2);
                    PushString(l, bulk[..3]);
                    RawSetField(l, -2, "format"u8);
                    PushString(l, bulk[4..]);
                    RawSetField(l, -2, "string"u8);
                    RawSetField(l, -2, "verbatim_string"u8);
                }
                break;
            case (byte)'*':
            case (byte)'>':
                long count = ParseLong(line);
                if (count < 0)
                {
                    PushBoolean(l, 0);
                    break;
                }
                CreateTable(l, (int)count, 0);
                for (int i = 1; i <= count; i++)
                {
                    PushReply(l, reply, ref position);
                    RawSetI(l, -2, i);
                }
                break;
            case (byte)'_':
                PushNil(l);
                break;
            case (byte)'#':
                PushBoolean(l, line.Length > 0 && line[0] == 't' ? 1 : 0);
                break;
            case (byte)',':
                CreateTable(l, 0, 1);
                PushNumber(l, double.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
                RawSetField(l, -2, "double"u8);
                break;
            case (byte)'(':
                CreateTable(l, 0, 1);
                PushString(l, line);
                RawSetField(l, -2, "big_number"u8);
                break;
            case (byte)'%':
            case (byte)'~':
                long items = ParseLong(line);
                CreateTable(l, 0, 1);
                CreateTable(l, 0, (int)items);
                for (long i = 0; i < items; i++)
                {
                    PushReply(l, reply, ref position);
                    if (kind == '%') PushReply(l, reply, ref position);
                    else PushBoolean(l, 1);
                    RawSet(l, -3);
                }
                RawSetField(l, -2, kind == '%' ? "map"u8 : "set"u8);
                break;
            case (byte)'|':
                // An attribute map (never sent by RedisFast's commands): skipped, then the value it annotates.
                long pairs = ParseLong(line);
                for (long i = 0; i < pairs * 2; i++)
                {
                    PushReply(l, reply, ref position);
                    Pop(l, 1);
                }
                PushReply(l, reply, ref position);
                break;
            default:
                throw new InvalidDataException($"unexpected reply type '{(char)kind}' in a script call");
        }
    }

    private static long ParseLong(ReadOnlySpan<byte> text) => long.Parse(text, provider: System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A failed call: the error table for <paramref name="message"/>, raised by redis.call, returned by redis.pcall.</summary>
    private static int Fail(nint l, string message, bool raise)
    {
        PushErrorTable(l, Encoding.UTF8.GetBytes(message));
        return raise ? -1 : 1;
    }

    /// <summary>Pushes the error table for <paramref name="message"/> (code ERR) and asks the thunk to raise it.</summary>
    private static int Raise(nint l, string message)
    {
        PushErrorTable(l, Encoding.UTF8.GetBytes(message));
        return -1;
    }

    /// <summary>
    /// script_lua.c luaPushErrorBuff: "-CODE message" keeps its code, anything else gets ERR; the message is trimmed of
    /// CR and LF at both ends; pushed as {err = "CODE message"}.
    /// </summary>
    private static void PushErrorTable(nint l, ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<byte> code = "ERR"u8;
        ReadOnlySpan<byte> message = text;
        if (text.Length > 0 && text[0] == '-')
        {
            int space = text.IndexOf((byte)' ');
            if (space < 0)
            {
                message = text[1..];
            }
            else
            {
                code = text[1..space];
                message = text[(space + 1)..];
            }
        }
        message = message.Trim("\r\n"u8);
        Span<byte> full = message.Length + code.Length < 512 ? stackalloc byte[code.Length + 1 + message.Length] : new byte[code.Length + 1 + message.Length];
        code.CopyTo(full);
        full[code.Length] = (byte)' ';
        message.CopyTo(full[(code.Length + 1)..]);
        CreateTable(l, 0, 1);
        PushString(l, full);
        RawSetField(l, -2, "err"u8);
    }
}
