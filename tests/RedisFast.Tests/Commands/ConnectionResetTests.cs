using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

[Collection(DifferentialCollection.Name)]
public sealed class ConnectionResetTests(DifferentialFixture f)
{
    [Fact]
    public void ResetClearsSelectTransactionNameAndProtocolLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SELECT 5
            CLIENT SETNAME resetter
            SET reset:k v
            MULTI
            SET reset:k w
            RESET
            EXEC
            CLIENT GETNAME
            GET reset:k
            SELECT 5
            GET reset:k
            DEL reset:k
            RESET extra
            """));
    }

    [Fact]
    public void ResetLeavesSubscribedModeAndReturnsToResp2()
    {
        foreach (RawClient c in new[] { f.Fast.Connect(), f.Real.Connect() })
        {
            using (c)
            {
                c.Call("HELLO", "3");
                c.Call("SUBSCRIBE", "reset:channel");
                Assert.Equal("+RESET\r\n", c.Call("RESET"));
                Assert.Equal("$-1\r\n", c.Call("GET", "reset:missing"));
                Assert.Equal("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", c.Call("UNSUBSCRIBE"));
            }
        }
    }
}
