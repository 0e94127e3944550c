using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>CLIENT subcommands against redis-server 7.0; ids, addresses, ages and memory figures normalized.</summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class ClientCommandTests(DifferentialFixture f)
{
    [GeneratedRegex(@"\b(id|addr|laddr|fd|age|idle|qbuf-free|rbs|rbp|tot-mem)=\S*")]
    private static partial Regex VaryingFields();

    [GeneratedRegex(@"^([=$])\d+\r\n")]
    private static partial Regex LengthPrefix();

    [GeneratedRegex(@"\$2\r\nid\r\n:\d+\r\n")]
    private static partial Regex HelloId();

    /// <summary>Keeps every field name, their order and the values that must match; masks what legitimately differs.</summary>
    private static string Normalize(string reply) =>
        HelloId().Replace(LengthPrefix().Replace(VaryingFields().Replace(reply, "$1=X"), "${1}N\r\n"), "$2\r\nid\r\n:ID\r\n");

    [Fact]
    public void ClientInfoLineHasRedisFieldsInRedisOrder()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CLIENT INFO
            SELECT 5
            CLIENT SETNAME line-test
            CLIENT NO-EVICT on
            CLIENT INFO
            CLIENT NO-EVICT off
            HELLO 3
            CLIENT INFO
            """), Normalize);
    }

    [Fact]
    public void SetNameAndGetNameValidateLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CLIENT GETNAME
            CLIENT SETNAME myname
            CLIENT GETNAME
            CLIENT SETNAME "a b"
            CLIENT SETNAME "a\nb"
            CLIENT SETNAME "tab\there"
            CLIENT SETNAME "caf\u00e9"
            CLIENT GETNAME
            CLIENT SETNAME ""
            CLIENT GETNAME
            CLIENT SETNAME a b
            CLIENT SETNAME
            CLIENT GETNAME x
            HELLO 3
            CLIENT GETNAME
            CLIENT SETNAME again
            CLIENT GETNAME
            """), Normalize);
    }

    [Fact]
    public void ListFiltersAndErrorsAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CLIENT LIST ID 99999999
            CLIENT LIST ID 99999999 99999998
            CLIENT LIST ID x
            CLIENT LIST ID
            CLIENT LIST TYPE foo
            CLIENT LIST TYPE master
            CLIENT LIST TYPE replica
            CLIENT LIST TYPE slave
            CLIENT LIST TYPE pubsub
            CLIENT LIST TYPE normal x
            CLIENT LIST foo
            """), Normalize);
    }

    [Fact]
    public void KillFiltersAndErrorsAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CLIENT KILL
            CLIENT KILL 1.2.3.4:5
            CLIENT KILL ID 0
            CLIENT KILL ID -1
            CLIENT KILL ID x
            CLIENT KILL ID 99999999
            CLIENT KILL TYPE foo
            CLIENT KILL TYPE master
            CLIENT KILL TYPE pubsub
            CLIENT KILL TYPE replica
            CLIENT KILL USER bob
            CLIENT KILL USER default ADDR 1.2.3.4:5
            CLIENT KILL SKIPME maybe
            CLIENT KILL ID 1 SKIPME
            CLIENT KILL foo bar
            CLIENT KILL ADDR 1.2.3.4:5 LADDR 1.2.3.4:6
            CLIENT KILL LADDR 1.2.3.4:6 SKIPME no
            PING
            """), Normalize);
    }

    [Fact]
    public void OtherSubcommandsAndHelpAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CLIENT
            CLIENT FOO
            CLIENT HELP
            CLIENT HELP x
            CLIENT GETREDIR
            CLIENT NO-EVICT maybe
            CLIENT NO-EVICT ON
            CLIENT NO-EVICT off
            CLIENT NO-EVICT
            CLIENT ID x
            CLIENT INFO x
            """), Normalize);
    }

    [Fact]
    public void ClientIdIsTheIdInHelloInfoAndList()
    {
        using RawClient c = f.Fast.Connect();
        string id = c.Call("CLIENT", "ID")[1..^2];
        Assert.Contains($"$2\r\nid\r\n:{id}\r\n", c.Call("HELLO"));
        Assert.StartsWith($"id={id} ", Body(c.Call("CLIENT", "INFO")));
        Assert.Contains($"id={id} ", Body(c.Call("CLIENT", "LIST")));
        Assert.StartsWith($"id={id} ", Body(c.Call("CLIENT", "LIST", "ID", id, "99999999")));
        Assert.Contains($"id={id} ", Body(c.Call("CLIENT", "LIST", "TYPE", "normal")));
    }

    [Fact]
    public void ClientListHasOneLinePerClientInCreationOrder()
    {
        using RawClient a = f.Fast.Connect();
        using RawClient b = f.Fast.Connect();
        string idA = a.Call("CLIENT", "ID")[1..^2];
        string idB = b.Call("CLIENT", "ID")[1..^2];
        string list = Body(a.Call("CLIENT", "LIST"));
        Assert.EndsWith("\n", list);
        int lineA = list.IndexOf($"id={idA} ", StringComparison.Ordinal);
        int lineB = list.IndexOf($"id={idB} ", StringComparison.Ordinal);
        Assert.True(lineA >= 0 && lineB > lineA, list);
        Assert.Contains("cmd=client|id ", list.Split('\n').Single(l => l.StartsWith($"id={idB} ", StringComparison.Ordinal)));
    }

    [Fact]
    public void KillByIdClosesTheOtherClientAndCountsIt()
    {
        using RawClient a = f.Fast.Connect();
        using RawClient b = f.Fast.Connect();
        string idB = b.Call("CLIENT", "ID")[1..^2];
        Assert.Equal(":1\r\n", a.Call("CLIENT", "KILL", "ID", idB));
        Assert.True(b.IsClosedByServer());
        Assert.DoesNotContain($"id={idB} ", Body(a.Call("CLIENT", "LIST")));
        Assert.Equal("+PONG\r\n", a.Call("PING"));
    }

    [Fact]
    public void KillByAddressInTheOldFormRepliesOkAndClosesTheOtherClient()
    {
        using RawClient a = f.Fast.Connect();
        using RawClient b = f.Fast.Connect();
        string addr = Field(Body(b.Call("CLIENT", "INFO")), "addr");
        Assert.Equal("+OK\r\n", a.Call("CLIENT", "KILL", addr));
        Assert.True(b.IsClosedByServer());
        Assert.Equal("-ERR No such client\r\n", a.Call("CLIENT", "KILL", addr));
    }

    [Fact]
    public void KillByAddrFilterClosesTheOtherClient()
    {
        using RawClient a = f.Fast.Connect();
        using RawClient b = f.Fast.Connect();
        string info = Body(b.Call("CLIENT", "INFO"));
        Assert.Equal(":1\r\n", a.Call("CLIENT", "KILL", "ADDR", Field(info, "addr"), "LADDR", Field(info, "laddr"), "USER", "default", "TYPE", "normal"));
        Assert.True(b.IsClosedByServer());
    }

    [Fact]
    public void KillingYourselfIsSkippedUnlessSkipmeNo()
    {
        using RawClient a = f.Fast.Connect();
        string id = a.Call("CLIENT", "ID")[1..^2];
        Assert.Equal(":0\r\n", a.Call("CLIENT", "KILL", "ID", id));
        Assert.Equal("+PONG\r\n", a.Call("PING"));
        Assert.Equal(":1\r\n", a.Call("CLIENT", "KILL", "ID", id, "SKIPME", "no"));
        Assert.True(a.IsClosedByServer());
    }

    [Fact]
    public void KillingYourselfInTheOldFormRepliesOkThenCloses()
    {
        using RawClient a = f.Fast.Connect();
        string addr = Field(Body(a.Call("CLIENT", "INFO")), "addr");
        Assert.Equal("+OK\r\n", a.Call("CLIENT", "KILL", addr));
        Assert.True(a.IsClosedByServer());
    }

    private static string Body(string bulk) => bulk[(bulk.IndexOf("\r\n", StringComparison.Ordinal) + 2)..^2];

    private static string Field(string line, string name) =>
        line.Split(' ').Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
}
