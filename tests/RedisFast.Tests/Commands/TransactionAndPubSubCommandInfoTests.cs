using RedisFast.Commands;
using RedisFast.Commands.Docs;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>The transaction and pub/sub commands' table entries against COMMAND INFO of the real redis-server 7.0.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class TransactionAndPubSubCommandInfoTests(DifferentialFixture f)
{
    public static TheoryData<string> Names => new()
    {
        "multi", "exec", "discard", "watch", "unwatch",
        "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "ssubscribe", "sunsubscribe", "spublish",
        "pubsub", "pubsub|channels", "pubsub|numsub", "pubsub|numpat", "pubsub|shardchannels", "pubsub|shardnumsub",
        "pubsub|help",
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ArityFlagsAndKeyPositionsMatchRedis(string name)
    {
        using RawClient real = f.Real.Connect();
        string[] lines = real.Call("COMMAND", "INFO", name).Split("\r\n");
        // *1, *N, $len, name, :arity, *flagCount, +flag..., :first, :last, :step
        Assert.Equal(name, lines[3]);
        int arity = int.Parse(lines[4].AsSpan(1));
        int flagCount = int.Parse(lines[5].AsSpan(1));
        var flags = new List<string>();
        for (int i = 0; i < flagCount; i++) flags.Add(lines[6 + i][1..]);

        string[] parts = name.Split('|');
        CommandDefinition? command = f.Fast.Server.Commands.Find(parts[0]);
        if (parts.Length == 2) command = command?.Subcommands?.Find(parts[1]);
        Assert.NotNull(command);
        Assert.Equal(arity, command!.Arity);
        Assert.Equal(int.Parse(lines[6 + flagCount].AsSpan(1)), command.FirstKey);
        Assert.Equal(int.Parse(lines[7 + flagCount].AsSpan(1)), command.LastKey);
        Assert.Equal(int.Parse(lines[8 + flagCount].AsSpan(1)), command.Step);
        Assert.Equal(string.Join(' ', flags), string.Join(' ', CommandFlagNames.Of(command.Flags)));
    }
}
