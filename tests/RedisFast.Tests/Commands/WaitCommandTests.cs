using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// WAIT on a server without replicas, against redis-server 7.0 on the shared differential servers: 0 at once when
/// no replica is asked for (or inside MULTI), else 0 after the timeout or CLIENT UNBLOCK; Redis's errors.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class WaitCommandTests(DifferentialFixture f)
{
    [Fact]
    public void WaitAnswersAsAMasterWithoutReplicas()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            WAIT 0 0
            WAIT -3 100
            WAIT 1 50
            WAIT 2 1
            WAIT x 0
            WAIT 1 x
            WAIT 1 -1
            WAIT 1 1.5
            MULTI
            WAIT 1 0
            EXEC
            WAIT 1
            """));
    }

    [Fact]
    public void ClientUnblockEndsAWaitWithItsTimeoutReplyOrAnError()
    {
        foreach (int port in new[] { f.Fast.Port, f.Real.Port })
        {
            using var waiter = new RawClient("127.0.0.1", port);
            using var other = new RawClient("127.0.0.1", port);
            string id = waiter.Call("CLIENT", "ID")[1..^2];
            waiter.Send(RawClient.Encode("WAIT", "1", "0"));
            WaitUntilBlocked(other, id);
            Assert.Equal(":1\r\n", other.Call("CLIENT", "UNBLOCK", id));
            Assert.Equal(":0\r\n", waiter.ReadReply());
            waiter.Send(RawClient.Encode("WAIT", "1", "0"));
            WaitUntilBlocked(other, id);
            Assert.Equal(":1\r\n", other.Call("CLIENT", "UNBLOCK", id, "ERROR"));
            Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiter.ReadReply());
        }
    }

    private static void WaitUntilBlocked(RawClient other, string id)
    {
        for (int i = 0; i < 200 && !other.Call("CLIENT", "LIST", "ID", id).Contains("flags=b", StringComparison.Ordinal); i++) Thread.Sleep(10);
    }
}
