using System.Buffers;
using System.Text;
using RedisFast.Persistence.Rdb;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// DEBUG and MODULE (debug.c, module.c). Both are refused unless enable-debug-command / enable-module-command allow
/// them (Client.Execute, as processCommand does). DEBUG then offers what tools and test suites use: SLEEP, LOG,
/// SET-ACTIVE-EXPIRE, OBJECT, RELOAD; MODULE answers as a server with no modules loaded and none loadable.
/// </summary>
internal static class DebugCommands
{
    private static readonly string[] DebugHelpLines =
    [
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "AOF-FLUSH-SLEEP <microsec>",
        "    Server will sleep before flushing the AOF, this is used for testing.",
        "ASSERT",
        "    Crash by assertion failed.",
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "CONFIG-REWRITE-FORCE-ALL",
        "    Like CONFIG REWRITE but writes all configuration options, including",
        "    keywords not listed in original configuration file or default values.",
        "CRASH-AND-RECOVER [<milliseconds>]",
        "    Hard crash and restart after a <milliseconds> delay (default 0).",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message. Useful for clients",
        "    unit tests to simulate Redis errors.",
        "LEAK <string>",
        "    Create a memory leak of the input string.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "HTSTATS <dbid>",
        "    Return hash table statistics of the specified Redis database.",
        "HTSTATS-KEY <key>",
        "    Like HTSTATS but for the hash table stored at <key>'s value.",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "REPLICATE <string>",
        "    Replicates the provided string to replicas, allowing data divergence.",
        "MALLCTL <key> [<val>]",
        "    Get or set a malloc tuning integer.",
        "MALLCTL-STR <key> [<val>]",
        "    Get or set a malloc tuning string.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "DROP-CLUSTER-PACKET-FILTER <packet-type>",
        "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
        "OOM",
        "    Crash the server simulating an out-of-memory error.",
        "PANIC",
        "    Crash the server simulating a panic.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
        "    true, false.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "RESTART [<milliseconds>]",
        "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
        "SDSLEN <key>",
        "    Show low level SDS string info representing `key` and value.",
        "SEGFAULT",
        "    Crash the server with sigsegv.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
        "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "STRINGMATCH-TEST",
        "    Run a fuzz tester against the stringmatchlen() function.",
        "STRUCTSIZE",
        "    Return the size of different Redis core C structures.",
        "LISTPACK <key>",
        "    Show low level info about the listpack encoding of <key>.",
        "QUICKLIST <key> [<0|1>]",
        "    Show low level info about the quicklist encoding of <key>.",
        "    The optional argument (0 by default) sets the level of detail",
        "CLIENT-EVICTION",
        "    Show low level client eviction pools info (maxmemory-clients).",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
        "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
        "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
        "    In case NEVER is provided the last observed peak will never be reset",
        "    In case RESET is provided the peak reset time will be restored to the default value",
        "REPLYBUFFER RESIZING <0|1>",
        "    Enable or disable the reply buffer resize cron job",
        "CLUSTERLINK KILL <to|from|all> <node-id>",
        "    Kills the link based on the direction to/from (both) with the provided node.",
        "HELP",
        "    Prints this help.",
    ];

    private static readonly string[] ModuleHelpLines =
    [
        "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LIST",
        "    Return a list of loaded modules.",
        "LOAD <path> [<arg> ...]",
        "    Load a module library from <path>, passing to it any optional arguments.",
        "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
        "    Load a module library from <path>, while passing it module configurations and optional arguments.",
        "UNLOAD <name>",
        "    Unload a module.",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        // Arity and flags as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("debug", -2, Admin | NoScript | Loading | Stale, 0, 0, 0, Debug, "server").ProtectedBy = "enable-debug-command";
        CommandDefinition module = t.Add("module", -2, None, 0, 0, 0, null, "server");
        module.Sub("list", 2, Admin | NoScript, 0, 0, 0, static c => c.Reply.WriteArrayHeader(0));
        module.Sub("help", 2, Loading | Stale, 0, 0, 0, static c => CommandCommand.WriteHelp(c, ModuleHelpLines));
        module.Sub("load", -3, Admin | NoScript | NoAsyncLoading, 0, 0, 0, ModuleLoad);
        module.Sub("loadex", -3, Admin | NoScript | NoAsyncLoading, 0, 0, 0, ModuleLoad);
        module.Sub("unload", 3, Admin | NoScript | NoAsyncLoading, 0, 0, 0,
            static c => c.Reply.WriteError("ERR Error unloading module: no such module with that name"u8));
        // LIST and HELP answer whatever the option says, as on redis-server 7.0.15.
        foreach (CommandDefinition sub in module.Subcommands!.All)
        {
            if (sub.Name is "load" or "loadex" or "unload") sub.ProtectedBy = "enable-module-command";
        }
    }

    /// <summary>
    /// allowProtectedAction for DEBUG and MODULE: whether <paramref name="c"/> may run <paramref name="command"/>;
    /// when not, the rejection text (processCommand's).
    /// </summary>
    public static string? ProtectedRejection(Client c, CommandDefinition command)
    {
        string option = command.ProtectedBy!;
        if (ServerCommands.AllowProtectedAction(c, option)) return null;
        string name = option == "enable-debug-command" ? "DEBUG" : "MODULE";
        return $"ERR {name} command not allowed. If the {option} option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";
    }

    /// <summary>MODULE LOAD / LOADEX: RedisFast loads no Redis modules (they are C shared objects for redis-server).</summary>
    private static void ModuleLoad(Client c)
    {
        c.Server.Log.Warning($"Module {Encoding.UTF8.GetString(c.Args[2])} failed to load: RedisFast does not load Redis modules");
        c.Reply.WriteError("ERR Error loading the extension. Please check the server logs."u8);
    }

    private static void Debug(Client c)
    {
        ReadOnlySpan<byte> sub = c.Args[1];
        if (Ascii.EqualsIgnoreCase(sub, "help"u8) && c.Argc == 2)
        {
            CommandCommand.WriteHelp(c, DebugHelpLines);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "sleep"u8) && c.Argc == 3)
        {
            // The whole server sleeps, as Redis's does (tests use it to make the loop busy).
            double seconds = Atof(c.Args[2]);
            if (seconds > 0) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)));
            c.Reply.WriteOk();
        }
        else if (Ascii.EqualsIgnoreCase(sub, "log"u8) && c.Argc == 3)
        {
            c.Server.Log.Warning("DEBUG LOG: " + Encoding.UTF8.GetString(c.Args[2]));
            c.Reply.WriteOk();
        }
        else if (Ascii.EqualsIgnoreCase(sub, "set-active-expire"u8) && c.Argc == 3)
        {
            c.Server.Config.ActiveExpireEnabled = Docs.CommandKeys.Atoi(c.Args[2]) != 0;
            c.Reply.WriteOk();
        }
        else if (Ascii.EqualsIgnoreCase(sub, "object"u8) && c.Argc == 3)
        {
            DebugObject(c);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "reload"u8))
        {
            DebugReload(c);
        }
        else
        {
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(sub)}'. Try DEBUG HELP.");
        }
    }

    /// <summary>C's atof: the longest leading number, 0 when there is none (DEBUG SLEEP x sleeps 0 seconds).</summary>
    private static double Atof(ReadOnlySpan<byte> text)
    {
        string s = Encoding.ASCII.GetString(text).TrimStart();
        for (int n = s.Length; n > 0; n--)
        {
            if (double.TryParse(s.AsSpan(0, n), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value))
                return value;
        }
        return 0;
    }

    /// <summary>
    /// DEBUG OBJECT key: Redis's fields; the address is the value's identity here, the encoding OBJECT ENCODING's,
    /// serializedlength the value's RDB encoding (as DUMP writes it), lru the idle time's clock.
    /// </summary>
    private static void DebugObject(Client c)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[2], notify: false);
        if (index < 0)
        {
            c.Reply.WriteError("ERR no such key"u8);
            return;
        }
        ref KeyEntry e = ref db.Table.Peek(index);
        var payload = new ArrayBufferWriter<byte>(256);
        new RdbWriter(payload, c.Server.Config.RdbCompression) { ListMaxListpackSize = c.Server.Config.ListMaxListpackSize }.DumpPayload(e);
        // The payload: the type byte, the value, then the version (2 bytes) and the CRC-64 (8 bytes).
        int serialized = payload.WrittenCount - 11;
        string encoding = KeyCommands.EncodingName(e);
        long address = e.Value is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(e.Value);
        long idle = KeyCommands.IdleSeconds(c.Server.Keyspace, e);
        long lru = (Environment.TickCount64 / 1000 - idle) & ((1 << 24) - 1);
        c.Reply.WriteSimpleString(Encoding.ASCII.GetBytes(
            $"Value at:0x{address:x} refcount:1 encoding:{encoding} serializedlength:{serialized} lru:{lru} lru_seconds_idle:{idle}"));
    }

    /// <summary>
    /// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves dump.rdb (unless NOSAVE), empties the databases (unless NOFLUSH)
    /// and loads the file again. A key that exists (NOFLUSH) fails the load, MERGE or not (Redis replaces it with MERGE).
    /// </summary>
    private static void DebugReload(Client c)
    {
        bool save = true, flush = true;
        for (int j = 2; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> option = c.Args[j];
            if (Ascii.EqualsIgnoreCase(option, "merge"u8)) continue;
            if (Ascii.EqualsIgnoreCase(option, "noflush"u8)) flush = false;
            else if (Ascii.EqualsIgnoreCase(option, "nosave"u8)) save = false;
            else
            {
                c.Reply.WriteError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."u8);
                return;
            }
        }
        Persistence.RdbFile rdb = c.Server.Rdb;
        if (save && !rdb.Save())
        {
            c.Reply.WriteError("ERR Error trying to save the DB"u8);
            return;
        }
        if (flush)
        {
            foreach (Database db in c.Server.Keyspace.Databases) db.Table.Clear();
        }
        if (!rdb.Reload(out string? error))
        {
            c.Reply.WriteError("ERR Error trying to load the RDB dump, check server logs."u8);
            c.Server.Log.Warning(error!);
            return;
        }
        c.Server.Log.Notice("DB reloaded by DEBUG RELOAD");
        c.Reply.WriteOk();
    }
}
