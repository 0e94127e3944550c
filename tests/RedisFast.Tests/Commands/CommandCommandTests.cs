using System.Text;
using System.Text.RegularExpressions;
using RedisFast.Commands;
using RedisFast.Commands.Docs;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>COMMAND and its subcommands against redis-server 7.0, in RESP2 and RESP3.</summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class CommandCommandTests(DifferentialFixture f)
{
    [GeneratedRegex(@"\$2\r\nid\r\n:\d+\r\n")]
    private static partial Regex HelloId();

    private static string NormalizeHelloId(string reply) => HelloId().Replace(reply, "$2\r\nid\r\n:ID\r\n");

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void CommandInfoOfEveryPlainCommandIsRedisReplyByteForByte(string protocol)
    {
        var script = new List<string[]> { new[] { "HELLO", protocol } };
        foreach (CommandDefinition command in CommandTableTests.AllCommands(CommandTable.Create()))
            if (command.Subcommands is null) script.Add(["COMMAND", "INFO", command.FullName]);
        Differential.AssertSameReplies(f, script, NormalizeHelloId);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void CommandDocsOfEveryPlainCommandIsRedisReplyByteForByte(string protocol)
    {
        var script = new List<string[]> { new[] { "HELLO", protocol } };
        foreach (CommandDefinition command in CommandTableTests.AllCommands(CommandTable.Create()))
            if (command.Subcommands is null) script.Add(["COMMAND", "DOCS", command.FullName]);
        Differential.AssertSameReplies(f, script, NormalizeHelloId);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void UnknownNamesAndErrorsAnswerLikeRedis(string protocol)
    {
        Differential.AssertSameReplies(f, Differential.Script($"""
            HELLO {protocol}
            COMMAND INFO nosuch
            COMMAND INFO get nosuch GET client|list CLIENT|ID get|x client|nosuch a|b|c
            COMMAND DOCS nosuch
            COMMAND DOCS get nosuch Get client|list client|nosuch
            COMMAND COUNT x
            COMMAND FOO
            COMMAND HELP
            COMMAND HELP x
            COMMAND LIST x
            COMMAND LIST FILTERBY
            COMMAND LIST FILTERBY foo bar
            COMMAND LIST FILTERBY pattern a b
            COMMAND LIST FILTERBY aclcat nosuch
            COMMAND LIST FILTERBY module foo
            COMMAND LIST FILTERBY pattern nosuch*
            COMMAND LIST FILTERBY pattern GET
            COMMAND LIST FILTERBY PATTERN client|L*
            """), NormalizeHelloId);
    }

    [Fact]
    public void CommandCountIsTheNumberOfTopLevelCommands()
    {
        using RawClient c = f.Fast.Connect();
        Assert.Equal($":{CommandTable.Create().Count}\r\n", c.Call("COMMAND", "COUNT"));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void CommandListsEveryTopLevelCommandWithItsInfoEntry(string protocol)
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        fast.Call("HELLO", protocol);
        real.Call("HELLO", protocol);
        byte[] reply = Encoding.Latin1.GetBytes(fast.Call("COMMAND"));
        RespNode all = RespNode.Parse(reply);
        CommandLookup table = CommandTable.Create();
        Assert.Equal(table.Count, all.Children.Length);
        foreach (RespNode entry in all.Children)
        {
            string name = entry.Children[0].Text!;
            string ours = fast.Call("COMMAND", "INFO", name);
            Assert.Equal("*1\r\n" + Raw(reply, entry), ours);
            if (table.Find(name)!.Subcommands is null) Assert.Equal(real.Call("COMMAND", "INFO", name), ours);
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void ContainerInfoAndDocsListOnlyOurSubcommandsEachAsRedisDescribesIt(string protocol)
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        fast.Call("HELLO", protocol);
        real.Call("HELLO", protocol);
        foreach (CommandDefinition container in CommandTable.Create().All)
        {
            if (container.Subcommands is null) continue;
            byte[] info = Encoding.Latin1.GetBytes(fast.Call("COMMAND", "INFO", container.Name));
            RespNode entry = RespNode.Parse(info).Children[0];
            var subs = entry.Children[9].Children;
            Assert.Equal(container.Subcommands.Count, subs.Length);
            byte[] realInfo = Encoding.Latin1.GetBytes(real.Call("COMMAND", "INFO", container.Name));
            RespNode realEntry = RespNode.Parse(realInfo).Children[0];
            for (int i = 0; i < 9; i++)
                Assert.Equal(Raw(realInfo, realEntry.Children[i]), Raw(info, entry.Children[i]));
            foreach (RespNode sub in subs)
                Assert.Equal(real.Call("COMMAND", "INFO", sub.Children[0].Text!), "*1\r\n" + Raw(info, sub));

            byte[] docs = Encoding.Latin1.GetBytes(fast.Call("COMMAND", "DOCS", container.Name));
            RespNode map = RespNode.Parse(docs).Children[1];
            RespNode? subDocs = null;
            for (int i = 0; i < map.Children.Length; i += 2)
                if (map.Children[i].Text == "subcommands") subDocs = map.Children[i + 1];
            Assert.NotNull(subDocs);
            Assert.Equal(container.Subcommands.Count * 2, subDocs.Children.Length);
            for (int i = 0; i < subDocs.Children.Length; i += 2)
            {
                string name = subDocs.Children[i].Text!;
                string expected = real.Call("COMMAND", "DOCS", name);
                string header = protocol == "3" ? "%1\r\n" : "*2\r\n";
                Assert.Equal(expected, header + Raw(docs, subDocs.Children[i]) + Raw(docs, subDocs.Children[i + 1]));
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("FILTERBY ACLCAT connection")]
    [InlineData("FILTERBY ACLCAT STRING")]
    [InlineData("FILTERBY PATTERN c*")]
    [InlineData("FILTERBY PATTERN *|*")]
    public void CommandListIsRedisListRestrictedToOurCommands(string filter)
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        string[] args = ["COMMAND", "LIST", .. filter.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        var ours = Names(fast.Call(args));
        var theirs = Names(real.Call(args));
        var registered = CommandTableTests.AllCommands(CommandTable.Create()).Select(c => c.FullName).ToHashSet();
        Assert.Equal(theirs.Where(registered.Contains).Order(), ours.Order());
    }

    [Fact]
    public void CommandDocsWithoutNamesMapsEveryTopLevelCommand()
    {
        using RawClient fast = f.Fast.Connect();
        RespNode map = RespNode.Parse(Encoding.Latin1.GetBytes(fast.Call("COMMAND", "DOCS")));
        var names = new List<string>();
        for (int i = 0; i < map.Children.Length; i += 2) names.Add(map.Children[i].Text!);
        Assert.Equal(CommandTable.Create().All.Select(c => c.Name).Order(), names.Order());
    }

    private static List<string> Names(string reply) =>
        RespNode.Parse(Encoding.Latin1.GetBytes(reply)).Children.Select(n => n.Text!).ToList();

    private static string Raw(byte[] data, RespNode node) => Encoding.Latin1.GetString(data, node.Start, node.End - node.Start);
}
