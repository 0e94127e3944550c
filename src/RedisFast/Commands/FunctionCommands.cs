using System.Buffers;
using System.Text;
using RedisFast.Persistence.Rdb;
using RedisFast.Protocol;
using RedisFast.Scripting;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// FCALL FCALL_RO and FUNCTION (Redis 7.0 functions.c); the libraries live in the server's functions engine
/// (<see cref="ScriptEngine"/>, its own Lua state). Changes to libraries are logged as the commands that made them.
/// </summary>
internal static class FunctionCommands
{
    private static readonly string[] HelpLines =
    [
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15 (keys: a keynum spec).
        const CommandFlags Call = NoScript | Stale | SkipMonitor | NoMandatoryKeys | MovableKeys;
        t.Add("fcall", -3, Call | MayReplicate, 0, 0, 0, Fcall, "scripting");
        t.Add("fcall_ro", -3, ReadOnly | Call, 0, 0, 0, FcallRo, "scripting");
        CommandDefinition function = t.Add("function", -2, None, 0, 0, 0, null, "scripting");
        function.Sub("load", -3, Write | DenyOom | NoScript, 0, 0, 0, Load);
        function.Sub("delete", 3, Write | NoScript, 0, 0, 0, Delete);
        function.Sub("flush", -2, Write | NoScript, 0, 0, 0, Flush);
        function.Sub("restore", -3, Write | DenyOom | NoScript, 0, 0, 0, Restore);
        function.Sub("dump", 2, NoScript, 0, 0, 0, Dump);
        function.Sub("list", -2, NoScript, 0, 0, 0, List);
        function.Sub("stats", 2, NoScript | AllowBusy, 0, 0, 0, Stats);
        function.Sub("kill", 2, NoScript | AllowBusy, 0, 0, 0, static c => c.Reply.WriteError("NOTBUSY No scripts in execution right now."u8));
        function.Sub("help", 2, Loading | Stale, 0, 0, 0, static c => CommandCommand.WriteHelp(c, HelpLines));
    }

    public static void Fcall(Client c) => FcallGeneric(c, readOnly: false);

    public static void FcallRo(Client c) => FcallGeneric(c, readOnly: true);

    /// <summary>fcallCommandGeneric: fed to MONITOR first, then the function, the key count, the call.</summary>
    private static void FcallGeneric(Client c, bool readOnly)
    {
        if (c.Server.Monitors.Any) c.Server.Monitors.Feed(c, c.Args, 0);
        ScriptEngine.Function? function = c.Server.Functions.FindFunction(c.Args[1]);
        if (function is null)
        {
            c.Reply.WriteError("ERR Function not found"u8);
            return;
        }
        if (!ScriptingCommands.TryReadKeyCount(c, "ERR Bad number of keys provided"u8, out int numKeys)) return;
        c.Server.Functions.CallFunction(c, function, numKeys, readOnly);
    }

    /// <summary>FUNCTION LOAD [REPLACE] code: replies the library's name.</summary>
    public static void Load(Client c)
    {
        bool replace = false;
        int position = 2;
        while (position < c.Argc - 1)
        {
            ReadOnlySpan<byte> option = c.Args[position++];
            if (Ascii.EqualsIgnoreCase(option, "replace"u8))
            {
                replace = true;
                continue;
            }
            c.Reply.WriteError($"ERR Unknown option given: {Encoding.UTF8.GetString(option)}");
            return;
        }
        if (position >= c.Argc)
        {
            c.Reply.WriteError("ERR Function code is missing"u8);
            return;
        }
        // LOAD_TIMEOUT_MS, except for the AOF loader's client (detached, no socket), which must obey (mustObeyClient).
        long timeout = c.Connection.Socket is null ? 0 : 500;
        string? name = c.Server.Functions.LoadLibrary(c.Args.ToArray(position), replace, out string? error, timeout);
        if (name is null)
        {
            c.Reply.WriteError("ERR " + error);
            return;
        }
        Changed(c);
        c.Reply.WriteBulk(name);
    }

    /// <summary>FUNCTION DELETE library</summary>
    public static void Delete(Client c)
    {
        if (!c.Server.Functions.DeleteLibrary(c.Args[2]))
        {
            c.Reply.WriteError("ERR Library not found"u8);
            return;
        }
        Changed(c);
        c.Reply.WriteOk();
    }

    /// <summary>FUNCTION FLUSH [ASYNC|SYNC]: both at once here.</summary>
    public static void Flush(Client c)
    {
        if (c.Argc > 3 || (c.Argc == 3 && !Ascii.EqualsIgnoreCase(c.Args[2], "sync"u8) && !Ascii.EqualsIgnoreCase(c.Args[2], "async"u8)))
        {
            c.Reply.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"u8);
            return;
        }
        c.Server.Functions.FlushLibraries();
        Changed(c);
        c.Reply.WriteOk();
    }

    /// <summary>
    /// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: per library its name, engine, functions (name, description,
    /// flags) and, with WITHCODE, its code; the pattern matches library names without case.
    /// </summary>
    public static void List(Client c)
    {
        bool withCode = false;
        byte[]? pattern = null;
        for (int i = 2; i < c.Argc; i++)
        {
            ReadOnlySpan<byte> arg = c.Args[i];
            if (!withCode && Ascii.EqualsIgnoreCase(arg, "withcode"u8))
            {
                withCode = true;
                continue;
            }
            if (pattern is null && Ascii.EqualsIgnoreCase(arg, "libraryname"u8))
            {
                if (i >= c.Argc - 1)
                {
                    c.Reply.WriteError("ERR library name argument was not given"u8);
                    return;
                }
                pattern = c.Args.ToArray(++i);
                continue;
            }
            c.Reply.WriteError($"ERR Unknown argument {Encoding.UTF8.GetString(arg)}");
            return;
        }
        var libraries = c.Server.Functions.Libraries
            .Where(li => pattern is null || GlobMatcher.IsMatch(pattern, Encoding.UTF8.GetBytes(li.Name), ignoreCase: true)).ToList();
        ReplyWriter r = c.Reply;
        r.WriteArrayHeader(libraries.Count);
        foreach (ScriptEngine.Library library in libraries)
        {
            r.WriteMapHeader(withCode ? 4 : 3);
            r.WriteBulk("library_name"u8);
            r.WriteBulk(library.Name);
            r.WriteBulk("engine"u8);
            r.WriteBulk("LUA"u8);
            r.WriteBulk("functions"u8);
            r.WriteArrayHeader(library.Functions.Count);
            foreach (ScriptEngine.Function f in library.Functions)
            {
                r.WriteMapHeader(3);
                r.WriteBulk("name"u8);
                r.WriteBulk(f.Name);
                r.WriteBulk("description"u8);
                if (f.Description is null) r.WriteNull();
                else r.WriteBulk(f.Description);
                r.WriteBulk("flags"u8);
                var names = ScriptFlagNames.All.Where(n => (f.Flags & n.Flag) != 0).ToList();
                r.WriteSetHeader(names.Count);
                foreach ((_, string name) in names) r.WriteSimpleString(Encoding.ASCII.GetBytes(name));
            }
            if (withCode)
            {
                r.WriteBulk("library_code"u8);
                r.WriteBulk(library.Code);
            }
        }
    }

    /// <summary>FUNCTION STATS: no running script can be seen from a command (see SCRIPT KILL), then the engine's counts.</summary>
    public static void Stats(Client c)
    {
        ReplyWriter r = c.Reply;
        ScriptEngine functions = c.Server.Functions;
        r.WriteMapHeader(2);
        r.WriteBulk("running_script"u8);
        r.WriteNull();
        r.WriteBulk("engines"u8);
        r.WriteMapHeader(1);
        r.WriteBulk("LUA"u8);
        r.WriteMapHeader(2);
        r.WriteBulk("libraries_count"u8);
        r.WriteInteger(functions.Libraries.Count);
        r.WriteBulk("functions_count"u8);
        r.WriteInteger(functions.FunctionCount);
    }

    /// <summary>FUNCTION DUMP: every library's code in a DUMP-style payload (RDB_OPCODE_FUNCTION2 records, version, CRC).</summary>
    public static void Dump(Client c)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        new RdbWriter(payload, c.Server.Config.RdbCompression).FunctionsPayload(c.Server.Functions.Libraries.Select(li => li.Code));
        c.Reply.WriteBulk(payload.WrittenSpan);
    }

    /// <summary>
    /// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] (default APPEND): the payload's libraries are added, replace the
    /// current ones, or replace those of the same names; any error leaves the libraries as they were.
    /// </summary>
    public static void Restore(Client c)
    {
        if (c.Argc > 4)
        {
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(c.Args[1])}'. Try FUNCTION HELP.");
            return;
        }
        RestorePolicy policy = RestorePolicy.Append;
        if (c.Argc == 4)
        {
            ReadOnlySpan<byte> option = c.Args[3];
            if (Ascii.EqualsIgnoreCase(option, "append"u8)) policy = RestorePolicy.Append;
            else if (Ascii.EqualsIgnoreCase(option, "replace"u8)) policy = RestorePolicy.Replace;
            else if (Ascii.EqualsIgnoreCase(option, "flush"u8)) policy = RestorePolicy.Flush;
            else
            {
                c.Reply.WriteError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."u8);
                return;
            }
        }
        if (!RdbLoader.VerifyDumpPayload(c.Args[2]))
        {
            c.Reply.WriteError("ERR DUMP payload version or checksum are wrong"u8);
            return;
        }
        if (!RdbLoader.TryReadFunctionsPayload(c.Args[2], out List<byte[]> codes, out string? error)
            || !c.Server.Functions.RestoreLibraries(codes, policy, out error))
        {
            c.Reply.WriteError("ERR " + error);
            return;
        }
        Changed(c);
        c.Reply.WriteOk();
    }

    /// <summary>server.dirty++: the change counts for save points and is logged as the command.</summary>
    private static void Changed(Client c)
    {
        c.Server.Keyspace.Dirty++;
        c.ForcePropagation();
    }
}
