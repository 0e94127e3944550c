using System.Text;
using RedisFast.Protocol;
using RedisFast.Scripting;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT (Redis 7.0 eval.c); the engine is <see cref="ScriptEngine"/>.
/// </summary>
internal static class ScriptingCommands
{
    private const string NoScript = "NOSCRIPT No matching script. Please use EVAL.";

    private static readonly string[] ScriptHelpLines =
    [
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15 (keys: a keynum spec).
        const CommandFlags Eval = CommandFlags.NoScript | Stale | SkipMonitor | NoMandatoryKeys | MovableKeys;
        // MAY_REPLICATE, which COMMAND INFO hides (CLIENT PAUSE WRITE holds these back): eval.json, evalsha.json.
        t.Add("eval", -3, Eval | MayReplicate, 0, 0, 0, EvalCommand, "scripting");
        t.Add("evalsha", -3, Eval | MayReplicate, 0, 0, 0, EvalShaCommand, "scripting");
        t.Add("eval_ro", -3, ReadOnly | Eval, 0, 0, 0, EvalRoCommand, "scripting");
        t.Add("evalsha_ro", -3, ReadOnly | Eval, 0, 0, 0, EvalShaRoCommand, "scripting");
        CommandDefinition script = t.Add("script", -2, None, 0, 0, 0, null, "scripting");
        // In the order COMMAND INFO lists them on redis-server (its dict order).
        script.Sub("exists", -3, CommandFlags.NoScript, 0, 0, 0, ScriptExists);
        script.Sub("flush", -2, CommandFlags.NoScript, 0, 0, 0, ScriptFlush);
        script.Sub("help", 2, Loading | Stale, 0, 0, 0, static c => CommandCommand.WriteHelp(c, ScriptHelpLines));
        script.Sub("debug", 3, CommandFlags.NoScript, 0, 0, 0, ScriptDebug);
        script.Sub("load", 3, CommandFlags.NoScript | Stale, 0, 0, 0, ScriptLoad);
        script.Sub("kill", 2, CommandFlags.NoScript | AllowBusy, 0, 0, 0, ScriptKill);
    }

    public static void EvalCommand(Client c) => EvalGeneric(c, bySha: false, readOnly: false);

    public static void EvalShaCommand(Client c) => EvalGeneric(c, bySha: true, readOnly: false);

    public static void EvalRoCommand(Client c) => EvalGeneric(c, bySha: false, readOnly: true);

    public static void EvalShaRoCommand(Client c) => EvalGeneric(c, bySha: true, readOnly: true);

    /// <summary>evalGenericCommand: the key count, then the script (compiled and cached by EVAL), then the run.</summary>
    private static void EvalGeneric(Client c, bool bySha, bool readOnly)
    {
        // EVAL is skip_monitor for call()'s feed after the command; MONITOR shows it before the commands of its script,
        // whatever the outcome (as redis-server 7.0 does).
        if (c.Server.Monitors.Any) c.Server.Monitors.Feed(c, c.Args, 0);
        if (bySha && c.Args.LengthOf(1) != 40)
        {
            c.Reply.WriteError(NoScript);
            return;
        }
        if (!TryReadKeyCount(c, Errors.NotInteger, out int numKeys)) return;
        ScriptEngine engine = c.Server.Scripts;
        ScriptEngine.Script? script = bySha ? engine.Find(c.Args[1]) : engine.Load(c, c.Args[1]);
        if (script is null)
        {
            // Load replied its own error.
            if (bySha) c.Reply.WriteError(NoScript);
            return;
        }
        engine.Run(c, script, numKeys, readOnly);
    }

    /// <summary>
    /// The key count of EVAL and FCALL (argument 2): <paramref name="notANumber"/> when it is not an integer, then
    /// Redis's errors for more keys than arguments and for a negative count.
    /// </summary>
    public static bool TryReadKeyCount(Client c, ReadOnlySpan<byte> notANumber, out int numKeys)
    {
        numKeys = 0;
        if (!NumberParser.TryParseInt64(c.Args[2], out long count))
        {
            c.Reply.WriteError(notANumber);
            return false;
        }
        if (count > c.Argc - 3)
        {
            c.Reply.WriteError("ERR Number of keys can't be greater than number of args"u8);
            return false;
        }
        if (count < 0)
        {
            c.Reply.WriteError("ERR Number of keys can't be negative"u8);
            return false;
        }
        numKeys = (int)count;
        return true;
    }

    /// <summary>SCRIPT LOAD script: compiles and caches it; replies its SHA1.</summary>
    public static void ScriptLoad(Client c)
    {
        ScriptEngine.Script? script = c.Server.Scripts.Load(c, c.Args[2]);
        if (script is not null) c.Reply.WriteBulk(script.Sha);
    }

    /// <summary>SCRIPT EXISTS sha1 [sha1 ...]: 1 or 0 for each (names compare without case, as EVALSHA's).</summary>
    public static void ScriptExists(Client c)
    {
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int j = 2; j < c.Argc; j++)
            c.Reply.WriteInteger(c.Server.Scripts.Find(c.Args[j]) is null ? 0 : 1);
    }

    /// <summary>SCRIPT FLUSH [ASYNC|SYNC]: both empty the cache at once here (there is no background free).</summary>
    public static void ScriptFlush(Client c)
    {
        if (c.Argc > 3 || (c.Argc == 3 && !Ascii.EqualsIgnoreCase(c.Args[2], "sync"u8) && !Ascii.EqualsIgnoreCase(c.Args[2], "async"u8)))
        {
            c.Reply.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option"u8);
            return;
        }
        c.Server.Scripts.Flush();
        c.Reply.WriteOk();
    }

    /// <summary>
    /// SCRIPT KILL: no script can be running while a command is read (a script holds the loop to its end; see
    /// README "Not there yet"), so the answer is always Redis's NOTBUSY.
    /// </summary>
    public static void ScriptKill(Client c) => c.Reply.WriteError("NOTBUSY No scripts in execution right now."u8);

    /// <summary>SCRIPT DEBUG NO is accepted; the Lua debugger (YES, SYNC) is not built.</summary>
    public static void ScriptDebug(Client c)
    {
        ReadOnlySpan<byte> mode = c.Args[2];
        if (c.InMulti)
        {
            c.Reply.WriteError("ERR SCRIPT DEBUG must be called outside MULTI"u8);
            return;
        }
        if (Ascii.EqualsIgnoreCase(mode, "no"u8))
        {
            c.Reply.WriteOk();
        }
        else if (Ascii.EqualsIgnoreCase(mode, "yes"u8) || Ascii.EqualsIgnoreCase(mode, "sync"u8))
        {
            c.Reply.WriteError("ERR the Lua debugger (SCRIPT DEBUG YES|SYNC) is not available in RedisFast"u8);
        }
        else
        {
            c.Reply.WriteError("ERR Use SCRIPT DEBUG YES/SYNC/NO"u8);
        }
    }
}
