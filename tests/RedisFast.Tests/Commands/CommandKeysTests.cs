using System.Text;
using RedisFast.Commands;
using RedisFast.Commands.Docs;
using RedisFast.Protocol;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// The key-spec walk of <see cref="CommandKeys"/> on specs our table does not use yet (keyword searches, ranges
/// with a limit), for Redis 7.0 commands registered here in a test-only table with their captured specs; the
/// answer is what redis-server's COMMAND GETKEYSANDFLAGS says for the same line.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class CommandKeysTests(DifferentialFixture f)
{
    [Theory]
    // XREAD: keyword STREAMS searched from 1, then half of the remaining arguments (range -1, limit 2).
    [InlineData("XREAD STREAMS a b 0 0")]
    [InlineData("XREAD COUNT 2 STREAMS a b c 0 0 0")]
    [InlineData("XREAD COUNT 2 BLOCK 0 streams a 0")]
    [InlineData("XREAD STREAMS a b 0")]
    [InlineData("XREAD COUNT STREAMS STREAMS a 0")]
    [InlineData("XREAD COUNT 1 STREAMS")]
    [InlineData("XREAD COUNT 1 BLOCK 0")]
    [InlineData("XREADGROUP GROUP g c STREAMS a 0")]
    [InlineData("XREADGROUP GROUP g c COUNT 1 STREAMS a b 0 0")]
    [InlineData("XREADGROUP GROUP STREAMS c STREAMS a 0")]
    // GEORADIUS: an index spec, then the STORE and STOREDIST keywords searched from 6 (5 BYMEMBER).
    [InlineData("GEORADIUS k 0 0 10 km")]
    [InlineData("GEORADIUS k 0 0 10 km STORE d")]
    [InlineData("GEORADIUS k 0 0 10 km STOREDIST d2 store d")]
    [InlineData("GEORADIUS k 0 0 10 km STORE")]
    [InlineData("GEORADIUSBYMEMBER k m 10 km STORE d")]
    [InlineData("GEORADIUSBYMEMBER k m 10 km COUNT 3 STOREDIST d")]
    public void KeywordAndLimitSpecsFindTheKeysRedisFinds(string line)
    {
        string[] args = line.Split(' ');
        CommandLookup table = new();
        table.Add("xread", -4, CommandFlags.ReadOnly | CommandFlags.Blocking | CommandFlags.MovableKeys, 0, 0, 0, null, "stream");
        table.Add("xreadgroup", -7, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.MovableKeys, 0, 0, 0, null, "stream");
        table.Add("georadius", -6, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.MovableKeys, 1, 1, 1, null, "geo");
        table.Add("georadiusbymember", -5, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.MovableKeys, 1, 1, 1, null, "geo");
        CommandDefinition command = table.Find(args[0])!;

        var keys = new List<KeyReference>();
        CommandKeys.Find(command, CommandCatalog.For(table).KeySpecs(command), Arguments(["COMMAND", "GETKEYSANDFLAGS", .. args]), 2, keys);
        var ours = new StringBuilder();
        if (keys.Count == 0) ours.Append("-ERR Invalid arguments specified for command\r\n");
        else
        {
            ours.Append('*').Append(keys.Count).Append("\r\n");
            foreach (KeyReference key in keys)
            {
                ours.Append("*2\r\n$").Append(args[key.Position].Length).Append("\r\n").Append(args[key.Position]).Append("\r\n");
                var names = KeySpec.FlagNames.Where(n => (key.Flags & n.Flag) != 0).Select(n => n.Name).ToList();
                ours.Append('*').Append(names.Count).Append("\r\n");
                foreach (string name in names) ours.Append('+').Append(name).Append("\r\n");
            }
        }

        using RawClient real = f.Real.Connect();
        Assert.Equal(real.Call(["COMMAND", "GETKEYSANDFLAGS", .. args]), ours.ToString());
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("12", 12)]
    [InlineData("  \t+7", 7)]
    [InlineData("-3abc", -3)]
    [InlineData("abc", 0)]
    [InlineData("", 0)]
    [InlineData("4294967298", 2)]
    [InlineData("99999999999999999999", -1)]
    [InlineData("-99999999999999999999", 0)]
    public void AtoiReadsNumbersAsGlibcAtoiDoes(string text, int expected) =>
        Assert.Equal(expected, CommandKeys.Atoi(Encoding.ASCII.GetBytes(text)));

    private static CommandArguments Arguments(string[] args)
    {
        var arguments = new CommandArguments();
        var buffer = new MemoryStream();
        var offsets = new List<(int Offset, int Length)>();
        foreach (string arg in args)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(arg);
            offsets.Add(((int)buffer.Length, bytes.Length));
            buffer.Write(bytes);
        }
        arguments.Buffer = buffer.ToArray();
        foreach ((int offset, int length) in offsets) arguments.Add(offset, length);
        return arguments;
    }
}
