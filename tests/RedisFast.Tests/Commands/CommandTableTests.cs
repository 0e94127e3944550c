using System.Text;
using RedisFast.Commands;
using RedisFast.Commands.Docs;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Every command registered in <see cref="CommandTable.Create"/> must declare what redis-server 7.0 declares,
/// so a registration mistake anywhere fails here.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class CommandTableTests(DifferentialFixture f)
{
    [Fact]
    public void EveryRegisteredCommandHasRedisArityFlagsAndKeyPositions()
    {
        CommandLookup table = CommandTable.Create();
        var problems = new StringBuilder();
        using RawClient real = f.Real.Connect();
        foreach (CommandDefinition command in AllCommands(table))
        {
            RespNode reply = RespNode.Parse(Encoding.Latin1.GetBytes(real.Call("COMMAND", "INFO", command.FullName)));
            RespNode entry = reply.Children[0];
            if (entry.Children.Length == 0)
            {
                problems.AppendLine($"{command.FullName}: not a Redis 7.0 command");
                continue;
            }
            string expected = Describe(entry.Children[1].Text!, entry.Children[2].Children.Select(x => x.Text!),
                entry.Children[3].Text!, entry.Children[4].Text!, entry.Children[5].Text!);
            string actual = Describe(command.Arity.ToString(), CommandFlagNames.Of(command.Flags),
                command.FirstKey.ToString(), command.LastKey.ToString(), command.Step.ToString());
            if (expected != actual) problems.AppendLine($"{command.FullName}: redis {expected}, ours {actual}");
        }
        Assert.True(problems.Length == 0, "Command table differs from redis-server 7.0:\n" + problems);
    }

    [Fact]
    public void EveryRegisteredContainerCommandIsAContainerInRedis()
    {
        using RawClient real = f.Real.Connect();
        foreach (CommandDefinition command in CommandTable.Create().All)
        {
            RespNode entry = RespNode.Parse(Encoding.Latin1.GetBytes(real.Call("COMMAND", "INFO", command.Name))).Children[0];
            Assert.Equal(command.Subcommands is not null, entry.Children.Length == 10 && entry.Children[9].Children.Length > 0);
        }
    }

    internal static IEnumerable<CommandDefinition> AllCommands(CommandLookup table)
    {
        foreach (CommandDefinition command in table.All)
        {
            yield return command;
            if (command.Subcommands is null) continue;
            foreach (CommandDefinition sub in command.Subcommands.All) yield return sub;
        }
    }

    private static string Describe(string arity, IEnumerable<string> flags, string first, string last, string step) =>
        $"arity={arity} flags=[{string.Join(',', flags)}] keys={first},{last},{step}";
}
