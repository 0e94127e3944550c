using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.BlockingClients;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Blocking list pops with several real clients at once against the in-process server: a blocked client waits
/// without holding the loop, is served in arrival order by a later push, times out with the null reply, is
/// released by CLIENT UNBLOCK, and leaves no trace when it disconnects.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BlockingListTests(ServerFixture f)
{
    /// <summary>Waits until the client with <paramref name="id"/> shows the blocked flag in CLIENT LIST.</summary>
    [Fact]
    public void BlockedClientGetsTheElementAnotherClientPushes()
    {
        string key = f.Key("bl");
        using RawClient waiter = f.Connect();
        using RawClient pusher = f.Connect();
        Block(waiter, pusher, "BLPOP", key, "0");
        // The pusher's reply is the length after its push, before the waiter takes the element.
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", key, "v"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("v"), waiter.ReadReply());
        Assert.Equal(":0\r\n", pusher.Call("EXISTS", key));
        Assert.Equal("+PONG\r\n", waiter.Call("PING"));
    }

    [Fact]
    public void BlockedClientsAreServedInArrivalOrder()
    {
        string key = f.Key("fifo");
        using RawClient pusher = f.Connect();
        using RawClient first = f.Connect();
        using RawClient second = f.Connect();
        using RawClient third = f.Connect();
        Block(first, pusher, "BRPOP", key, "0");
        Block(second, pusher, "BLPOP", key, "0");
        Block(third, pusher, "BLPOP", key, "0");
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", key, "a"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("a"), first.ReadReply());
        Assert.Equal(":2\r\n", pusher.Call("RPUSH", key, "b", "c"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("b"), second.ReadReply());
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("c"), third.ReadReply());
        Assert.Equal(":0\r\n", pusher.Call("LLEN", key));
    }

    [Fact]
    public void OnePushServesOnlyAsManyClientsAsElementsAndTheRestKeepWaiting()
    {
        string key = f.Key("partial");
        using RawClient pusher = f.Connect();
        using RawClient first = f.Connect();
        using RawClient second = f.Connect();
        Block(first, pusher, "BLPOP", key, "0");
        string secondId = Block(second, pusher, "BLPOP", key, "0");
        Assert.Equal(":1\r\n", pusher.Call("LPUSH", key, "only"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("only"), first.ReadReply());
        WaitUntilBlocked(pusher, secondId);
        Assert.Equal(":1\r\n", pusher.Call("LPUSH", key, "next"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("next"), second.ReadReply());
    }

    [Fact]
    public void ClientWaitingOnARepeatedKeyAndAnotherIsServedOnceOnly()
    {
        string k1 = f.Key("dup1"), k2 = f.Key("dup2");
        using RawClient waiter = f.Connect();
        using RawClient pusher = f.Connect();
        Block(waiter, pusher, "BLPOP", k1, k1, k2, "0");
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", k1, "a"));
        Assert.Equal("*2\r\n" + Bulk(k1) + Bulk("a"), waiter.ReadReply());
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", k2, "b"));
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", k1, "c"));
        Assert.Equal(":2\r\n", pusher.Call("EXISTS", k1, k2));
        Assert.Equal("+PONG\r\n", waiter.Call("PING"));
    }

    [Fact]
    public void BlockedClientWaitingOnSeveralKeysIsServedFromTheOneThatGetsData()
    {
        string k1 = f.Key("multi1"), k2 = f.Key("multi2");
        using RawClient waiter = f.Connect();
        using RawClient pusher = f.Connect();
        Block(waiter, pusher, "BLMPOP", "0", "2", k1, k2, "RIGHT", "COUNT", "5");
        Assert.Equal(":3\r\n", pusher.Call("RPUSH", k2, "x", "y", "z"));
        Assert.Equal("*2\r\n" + Bulk(k2) + "*3\r\n" + Bulk("z") + Bulk("y") + Bulk("x"), waiter.ReadReply());
        Assert.Equal(":0\r\n", pusher.Call("EXISTS", k1, k2));
    }

    [Theory]
    [InlineData(2, "*-1\r\n")]
    [InlineData(3, "_\r\n")]
    public void TimeoutRepliesNullAndTheConnectionGoesOn(int protocol, string nullReply)
    {
        using RawClient client = f.Connect();
        if (protocol == 3) client.Call("HELLO", "3");
        Assert.Equal(nullReply, client.Call("BLPOP", f.Key("t1"), f.Key("t2"), "0.1"));
        Assert.Equal(nullReply, client.Call("BLMOVE", f.Key("t3"), f.Key("t4"), "LEFT", "LEFT", "0.05"));
        Assert.Equal(nullReply, client.Call("BLMPOP", "0.05", "1", f.Key("t5"), "LEFT"));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
    }

    [Fact]
    public void PipelinedCommandsAfterABlockingOneRunOnceItIsServed()
    {
        string key = f.Key("pipe");
        using RawClient waiter = f.Connect();
        using RawClient pusher = f.Connect();
        string id = IdOf(waiter);
        waiter.Send([.. RawClient.Encode("BLPOP", key, "0"), .. RawClient.Encode("ECHO", "after")]);
        WaitUntilBlocked(pusher, id);
        pusher.Call("RPUSH", key, "v");
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("v"), waiter.ReadReply());
        Assert.Equal(Bulk("after"), waiter.ReadReply());
    }

    [Fact]
    public void ClientUnblockWithTimeoutGivesTheNullReply()
    {
        using RawClient waiter = f.Connect();
        using RawClient admin = f.Connect();
        string id = IdOf(waiter);
        Block(waiter, admin, "BRPOP", f.Key("ub"), "0");
        Assert.Equal(":1\r\n", admin.Call("CLIENT", "UNBLOCK", id));
        Assert.Equal("*-1\r\n", waiter.ReadReply());
        Assert.Equal(":0\r\n", admin.Call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
        Assert.Equal("+PONG\r\n", waiter.Call("PING"));
    }

    [Fact]
    public void ClientUnblockWithErrorGivesTheUnblockedError()
    {
        using RawClient waiter = f.Connect();
        using RawClient admin = f.Connect();
        string id = IdOf(waiter);
        Block(waiter, admin, "BLMOVE", f.Key("ue"), f.Key("ue2"), "LEFT", "RIGHT", "0");
        Assert.Equal(":1\r\n", admin.Call("CLIENT", "UNBLOCK", id, "error"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiter.ReadReply());
        Assert.Equal("+PONG\r\n", waiter.Call("PING"));
    }

    [Fact]
    public void BlockingMovesChainThroughEachOthersDestinations()
    {
        string k1 = f.Key("c1"), k2 = f.Key("c2"), k3 = f.Key("c3");
        using RawClient pusher = f.Connect();
        using RawClient a = f.Connect();
        using RawClient b = f.Connect();
        using RawClient c = f.Connect();
        Block(a, pusher, "BLMOVE", k1, k2, "LEFT", "RIGHT", "0");
        Block(b, pusher, "BRPOPLPUSH", k2, k3, "0");
        Block(c, pusher, "BLPOP", k3, "0");
        Assert.Equal(":1\r\n", pusher.Call("LPUSH", k1, "x"));
        Assert.Equal(Bulk("x"), a.ReadReply());
        Assert.Equal(Bulk("x"), b.ReadReply());
        Assert.Equal("*2\r\n" + Bulk(k3) + Bulk("x"), c.ReadReply());
        Assert.Equal(":0\r\n", pusher.Call("EXISTS", k1, k2, k3));
    }

    [Fact]
    public void BlockingMoveToAKeyOfAnotherTypeIsServedWithWrongType()
    {
        string src = f.Key("wsrc"), dst = f.Key("wdst");
        using RawClient waiter = f.Connect();
        using RawClient pusher = f.Connect();
        Block(waiter, pusher, "BLMOVE", src, dst, "LEFT", "RIGHT", "0");
        pusher.Call("SET", dst, "string");
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", src, "v"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", waiter.ReadReply());
        Assert.Equal(":1\r\n", pusher.Call("LLEN", src));
    }

    [Fact]
    public void DisconnectingWhileBlockedLeavesTheKeyToOthers()
    {
        string key = f.Key("gone");
        using RawClient pusher = f.Connect();
        using RawClient later = f.Connect();
        var leaver = f.Connect();
        string leaverId = IdOf(leaver);
        Block(leaver, pusher, "BLPOP", key, "0");
        leaver.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (pusher.Call("CLIENT", "LIST", "ID", leaverId) != "$0\r\n\r\n")
        {
            Assert.True(DateTime.UtcNow < deadline, "the disconnected client is still listed");
            Thread.Sleep(5);
        }
        Block(later, pusher, "BLPOP", key, "0");
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", key, "v"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("v"), later.ReadReply());
        Assert.Equal(":1\r\n", pusher.Call("RPUSH", key, "w"));
        Assert.Equal(":1\r\n", pusher.Call("LLEN", key));
    }

    [Fact]
    public void KeyReplacedByAStringKeepsTheClientWaitingUntilAListArrives()
    {
        string key = f.Key("replaced");
        using RawClient waiter = f.Connect();
        using RawClient other = f.Connect();
        string id = IdOf(waiter);
        Block(waiter, other, "BLPOP", key, "0");
        Assert.Equal("+OK\r\n", other.Call("SET", key, "str"));
        Assert.Equal(":1\r\n", other.Call("DEL", key));
        WaitUntilBlocked(other, id);
        Assert.Equal(":1\r\n", other.Call("RPUSH", key, "v"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("v"), waiter.ReadReply());
    }

    [Fact]
    public void BlockingCommandsInsideATransactionAnswerAtOnce()
    {
        // Replies as redis-server 7.0.15 gives them for the same bytes (null array, or null bulk for the moves).
        using RawClient client = f.Connect();
        string m = f.Key("m"), d = f.Key("d");
        Assert.Equal("+OK\r\n", client.Call("MULTI"));
        Assert.Equal("+QUEUED\r\n", client.Call("BLPOP", m, "0"));
        Assert.Equal("+QUEUED\r\n", client.Call("BLMPOP", "0", "1", m, "LEFT"));
        Assert.Equal("+QUEUED\r\n", client.Call("BLMOVE", m, d, "LEFT", "RIGHT", "0"));
        Assert.Equal("+QUEUED\r\n", client.Call("BRPOPLPUSH", m, d, "0"));
        Assert.Equal("*4\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n", client.Call("EXEC"));
        client.Call("HELLO", "3");
        client.Call("MULTI");
        client.Call("BRPOP", m, "0");
        Assert.Equal("*1\r\n_\r\n", client.Call("EXEC"));
    }

    [Fact]
    public void BlockedClientShowsInClientListAndUnblockedOnesDoNot()
    {
        using RawClient waiter = f.Connect();
        using RawClient admin = f.Connect();
        string id = IdOf(waiter);
        Block(waiter, admin, "BLPOP", f.Key("flag"), "0");
        Assert.Contains(" cmd=blpop ", admin.Call("CLIENT", "LIST", "ID", id));
        admin.Call("CLIENT", "UNBLOCK", id);
        Assert.Equal("*-1\r\n", waiter.ReadReply());
        Assert.Contains(" flags=N ", admin.Call("CLIENT", "LIST", "ID", id));
    }
}
