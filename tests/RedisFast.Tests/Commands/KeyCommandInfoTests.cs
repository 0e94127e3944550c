using RedisFast.Commands;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>The key commands' table entries against COMMAND INFO of the real redis-server 7.0.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class KeyCommandInfoTests(DifferentialFixture f)
{
    public static TheoryData<string> Names => new()
    {
        "del", "unlink", "exists", "type", "touch", "keys", "scan", "rename", "renamenx", "randomkey", "copy",
        "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist",
        "object", "object|encoding", "object|refcount", "object|idletime", "object|freq", "object|help",
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ArityFlagsAndKeyPositionsMatchRedis(string name)
    {
        using RawClient real = f.Real.Connect();
        string[] lines = real.Call("COMMAND", "INFO", name).Split("\r\n");
        // *1, *N (N ≥ 10), $len, name, :arity, *flagCount, +flag..., :first, :last, :step
        Assert.Equal(name, lines[3]);
        int arity = int.Parse(lines[4].AsSpan(1));
        int flagCount = int.Parse(lines[5].AsSpan(1));
        var flags = new SortedSet<string>();
        for (int i = 0; i < flagCount; i++) flags.Add(lines[6 + i][1..]);
        int first = int.Parse(lines[6 + flagCount].AsSpan(1));
        int last = int.Parse(lines[7 + flagCount].AsSpan(1));
        int step = int.Parse(lines[8 + flagCount].AsSpan(1));

        string[] parts = name.Split('|');
        CommandDefinition? command = f.Fast.Server.Commands.Find(parts[0]);
        if (parts.Length == 2) command = command?.Subcommands?.Find(parts[1]);
        Assert.NotNull(command);
        Assert.Equal(arity, command!.Arity);
        Assert.Equal(first, command.FirstKey);
        Assert.Equal(last, command.LastKey);
        Assert.Equal(step, command.Step);
        Assert.Equal(string.Join(' ', flags), string.Join(' ', FlagNames(command.Flags)));
    }

    private static SortedSet<string> FlagNames(CommandFlags flags)
    {
        var names = new SortedSet<string>();
        if ((flags & CommandFlags.Write) != 0) names.Add("write");
        if ((flags & CommandFlags.ReadOnly) != 0) names.Add("readonly");
        if ((flags & CommandFlags.DenyOom) != 0) names.Add("denyoom");
        if ((flags & CommandFlags.Admin) != 0) names.Add("admin");
        if ((flags & CommandFlags.Fast) != 0) names.Add("fast");
        if ((flags & CommandFlags.Loading) != 0) names.Add("loading");
        if ((flags & CommandFlags.Stale) != 0) names.Add("stale");
        if ((flags & CommandFlags.NoScript) != 0) names.Add("noscript");
        if ((flags & CommandFlags.MovableKeys) != 0) names.Add("movablekeys");
        return names;
    }
}
