using System.Runtime.CompilerServices;
using System.Text;

namespace RedisFast.Commands.Docs;

/// <summary>
/// COMMAND INFO and COMMAND DOCS entries for the commands of one command table, taken from replies captured
/// from redis-server 7.0.15 (see README.md in this folder) in both protocols. A container command lists only
/// the subcommands the table registers, in Redis's order. Entries are built once per table, on first use,
/// so the COMMAND family only copies prepared bytes.
/// </summary>
internal sealed class CommandCatalog
{
    private static readonly ConditionalWeakTable<CommandLookup, CommandCatalog> Cache = new();
    private static readonly Lazy<Reference> Captured = new(Reference.Load);

    private readonly Dictionary<CommandDefinition, Entry> _entries = new(ReferenceEqualityComparer.Instance);

    private CommandCatalog(CommandLookup table)
    {
        Reference reference = Captured.Value;
        foreach (CommandDefinition command in table.All)
        {
            Add(reference, command);
            if (command.Subcommands is null) continue;
            foreach (CommandDefinition sub in command.Subcommands.All) Add(reference, sub);
        }
    }

    /// <summary>The catalog of <paramref name="table"/>, built on first use.</summary>
    public static CommandCatalog For(CommandLookup table) => Cache.GetValue(table, static t => new CommandCatalog(t));

    /// <summary>The COMMAND INFO entry of <paramref name="command"/> as Redis 7.0.15 encodes it in <paramref name="protocol"/>.</summary>
    public byte[] Info(CommandDefinition command, int protocol) => _entries[command].Info[protocol == 3 ? 1 : 0];

    /// <summary>The COMMAND DOCS value (the map after the name) of <paramref name="command"/>, or null if Redis has none.</summary>
    public byte[]? Docs(CommandDefinition command, int protocol) => _entries[command].Docs[protocol == 3 ? 1 : 0];

    /// <summary>ACL categories without the '@' ("read", "string", "fast"), for COMMAND LIST FILTERBY ACLCAT.</summary>
    public string[] AclCategories(CommandDefinition command) => _entries[command].AclCategories;

    /// <summary>The key specs Redis 7.0.15 declares for <paramref name="command"/>, in order (none for a command Redis lacks).</summary>
    public KeySpec[] KeySpecs(CommandDefinition command) => _entries[command].KeySpecs;

    private void Add(Reference reference, CommandDefinition command)
    {
        var entry = new Entry();
        for (int p = 0; p < 2; p++)
        {
            entry.Info[p] = BuildInfo(reference, command, p);
            entry.Docs[p] = BuildDocs(reference, command, p);
        }
        if (reference.Info[0].TryGetValue(command.FullName, out RespNode? node))
        {
            RespNode[] categories = node.Children[6].Children;
            entry.AclCategories = new string[categories.Length];
            for (int i = 0; i < categories.Length; i++) entry.AclCategories[i] = categories[i].Text!.TrimStart('@');
            RespNode[] specs = node.Children[8].Children;
            entry.KeySpecs = new KeySpec[specs.Length];
            for (int i = 0; i < specs.Length; i++) entry.KeySpecs[i] = KeySpec.Parse(specs[i]);
        }
        _entries[command] = entry;
    }

    private static byte[] BuildInfo(Reference reference, CommandDefinition command, int p)
    {
        byte[] data = reference.InfoData[p];
        if (!reference.Info[p].TryGetValue(command.FullName, out RespNode? node)) return FallbackInfo(command, p);
        if (command.Subcommands is null) return data.AsSpan(node.Start, node.End - node.Start).ToArray();

        var output = new MemoryStream();
        WriteHeader(output, node.Type, node.Children.Length);
        for (int i = 0; i < 9; i++) Copy(output, data, node.Children[i]);
        RespNode subs = node.Children[9];
        var kept = new List<CommandDefinition>();
        foreach (RespNode sub in subs.Children)
        {
            CommandDefinition? ours = FindSub(command, sub.Children[0].Text!);
            if (ours is not null) kept.Add(ours);
        }
        foreach (CommandDefinition ours in command.Subcommands.All)
            if (!kept.Contains(ours)) kept.Add(ours);
        WriteHeader(output, subs.Type, kept.Count);
        foreach (CommandDefinition ours in kept) output.Write(BuildInfo(reference, ours, p));
        return output.ToArray();
    }

    private static byte[]? BuildDocs(Reference reference, CommandDefinition command, int p)
    {
        byte[] data = reference.DocsData[p];
        if (!reference.Docs[p].TryGetValue(command.FullName, out RespNode? node)) return null;
        if (command.Subcommands is null) return data.AsSpan(node.Start, node.End - node.Start).ToArray();

        var output = new MemoryStream();
        WriteHeader(output, node.Type, node.Children.Length / 2, isMap: true);
        for (int i = 0; i < node.Children.Length; i += 2)
        {
            RespNode key = node.Children[i], value = node.Children[i + 1];
            Copy(output, data, key);
            if (key.Text != "subcommands")
            {
                Copy(output, data, value);
                continue;
            }
            var kept = new List<CommandDefinition>();
            for (int j = 0; j < value.Children.Length; j += 2)
            {
                CommandDefinition? ours = FindSub(command, value.Children[j].Text!);
                if (ours is not null) kept.Add(ours);
            }
            WriteHeader(output, value.Type, kept.Count, isMap: true);
            foreach (CommandDefinition ours in kept)
            {
                WriteBulk(output, ours.FullName);
                output.Write(BuildDocs(reference, ours, p)!);
            }
        }
        return output.ToArray();
    }

    /// <summary>The subcommand of <paramref name="container"/> whose full name is <paramref name="fullName"/> ("client|list").</summary>
    private static CommandDefinition? FindSub(CommandDefinition container, string fullName)
    {
        int bar = fullName.IndexOf('|');
        return bar < 0 ? null : container.Subcommands!.Find(fullName[(bar + 1)..]);
    }

    /// <summary>An entry for a command Redis 7.0 does not have: what addReplyCommandInfo would print for it.</summary>
    private static byte[] FallbackInfo(CommandDefinition command, int p)
    {
        var output = new MemoryStream();
        byte set = p == 1 ? (byte)'~' : (byte)'*';
        WriteHeader(output, (byte)'*', 10);
        WriteBulk(output, command.FullName);
        WriteLine(output, ':', command.Arity.ToString());
        List<string> flags = CommandFlagNames.Of(command.Flags);
        WriteHeader(output, set, flags.Count);
        foreach (string flag in flags) WriteLine(output, '+', flag);
        WriteLine(output, ':', command.FirstKey.ToString());
        WriteLine(output, ':', command.LastKey.ToString());
        WriteLine(output, ':', command.Step.ToString());
        WriteHeader(output, set, 0);
        WriteHeader(output, set, 0);
        WriteHeader(output, set, 0);
        WriteHeader(output, (byte)'*', 0);
        return output.ToArray();
    }

    private static void Copy(MemoryStream output, byte[] data, RespNode node) =>
        output.Write(data, node.Start, node.End - node.Start);

    /// <summary>An aggregate header; <paramref name="count"/> counts pairs for a map, elements otherwise.</summary>
    private static void WriteHeader(MemoryStream output, byte type, int count, bool isMap = false)
    {
        if (type == '%') WriteLine(output, '%', count.ToString());
        else WriteLine(output, (char)type, (isMap ? count * 2 : count).ToString());
    }

    private static void WriteBulk(MemoryStream output, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        WriteLine(output, '$', bytes.Length.ToString());
        output.Write(bytes);
        output.Write("\r\n"u8);
    }

    private static void WriteLine(MemoryStream output, char type, string text)
    {
        output.WriteByte((byte)type);
        output.Write(Encoding.ASCII.GetBytes(text));
        output.Write("\r\n"u8);
    }

    private sealed class Entry
    {
        public readonly byte[][] Info = new byte[2][];
        public readonly byte[]?[] Docs = new byte[2][];
        public string[] AclCategories = [];
        public KeySpec[] KeySpecs = [];
    }

    /// <summary>The captured replies, indexed by full command name ("get", "client|list"), for RESP2 [0] and RESP3 [1].</summary>
    private sealed class Reference
    {
        public readonly byte[][] InfoData = new byte[2][];
        public readonly byte[][] DocsData = new byte[2][];
        public readonly Dictionary<string, RespNode>[] Info = [new(), new()];
        public readonly Dictionary<string, RespNode>[] Docs = [new(), new()];

        public static Reference Load()
        {
            var reference = new Reference();
            for (int p = 0; p < 2; p++)
            {
                string suffix = p == 0 ? "resp2" : "resp3";
                reference.InfoData[p] = ReadResource("command-info." + suffix);
                reference.DocsData[p] = ReadResource("command-docs." + suffix);
                foreach (RespNode command in RespNode.Parse(reference.InfoData[p]).Children)
                {
                    reference.Info[p][command.Children[0].Text!] = command;
                    foreach (RespNode sub in command.Children[9].Children) reference.Info[p][sub.Children[0].Text!] = sub;
                }
                IndexDocs(reference.Docs[p], RespNode.Parse(reference.DocsData[p]));
            }
            return reference;
        }

        private static void IndexDocs(Dictionary<string, RespNode> index, RespNode map)
        {
            for (int i = 0; i < map.Children.Length; i += 2)
            {
                RespNode docs = map.Children[i + 1];
                index[map.Children[i].Text!] = docs;
                for (int j = 0; j < docs.Children.Length; j += 2)
                    if (docs.Children[j].Text == "subcommands") IndexDocs(index, docs.Children[j + 1]);
            }
        }

        private static byte[] ReadResource(string name)
        {
            using Stream stream = typeof(CommandCatalog).Assembly.GetManifestResourceStream("RedisFast.Commands.Docs." + name)
                ?? throw new InvalidOperationException($"Missing embedded resource {name}");
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
