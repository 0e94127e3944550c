using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>PING, ECHO, SELECT, HELLO, AUTH and QUIT against redis-server 7.0.</summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class ConnectionCommandTests(DifferentialFixture f)
{
    [GeneratedRegex(@"\$2\r\nid\r\n:\d+\r\n")]
    private static partial Regex HelloId();

    private static string NormalizeHelloId(string reply) => HelloId().Replace(reply, "$2\r\nid\r\n:ID\r\n");

    [Fact]
    public void SelectAcceptsOnlyExistingDatabasesWithRedisErrors()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SELECT 15
            SELECT 16
            SELECT -1
            SELECT x
            SELECT 1.5
            SELECT " 1"
            SELECT 2147483648
            SELECT -2147483649
            SELECT 99999999999999999999
            SELECT
            SELECT 1 2
            SELECT 0
            """));
    }

    [Fact]
    public void SelectedDatabaseKeepsItsOwnKeys()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SELECT 9
            SET connsel:k nine
            SELECT 10
            GET connsel:k
            SELECT 9
            GET connsel:k
            """));
    }

    [Fact]
    public void PingAndEchoAnswerTheSameInBothProtocols()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            PING
            PING a b
            PING "hello world"
            ECHO
            ECHO a b
            ECHO ""
            HELLO 3
            PING
            PING x
            PING a b
            ECHO hi
            HELLO 2
            PING
            """), NormalizeHelloId);
    }

    [Fact]
    public void HelloSwitchesProtocolsAndRejectsBadArgumentsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            HELLO
            HELLO 2
            HELLO 3
            HELLO
            HELLO 4
            HELLO 1
            HELLO x
            HELLO 3.0
            HELLO 2 FOO
            HELLO 2 AUTH
            HELLO 2 AUTH default
            HELLO 3 AUTH default anypassword
            HELLO 3 AUTH Default x
            HELLO 3 AUTH bob x
            HELLO 2 SETNAME
            HELLO 2 SETNAME "bad name"
            HELLO 3 SETNAME good-name
            CLIENT GETNAME
            HELLO 2 SETNAME partial BOGUS
            CLIENT GETNAME
            HELLO 2 auth default p setname both
            CLIENT GETNAME
            HELLO 3 SETNAME ""
            CLIENT GETNAME
            """), NormalizeHelloId);
    }

    [Fact]
    public void AuthWithoutRequirepassAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            AUTH
            AUTH secret
            AUTH default secret
            AUTH bob secret
            AUTH a b c
            """));
    }

    [Fact]
    public void QuitRepliesOkAndClosesTheConnection()
    {
        using RawClient c = f.Fast.Connect();
        Assert.Equal("+OK\r\n", c.Call("QUIT"));
        Assert.True(c.IsClosedByServer());
    }
}
