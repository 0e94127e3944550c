using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>Exact RESP3 bytes after HELLO 3 for the reply types the current commands produce.</summary>
[Collection(ServerCollection.Name)]
public sealed class Resp3ReplyTests(ServerFixture f)
{
    [Fact]
    public void HelloThreeRepliesWithAMapAndSwitchesTheConnection()
    {
        using RawClient c = f.Connect();
        string id = c.Call("CLIENT", "ID")[1..^2];
        Assert.Equal(
            "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n" +
            $"$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
            c.Call("HELLO", "3"));
        Assert.Equal(
            "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n" +
            $"$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
            c.Call("HELLO", "2"));
    }

    [Fact]
    public void NullsAreUnderscoreInResp3AndDollarMinusOneInResp2()
    {
        using RawClient c = f.Connect();
        string key = f.Key("missing");
        Assert.Equal("$-1\r\n", c.Call("GET", key));
        Assert.Equal("$-1\r\n", c.Call("CLIENT", "GETNAME"));
        Assert.Equal("*1\r\n$-1\r\n", c.Call("COMMAND", "INFO", "nosuch"));
        c.Call("HELLO", "3");
        Assert.Equal("_\r\n", c.Call("GET", key));
        Assert.Equal("_\r\n", c.Call("CLIENT", "GETNAME"));
        Assert.Equal("*1\r\n_\r\n", c.Call("COMMAND", "INFO", "nosuch"));
    }

    [Fact]
    public void SimpleStringsBulksAndIntegersAreUnchangedInResp3()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        c.Call("HELLO", "3");
        Assert.Equal("+PONG\r\n", c.Call("PING"));
        Assert.Equal("$2\r\nhi\r\n", c.Call("PING", "hi"));
        Assert.Equal("$3\r\nabc\r\n", c.Call("ECHO", "abc"));
        Assert.Equal("+OK\r\n", c.Call("SET", key, "v"));
        Assert.Equal("$1\r\nv\r\n", c.Call("GET", key));
        Assert.Equal("+OK\r\n", c.Call("SELECT", "0"));
        Assert.Matches(@"^:\d+\r\n$", c.Call("CLIENT", "ID"));
        Assert.Matches(@"^:\d+\r\n$", c.Call("COMMAND", "COUNT"));
        Assert.Equal("-ERR DB index is out of range\r\n", c.Call("SELECT", "99"));
    }

    [Fact]
    public void ClientInfoAndListAreVerbatimStringsInResp3()
    {
        using RawClient c = f.Connect();
        string info2 = c.Call("CLIENT", "INFO");
        Assert.StartsWith("$", info2);
        c.Call("HELLO", "3");
        string info3 = c.Call("CLIENT", "INFO");
        Assert.Matches(@"^=\d+\r\ntxt:id=\d+ .* resp=3\n\r\n$", info3);
        int length = int.Parse(info3[1..info3.IndexOf('\r')]);
        Assert.Equal(length, info3.Length - info3.IndexOf('\n') - 1 - 2);
        Assert.StartsWith("=", c.Call("CLIENT", "LIST"));
        Assert.Equal("=4\r\ntxt:\r\n", c.Call("CLIENT", "LIST", "ID", "99999999"));
    }

    [Fact]
    public void CommandDocsIsAMapOfMapsAndCommandInfoUsesSetsInResp3()
    {
        using RawClient c = f.Connect();
        c.Call("HELLO", "3");
        Assert.Equal(
            "%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n" +
            "$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n" +
            "$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n",
            c.Call("COMMAND", "DOCS", "get"));
        Assert.StartsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n",
            c.Call("COMMAND", "INFO", "get"));
        Assert.Equal("%0\r\n", c.Call("COMMAND", "DOCS", "nosuch"));
    }

    [Fact]
    public void ErrorsAreTheSameInBothProtocols()
    {
        using RawClient c = f.Connect();
        c.Call("HELLO", "3");
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", c.Call("HELLO", "4"));
        Assert.Equal("-ERR wrong number of arguments for 'ping' command\r\n", c.Call("PING", "a", "b"));
        Assert.Equal("-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n", c.Call("CLIENT", "nope"));
        Assert.Equal("+PONG\r\n", c.Call("PING"));
    }
}
