using System.Text;
using RedisFast.Commands.Docs;
using RedisFast.Protocol;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// COMMAND and its subcommands (Redis's server.c, commandCommand and friends). INFO and DOCS answer from the
/// replies captured from redis-server 7.0.15 (<see cref="CommandCatalog"/>), for the commands of our table only.
/// </summary>
internal static class CommandCommand
{
    private static readonly string[] HelpLines =
    [
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        CommandDefinition command = t.Add("command", -1, Loading | Stale, 0, 0, 0, All, "server");
        command.Sub("count", 2, Loading | Stale, 0, 0, 0, Count);
        command.Sub("info", -2, Loading | Stale, 0, 0, 0, Info);
        command.Sub("docs", -2, Loading | Stale, 0, 0, 0, Docs);
        command.Sub("list", -2, Loading | Stale, 0, 0, 0, List);
        command.Sub("getkeys", -4, Loading | Stale, 0, 0, 0, GetKeys);
        command.Sub("getkeysandflags", -4, Loading | Stale, 0, 0, 0, GetKeysAndFlags);
        command.Sub("help", 2, Loading | Stale, 0, 0, 0, Help);
    }

    /// <summary>COMMAND: the INFO entry of every top-level command.</summary>
    public static void All(Client c)
    {
        CommandCatalog catalog = CommandCatalog.For(c.Server.Commands);
        c.Reply.WriteArrayHeader(c.Server.Commands.Count);
        foreach (CommandDefinition command in c.Server.Commands.All) c.Reply.WriteRaw(catalog.Info(command, c.Reply.Protocol));
    }

    /// <summary>COMMAND COUNT: the number of top-level commands.</summary>
    public static void Count(Client c) => c.Reply.WriteInteger(c.Server.Commands.Count);

    /// <summary>COMMAND INFO [command-name ...]: a null entry for each unknown name.</summary>
    public static void Info(Client c)
    {
        if (c.Argc == 2)
        {
            All(c);
            return;
        }
        CommandCatalog catalog = CommandCatalog.For(c.Server.Commands);
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int i = 2; i < c.Argc; i++)
        {
            CommandDefinition? command = FindByFullName(c.Server.Commands, c.Args[i]);
            if (command is null) c.Reply.WriteNull();
            else c.Reply.WriteRaw(catalog.Info(command, c.Reply.Protocol));
        }
    }

    /// <summary>COMMAND DOCS [command-name ...]: a map from full name to docs; unknown names are left out.</summary>
    public static void Docs(Client c)
    {
        CommandCatalog catalog = CommandCatalog.For(c.Server.Commands);
        var found = new List<CommandDefinition>();
        if (c.Argc == 2)
        {
            foreach (CommandDefinition command in c.Server.Commands.All)
                if (catalog.Docs(command, 2) is not null) found.Add(command);
        }
        else
        {
            for (int i = 2; i < c.Argc; i++)
            {
                CommandDefinition? command = FindByFullName(c.Server.Commands, c.Args[i]);
                if (command is not null && catalog.Docs(command, 2) is not null) found.Add(command);
            }
        }
        c.Reply.WriteMapHeader(found.Count);
        foreach (CommandDefinition command in found)
        {
            c.Reply.WriteBulk(command.FullName);
            c.Reply.WriteRaw(catalog.Docs(command, c.Reply.Protocol));
        }
    }

    /// <summary>COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: full names, subcommands included.</summary>
    public static void List(Client c)
    {
        string? aclCategory = null;
        byte[]? pattern = null;
        if (c.Argc == 5 && Ascii.EqualsIgnoreCase(c.Args[2], "filterby"u8))
        {
            ReadOnlySpan<byte> filter = c.Args[3];
            if (Ascii.EqualsIgnoreCase(filter, "module"u8))
            {
                // No modules can be loaded, so no command belongs to one.
                c.Reply.WriteArrayHeader(0);
                return;
            }
            if (Ascii.EqualsIgnoreCase(filter, "aclcat"u8)) aclCategory = Encoding.UTF8.GetString(c.Args[4]);
            else if (Ascii.EqualsIgnoreCase(filter, "pattern"u8)) pattern = c.Args[4].ToArray();
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        else if (c.Argc != 2)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        CommandCatalog catalog = CommandCatalog.For(c.Server.Commands);
        var names = new List<string>();
        foreach (CommandDefinition command in c.Server.Commands.All)
        {
            AddIfMatches(names, catalog, command, aclCategory, pattern);
            if (command.Subcommands is null) continue;
            foreach (CommandDefinition sub in command.Subcommands.All) AddIfMatches(names, catalog, sub, aclCategory, pattern);
        }
        c.Reply.WriteArrayHeader(names.Count);
        foreach (string name in names) c.Reply.WriteBulk(name);
    }

    private static void AddIfMatches(List<string> names, CommandCatalog catalog, CommandDefinition command, string? aclCategory, byte[]? pattern)
    {
        if (pattern is not null && !GlobMatcher.IsMatch(pattern, Encoding.ASCII.GetBytes(command.FullName), ignoreCase: true)) return;
        if (aclCategory is not null && !HasCategory(catalog.AclCategories(command), aclCategory)) return;
        names.Add(command.FullName);
    }

    private static bool HasCategory(string[] categories, string wanted)
    {
        foreach (string category in categories)
            if (string.Equals(category, wanted, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>COMMAND GETKEYS command [arg ...]: the keys of a full command line.</summary>
    public static void GetKeys(Client c) => GetKeysGeneric(c, withFlags: false);

    /// <summary>COMMAND GETKEYSANDFLAGS command [arg ...]: each key of a full command line with its key-spec flags.</summary>
    public static void GetKeysAndFlags(Client c) => GetKeysGeneric(c, withFlags: true);

    /// <summary>
    /// server.c getKeysSubcommandImpl: the command line starts at argument 2. Checks in Redis's order: the command
    /// exists, it has keys at all, its arity fits; then no keys found is an error unless the command's keys are
    /// optional (no_mandatory_keys).
    /// </summary>
    private static void GetKeysGeneric(Client c, bool withFlags)
    {
        // lookupCommand(argv+2, argc-2): a container's subcommand is the next argument.
        CommandDefinition? command = c.Server.Commands.Find(c.Args[2]);
        if (command?.Subcommands is not null && c.Argc > 3) command = command.Subcommands.Find(c.Args[3]);
        if (command is null)
        {
            c.Reply.WriteError("ERR Invalid command specified"u8);
            return;
        }
        KeySpec[] specs = CommandCatalog.For(c.Server.Commands).KeySpecs(command);
        if (!CommandKeys.HasKeys(command, specs))
        {
            c.Reply.WriteError("ERR The command has no key arguments"u8);
            return;
        }
        int argc = c.Argc - 2;
        if ((command.Arity > 0 && command.Arity != argc) || argc < -command.Arity)
        {
            c.Reply.WriteError("ERR Invalid number of arguments specified for command"u8);
            return;
        }
        var keys = new List<KeyReference>();
        if (CommandKeys.Find(command, specs, c.Args, 2, keys) == 0)
        {
            if ((command.Flags & NoMandatoryKeys) != 0) c.Reply.WriteArrayHeader(0);
            else c.Reply.WriteError("ERR Invalid arguments specified for command"u8);
            return;
        }
        c.Reply.WriteArrayHeader(keys.Count);
        foreach (KeyReference key in keys)
        {
            if (!withFlags)
            {
                c.Reply.WriteBulk(c.Args[key.Position + 2]);
                continue;
            }
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(c.Args[key.Position + 2]);
            WriteKeyFlags(c, key.Flags);
        }
    }

    /// <summary>server.c addReplyFlagsForKeyArgs: a set of status replies in Redis's flag order.</summary>
    private static void WriteKeyFlags(Client c, KeySpecFlags flags)
    {
        int count = 0;
        foreach ((KeySpecFlags flag, string _) in KeySpec.FlagNames)
            if ((flags & flag) != 0) count++;
        c.Reply.WriteSetHeader(count);
        foreach ((KeySpecFlags flag, string name) in KeySpec.FlagNames)
            if ((flags & flag) != 0) c.Reply.WriteSimpleString(Encoding.ASCII.GetBytes(name));
    }

    /// <summary>COMMAND HELP</summary>
    public static void Help(Client c) => WriteHelp(c, HelpLines);

    /// <summary>Writes a HELP reply: an array of simple strings (Redis's addReplyHelp).</summary>
    public static void WriteHelp(Client c, string[] lines)
    {
        c.Reply.WriteArrayHeader(lines.Length);
        foreach (string line in lines) c.Reply.WriteSimpleString(Encoding.ASCII.GetBytes(line));
    }

    /// <summary>
    /// Finds a command by "name" or "container|sub" in any letter case, as Redis's lookupCommandBySds does for
    /// COMMAND INFO and DOCS.
    /// </summary>
    public static CommandDefinition? FindByFullName(CommandLookup table, ReadOnlySpan<byte> name)
    {
        int bar = name.IndexOf((byte)'|');
        if (bar < 0) return table.Find(name);
        CommandDefinition? container = table.Find(name[..bar]);
        ReadOnlySpan<byte> rest = name[(bar + 1)..];
        if (container?.Subcommands is null || rest.IndexOf((byte)'|') >= 0) return null;
        return container.Subcommands.Find(rest);
    }
}
