using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace RedisFast.Commands;

/// <summary>
/// Finds a command by its name as sent by the client, in any letter case, without allocating. Every command
/// executed goes through here, so nothing is folded, hashed or compared byte by byte: the name's first 8 bytes are
/// read as one word; with bit 5 set in each byte (lower case for letters) and mixed with the length it picks a slot
/// of an open-addressing table; the candidate there matches when the word differs from its name's only in bit 5 of
/// letters (one XOR and one mask), the same for bytes 8-15, and past 16 bytes the rest matches ignoring case.
/// </summary>
internal sealed class CommandLookup
{
    private readonly List<CommandDefinition> _commands = [];
    private ulong[] _keys = null!;
    private ulong[] _words = null!;
    private ulong[] _letters = null!;
    private ulong[] _words2 = null!;
    private ulong[] _letters2 = null!;
    private CommandDefinition?[] _slots = null!;
    private int _mask;
    private int _shift;

    public CommandLookup() => Rebuild();

    public int Count => _commands.Count;

    public IEnumerable<CommandDefinition> All => _commands;

    /// <summary>Adds (or replaces) a command; at start-up, so the table is simply rebuilt.</summary>
    public void Add(CommandDefinition command)
    {
        int existing = _commands.FindIndex(c => c.Name == command.Name);
        if (existing >= 0) _commands[existing] = command;
        else _commands.Add(command);
        Rebuild();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CommandDefinition? Find(ReadOnlySpan<byte> name)
    {
        int n = name.Length;
        if (n == 0) return null;
        ulong word = FirstWord(name);
        ulong key = KeyOf(word, n);
        for (int i = SlotOf(key); ; i = (i + 1) & _mask)
        {
            CommandDefinition? candidate = _slots[i];
            if (candidate is null) return null;
            // The same key means the same length; the same word up to bit 5 of the name's letters, the same bytes.
            if (_keys[i] == key && ((word ^ _words[i]) & ~_letters[i]) == 0 && (n <= 8 || MatchesPast8(name, i, candidate)))
                return candidate;
        }
    }

    public CommandDefinition? Find(string name) => Find(Encoding.ASCII.GetBytes(name));

    private bool MatchesPast8(ReadOnlySpan<byte> name, int slot, CommandDefinition candidate) =>
        ((FirstWord(name[8..]) ^ _words2[slot]) & ~_letters2[slot]) == 0
        && (name.Length <= 16 || Ascii.EqualsIgnoreCase(name[16..], candidate.NameBytes.AsSpan(16)));

    /// <summary>Bytes 0-7 little-endian, zero past the end, without reading past the span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FirstWord(ReadOnlySpan<byte> s)
    {
        if (s.Length >= 8) return BinaryPrimitives.ReadUInt64LittleEndian(s);
        if (s.Length >= 4)
        {
            // Two overlapping 4-byte reads: the shared bytes are the same in both.
            ulong low = BinaryPrimitives.ReadUInt32LittleEndian(s);
            ulong high = BinaryPrimitives.ReadUInt32LittleEndian(s[^4..]);
            return low | high << (8 * (s.Length - 4));
        }
        ulong w = s[0];
        if (s.Length > 1) w |= (ulong)s[1] << 8;
        if (s.Length > 2) w |= (ulong)s[2] << 16;
        return w;
    }

    /// <summary>The word with bit 5 set in each of its bytes (so both cases of a letter agree), mixed with the length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong KeyOf(ulong word, int length) =>
        (word | 0x2020202020202020UL >> (8 * (8 - Math.Min(length, 8)))) ^ ((ulong)(uint)length << 56 | (uint)length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotOf(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>Bit 5 of each of the first 8 bytes that is a lower-case letter: where a client's byte may differ.</summary>
    private static ulong LettersOf(ReadOnlySpan<byte> name)
    {
        ulong letters = 0;
        for (int j = 0; j < Math.Min(name.Length, 8); j++)
        {
            if (name[j] is >= (byte)'a' and <= (byte)'z') letters |= 0x20UL << (8 * j);
        }
        return letters;
    }

    private void Rebuild()
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, _commands.Count * 4));
        _mask = size - 1;
        _shift = 64 - BitOperations.Log2((uint)size);
        _keys = new ulong[size];
        _words = new ulong[size];
        _letters = new ulong[size];
        _words2 = new ulong[size];
        _letters2 = new ulong[size];
        _slots = new CommandDefinition?[size];
        foreach (CommandDefinition command in _commands)
        {
            byte[] name = command.NameBytes;
            ulong word = FirstWord(name);
            ulong key = KeyOf(word, name.Length);
            int i = SlotOf(key);
            while (_slots[i] is not null) i = (i + 1) & _mask;
            _keys[i] = key;
            _words[i] = word;
            _letters[i] = LettersOf(name);
            if (name.Length > 8)
            {
                _words2[i] = FirstWord(name.AsSpan(8));
                _letters2[i] = LettersOf(name.AsSpan(8));
            }
            _slots[i] = command;
        }
    }
}
