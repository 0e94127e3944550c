using System.Text.RegularExpressions;
using RedisFast.Commands;
using RedisFast.Commands.Docs;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// COMMAND GETKEYS and GETKEYSANDFLAGS against redis-server 7.0, in RESP2 and RESP3: hand-written cases for the
/// errors and the movable-key commands, and generated command lines for every command of our table.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class CommandGetKeysTests(DifferentialFixture f)
{
    [GeneratedRegex(@"\$2\r\nid\r\n:\d+\r\n")]
    private static partial Regex HelloId();

    private static string NormalizeHelloId(string reply) => HelloId().Replace(reply, "$2\r\nid\r\n:ID\r\n");

    private void AssertSame(int protocol, string script) =>
        Differential.AssertSameReplies(f, Differential.Script($"HELLO {protocol}\n" + script), NormalizeHelloId);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void GetKeysErrorsAreRedisErrorsInRedisOrder(int protocol) => AssertSame(protocol, """
        COMMAND GETKEYS
        COMMAND GETKEYS get
        COMMAND GETKEYSANDFLAGS get
        COMMAND GETKEYS nosuchcommand a
        COMMAND GETKEYS nosuchcommand a b c
        COMMAND GETKEYS config nosuchsub
        COMMAND GETKEYS object nosuchsub k
        COMMAND GETKEYS ping a
        COMMAND GETKEYS ping a b c
        COMMAND GETKEYS dbsize x
        COMMAND GETKEYS publish chan msg
        COMMAND GETKEYS spublish chan msg
        COMMAND GETKEYS ssubscribe a b
        COMMAND GETKEYS subscribe a b
        COMMAND GETKEYS get a b
        COMMAND GETKEYSANDFLAGS get a b
        COMMAND GETKEYS set a
        COMMAND GETKEYS hset h f
        COMMAND GETKEYS zunionstore d 0 a
        COMMAND GETKEYS zunionstore d -1 a
        COMMAND GETKEYS zunionstore d 5 a b
        COMMAND GETKEYS zunionstore d abc a b
        COMMAND GETKEYS zunion 99999999999 a b
        COMMAND GETKEYS zunion 4294967298 a b
        COMMAND GETKEYS sintercard 0 a
        COMMAND GETKEYS lmpop 3 a b left
        COMMAND GETKEYS blmpop 0 0 a left
        COMMAND GETKEYS exec a
        COMMAND GETKEYS multi
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void GetKeysAndFlagsReturnEachKeyWithItsKeySpecFlags(int protocol) => AssertSame(protocol, """
        COMMAND GETKEYS get k
        COMMAND GETKEYSANDFLAGS get k
        COMMAND GETKEYS GeT k
        COMMAND GETKEYSANDFLAGS set k v
        COMMAND GETKEYSANDFLAGS set k v get
        COMMAND GETKEYSANDFLAGS set k v nx GeT ex 10
        COMMAND GETKEYSANDFLAGS set k get
        COMMAND GETKEYSANDFLAGS mset a 1 b 2 c 3
        COMMAND GETKEYS mset a 1 b
        COMMAND GETKEYSANDFLAGS msetnx a 1 b 2
        COMMAND GETKEYSANDFLAGS del a b c
        COMMAND GETKEYSANDFLAGS rename a b
        COMMAND GETKEYSANDFLAGS copy a b db 3 replace
        COMMAND GETKEYSANDFLAGS move a 1
        COMMAND GETKEYSANDFLAGS lmove a b left right
        COMMAND GETKEYSANDFLAGS blmove a b left right 0
        COMMAND GETKEYSANDFLAGS blpop a b c 0
        COMMAND GETKEYSANDFLAGS smove a b m
        COMMAND GETKEYSANDFLAGS sinterstore d a b
        COMMAND GETKEYSANDFLAGS zrangestore d s 0 -1
        COMMAND GETKEYSANDFLAGS object encoding k
        COMMAND GETKEYSANDFLAGS OBJECT FREQ k
        COMMAND GETKEYSANDFLAGS watch a b
        COMMAND GETKEYSANDFLAGS lcs a b
        COMMAND GETKEYSANDFLAGS hrandfield h 2 withvalues
        COMMAND GETKEYSANDFLAGS zadd z 1 m
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void MovableKeyCommandsFindTheirKeysFromNumkeysAsRedisDoes(int protocol) => AssertSame(protocol, """
        COMMAND GETKEYSANDFLAGS zunionstore d 2 a b
        COMMAND GETKEYSANDFLAGS zunionstore d 2 a b weights 1 2 aggregate max
        COMMAND GETKEYSANDFLAGS zinterstore d 1 a b
        COMMAND GETKEYSANDFLAGS zdiffstore d 3 a b c
        COMMAND GETKEYSANDFLAGS zunion 2 a b withscores
        COMMAND GETKEYSANDFLAGS zinter 1 a
        COMMAND GETKEYSANDFLAGS zdiff 2 a b
        COMMAND GETKEYSANDFLAGS zintercard 2 a b limit 3
        COMMAND GETKEYSANDFLAGS sintercard 2 a b limit 3
        COMMAND GETKEYSANDFLAGS lmpop 2 a b left count 3
        COMMAND GETKEYSANDFLAGS blmpop 0 2 a b right
        COMMAND GETKEYSANDFLAGS zmpop 1 a min
        COMMAND GETKEYSANDFLAGS bzmpop 1.5 2 a b max count 2
        # numkeys that string2ll rejects but atoi reads: the key specs fail and genericGetKeys answers (store key last, no flags)
        COMMAND GETKEYSANDFLAGS zunionstore d 2x a b
        COMMAND GETKEYSANDFLAGS zunionstore d " 2" a b
        COMMAND GETKEYSANDFLAGS zinterstore d +1 a b
        COMMAND GETKEYSANDFLAGS zdiffstore d 02 a b
        COMMAND GETKEYSANDFLAGS zunion 1abc a b
        COMMAND GETKEYSANDFLAGS zintercard 2.0 a b
        COMMAND GETKEYSANDFLAGS sintercard 1x a
        COMMAND GETKEYSANDFLAGS lmpop 2x a b left
        COMMAND GETKEYSANDFLAGS blmpop 0 1x a left
        COMMAND GETKEYSANDFLAGS zmpop 1x a min
        COMMAND GETKEYSANDFLAGS bzmpop 0 1x a min
        COMMAND GETKEYSANDFLAGS zunion 4294967297 a b
        COMMAND GETKEYSANDFLAGS zunion -4294967295 a b
        COMMAND GETKEYSANDFLAGS zunion "" a b
        """);

    /// <summary>
    /// Every command of our table (subcommands included) with generated argument lists: its minimum arity and,
    /// for variadic commands, a few more arguments; each list as plain key-like names and again with a number
    /// ("2", "2x", "0", "get") in each position, so numkeys and option scans are exercised wherever they are.
    /// The answer is whatever redis-server says.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void GetKeysOfGeneratedCommandLinesForEveryRegisteredCommandMatchRedis(int protocol)
    {
        var script = new List<string[]> { new[] { "HELLO", protocol.ToString() } };
        foreach (CommandDefinition command in CommandTableTests.AllCommands(CommandTable.Create()))
        {
            if (command.Subcommands is not null) continue;
            foreach (string[] line in SampleLines(command))
            {
                if (protocol == 2) script.Add(["COMMAND", "GETKEYS", .. line]);
                script.Add(["COMMAND", "GETKEYSANDFLAGS", .. line]);
            }
        }
        Assert.True(script.Count > 1000, $"only {script.Count} generated lines");
        Differential.AssertSameReplies(f, script, NormalizeHelloId);
    }

    private static IEnumerable<string[]> SampleLines(CommandDefinition command)
    {
        var prefix = new List<string>();
        if (command.Parent is not null) prefix.Add(command.Parent.Name);
        prefix.Add(command.Name);
        int minimum = Math.Abs(command.Arity);
        int[] lengths = command.Arity > 0 ? [minimum] : [minimum, minimum + 1, minimum + 2, minimum + 4];
        foreach (int length in lengths)
        {
            var args = new string[length];
            for (int i = 0; i < prefix.Count; i++) args[i] = prefix[i];
            for (int i = prefix.Count; i < length; i++) args[i] = "k" + i;
            yield return args;
            foreach (string special in (string[])["2", "2x", "0", "get"])
            {
                for (int i = prefix.Count; i < length; i++)
                {
                    var variant = (string[])args.Clone();
                    variant[i] = special;
                    yield return variant;
                }
            }
        }
        // One argument short and one too many, for the arity check.
        if (minimum > prefix.Count) yield return [.. prefix, .. Enumerable.Range(prefix.Count, minimum - prefix.Count - 1).Select(i => "k" + i)];
        if (command.Arity > 0) yield return [.. prefix, .. Enumerable.Range(prefix.Count, minimum - prefix.Count + 1).Select(i => "k" + i)];
    }

    [Fact]
    public void EveryRegisteredMovableKeysCommandHasKeysFoundFromItsNumkeys()
    {
        // The generated lines above only prove something about movable commands if our table has them.
        CommandLookup table = CommandTable.Create();
        foreach (string name in (string[])["zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff", "zintercard",
                     "sintercard", "lmpop", "blmpop", "zmpop", "bzmpop"])
        {
            CommandDefinition command = table.Find(name)!;
            Assert.True((command.Flags & CommandFlags.MovableKeys) != 0, name);
            Assert.Contains(CommandCatalog.For(table).KeySpecs(command), s => s.FindKeys == FindKeys.KeyNum);
        }
    }
}
