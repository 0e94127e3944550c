using System.Runtime.CompilerServices;

namespace RedisFast.Commands;

/// <summary>
/// Finds a command by its name as sent by the client, in any letter case, without allocating: the name is
/// folded to lower case in a stack buffer and looked up through a span-keyed alternate lookup.
/// </summary>
internal sealed class CommandLookup
{
    private const int LongestName = 64;
    private readonly Dictionary<byte[], CommandDefinition> _byName = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], CommandDefinition>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;

    public CommandLookup() => _bySpan = _byName.GetAlternateLookup<ReadOnlySpan<byte>>();

    public int Count => _byName.Count;

    public IEnumerable<CommandDefinition> All => _byName.Values;

    public void Add(CommandDefinition command) => _byName[System.Text.Encoding.ASCII.GetBytes(command.Name)] = command;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CommandDefinition? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > LongestName) return null;
        Span<byte> lower = stackalloc byte[name.Length];
        System.Text.Ascii.ToLower(name, lower, out _);
        return _bySpan.TryGetValue(lower, out CommandDefinition? command) ? command : null;
    }

    public CommandDefinition? Find(string name) => Find(System.Text.Encoding.ASCII.GetBytes(name));
}
