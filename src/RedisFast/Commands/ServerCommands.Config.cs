using System.Net;
using System.Text;
using RedisFast.Server;

namespace RedisFast.Commands;

/// <summary>CONFIG GET, SET, RESETSTAT, REWRITE and HELP (config.c), over <see cref="ConfigRegistry"/>.</summary>
internal static partial class ServerCommands
{
    /// <summary>CONFIG GET parameter [parameter ...]: a map of name to value (glob patterns allowed).</summary>
    public static void ConfigGet(Client c)
    {
        var patterns = new string[c.Argc - 2];
        for (int i = 2; i < c.Argc; i++) patterns[i - 2] = Encoding.UTF8.GetString(c.Args[i]);
        List<(string Name, string Value)> matches = c.Server.Config.Registry.GetMatching(patterns);
        c.Reply.WriteMapHeader(matches.Count);
        foreach ((string name, string value) in matches)
        {
            c.Reply.WriteBulk(name);
            c.Reply.WriteBulk(value);
        }
    }

    /// <summary>CONFIG SET parameter value [parameter value ...]: all or nothing.</summary>
    public static void ConfigSet(Client c)
    {
        if ((c.Argc & 1) != 0)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        var pairs = new List<(string, string)>();
        ConfigRegistry registry = c.Server.Config.Registry;
        for (int i = 2; i < c.Argc; i += 2)
        {
            string name = Encoding.UTF8.GetString(c.Args[i]);
            pairs.Add((name, Encoding.UTF8.GetString(c.Args[i + 1])));
            // config.c configSetCommand: a secret's value never reaches the SLOWLOG.
            if (registry.Find(name) is { } p && (p.Flags & ConfigFlags.Sensitive) != 0) c.RedactArgument(i + 1);
        }
        RedisServer server = c.Server;
        string? error = registry.SetMany(pairs, AllowProtected(c, registry), changed => ApplyListenerChange(server, changed));
        if (error is null) c.Reply.WriteOk();
        else c.Reply.WriteError(error);
    }

    /// <summary>updatePort / applyBind (config.c): a changed port or bind address list rebinds the listeners.</summary>
    private static string? ApplyListenerChange(RedisServer server, IReadOnlyList<ConfigParameter> changed)
    {
        foreach (ConfigParameter p in changed)
        {
            // config.c updateAppendonly / updateAppendFsync.
            if (p.Name == "appendonly")
            {
                if (!server.Config.AppendOnly)
                {
                    server.Aof.Disable();
                    continue;
                }
                string? aofError = server.Aof.Enable();
                if (aofError is not null) return aofError;
                continue;
            }
            if (p.Name == "appendfsync")
            {
                server.Aof.PolicyChanged();
                continue;
            }
            if (p.Name == "maxmemory")
            {
                server.Eviction.MaxMemoryChanged();
                continue;
            }
            if (p.Name == "aof-disable-auto-gc")
            {
                // config.c updateAofAutoGCEnabled.
                server.Aof.DeleteHistory();
                continue;
            }
            if (p.Name is not ("port" or "bind")) continue;
            if (server.TryRebind()) return null;
            string reason = p.Name == "port" ? "Unable to listen on this port" : "Failed to bind to specified addresses.";
            return $"ERR CONFIG SET failed (possibly related to argument '{p.Name}') - {reason}";
        }
        return null;
    }

    /// <summary>allowProtectedAction (server.c): enable-protected-configs yes, or local for loopback clients.</summary>
    private static bool AllowProtected(Client c, ConfigRegistry registry) => AllowProtectedAction(c, "enable-protected-configs");

    /// <summary>allowProtectedAction (server.c) for <paramref name="option"/>: yes, or local for a loopback client.</summary>
    internal static bool AllowProtectedAction(Client c, string option)
    {
        string mode = c.Server.Config.Registry.Find(option)?.Get() ?? "no";
        if (mode == "yes") return true;
        if (mode != "local") return false;
        return IPEndPoint.TryParse(c.Connection.RemoteAddress, out IPEndPoint? peer) && IPAddress.IsLoopback(peer.Address);
    }

    /// <summary>CONFIG RESETSTAT: clears INFO stats, command stats and error counts.</summary>
    public static void ConfigResetStat(Client c)
    {
        ResetStats(c.Server);
        c.Reply.WriteOk();
    }

    /// <summary>
    /// What CONFIG RESETSTAT clears; also called after start-up loading, whose replayed commands Redis never counts
    /// (it runs them without call()).
    /// </summary>
    internal static void ResetStats(RedisServer server)
    {
        server.Stats.Reset();
        server.Errors.Reset();
        server.Keyspace.Stats.Reset();
        server.Metrics.Reset();
        foreach (CommandDefinition command in server.Commands.All)
        {
            ResetCommandStats(command);
            if (command.Subcommands is null) continue;
            foreach (CommandDefinition sub in command.Subcommands.All) ResetCommandStats(sub);
        }
    }

    private static void ResetCommandStats(CommandDefinition command)
    {
        command.Calls = 0;
        command.ElapsedTicks = 0;
        command.RejectedCalls = 0;
        command.FailedCalls = 0;
        command.Latency = null;
    }

    /// <summary>CONFIG REWRITE: rewrites the config file the server started with, keeping its comments.</summary>
    public static void ConfigRewrite(Client c)
    {
        RedisServer server = c.Server;
        if (server.Config.ConfigFile.Length == 0)
        {
            c.Reply.WriteError("ERR The server is running without a config file"u8);
            return;
        }
        try
        {
            // A small file written on the loop, as Redis does (rewriteConfig is synchronous too).
            ConfigRewriter.Rewrite(server.Config.Registry, server.Config.ConfigFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            server.Log.Warning($"CONFIG REWRITE failed: {e.Message}");
            c.Reply.WriteError("ERR Rewriting config file: " + e.Message);
            return;
        }
        server.Log.Notice("CONFIG REWRITE executed with success.");
        c.Reply.WriteOk();
    }

    private static readonly string[] ConfigHelpLines =
    [
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>CONFIG HELP: addReplyHelp's status lines.</summary>
    public static void ConfigHelp(Client c)
    {
        c.Reply.WriteArrayHeader(ConfigHelpLines.Length);
        foreach (string line in ConfigHelpLines) c.Reply.WriteSimpleString(Encoding.ASCII.GetBytes(line));
    }
}
