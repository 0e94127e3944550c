using RedisFast.Commands;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>The list commands' arity, flags and key positions match COMMAND INFO on redis-server 7.0.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class ListCommandTableTests(DifferentialFixture f)
{
    public static TheoryData<string> Names() =>
    [
        "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "lrem",
        "ltrim", "linsert", "lpos", "lmove", "rpoplpush", "lmpop", "blpop", "brpop", "blmove", "brpoplpush", "blmpop",
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void RegistrationMatchesCommandInfoOfRedis(string name)
    {
        using RawClient real = f.Real.Connect();
        // Reply starts: *1 *10 $len name :arity *nflags +flag... :first :last :step
        string[] lines = real.Call("COMMAND", "INFO", name).Split("\r\n");
        Assert.Equal(name, lines[3]);
        int arity = int.Parse(lines[4][1..]);
        int flagCount = int.Parse(lines[5][1..]);
        var flags = new SortedSet<string>();
        for (int i = 0; i < flagCount; i++) flags.Add(lines[6 + i][1..]);
        int first = int.Parse(lines[6 + flagCount][1..]);
        int last = int.Parse(lines[7 + flagCount][1..]);
        int step = int.Parse(lines[8 + flagCount][1..]);

        CommandDefinition? command = f.Fast.Server.Commands.Find(name);
        Assert.NotNull(command);
        Assert.Equal(arity, command.Arity);
        Assert.Equal(first, command.FirstKey);
        Assert.Equal(last, command.LastKey);
        Assert.Equal(step, command.Step);
        var ours = new SortedSet<string>();
        foreach (CommandFlags flag in Enum.GetValues<CommandFlags>())
            if (flag != CommandFlags.None && command.Flags.HasFlag(flag)) ours.Add(flag.ToString().ToLowerInvariant());
        Assert.Equal(flags, ours);
        Assert.Equal("list", command.Group);
    }
}
