using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.BlockingClients;

namespace RedisFast.Tests.Commands;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP with several real clients against the in-process server: a blocked client is
/// served by a later ZADD (or any zset write) in arrival order, from the key that became ready, times out with
/// the null reply, is released by CLIENT UNBLOCK, and coexists with clients blocked in list pops. Expected
/// replies are those redis-server 7.0.15 gives for the same sequence.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SortedSetBlockingClientTests(ServerFixture f)
{
    [Fact]
    public void BlockedBZPopMinGetsTheMemberAnotherClientAdds()
    {
        string key = f.Key("zadd");
        using RawClient waiter = f.Connect();
        using RawClient writer = f.Connect();
        Block(waiter, writer, "BZPOPMIN", key, "0");
        // ZADD's own reply comes first; the waiter then takes the lowest member and the emptied key goes.
        Assert.Equal(":2\r\n", writer.Call("ZADD", key, "2.5", "b", "1.5", "a"));
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("a") + Bulk("1.5"), waiter.ReadReply());
        Assert.Equal("*2\r\n" + Bulk("b") + Bulk("2.5"), writer.Call("ZRANGE", key, "0", "-1", "WITHSCORES"));
        Assert.Equal("+PONG\r\n", waiter.Call("PING"));
    }

    [Fact]
    public void BlockedBZPopMaxInResp3GetsADoubleScore()
    {
        string key = f.Key("resp3");
        using RawClient waiter = f.Connect();
        using RawClient writer = f.Connect();
        waiter.Call("HELLO", "3");
        Block(waiter, writer, "BZPOPMAX", key, "0");
        writer.Call("ZADD", key, "1", "a", "3", "c");
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("c") + ",3\r\n", waiter.ReadReply());
    }

    [Fact]
    public void BlockedClientsAreServedInArrivalOrder()
    {
        string key = f.Key("fifo");
        using RawClient writer = f.Connect();
        using RawClient first = f.Connect();
        using RawClient second = f.Connect();
        using RawClient third = f.Connect();
        Block(first, writer, "BZPOPMAX", key, "0");
        Block(second, writer, "BZPOPMIN", key, "0");
        string thirdId = Block(third, writer, "BZMPOP", "0", "1", key, "MIN", "COUNT", "10");
        Assert.Equal(":1\r\n", writer.Call("ZADD", key, "1", "a"));
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("a") + Bulk("1"), first.ReadReply());
        Assert.Equal(":3\r\n", writer.Call("ZADD", key, "1", "x", "2", "y", "3", "z"));
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("x") + Bulk("1"), second.ReadReply());
        Assert.Equal("*2\r\n" + Bulk(key) + "*2\r\n*2\r\n" + Bulk("y") + Bulk("2") + "*2\r\n" + Bulk("z") + Bulk("3"), third.ReadReply());
        Assert.Equal(":0\r\n", writer.Call("EXISTS", key));
        Assert.DoesNotContain(" flags=b ", writer.Call("CLIENT", "LIST", "ID", thirdId));
    }

    [Fact]
    public void OneMemberServesOneClientAndTheNextKeepsWaiting()
    {
        string key = f.Key("partial");
        using RawClient writer = f.Connect();
        using RawClient first = f.Connect();
        using RawClient second = f.Connect();
        Block(first, writer, "BZPOPMIN", key, "0");
        string secondId = Block(second, writer, "BZPOPMIN", key, "0");
        Assert.Equal(":1\r\n", writer.Call("ZADD", key, "5", "only"));
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("only") + Bulk("5"), first.ReadReply());
        WaitUntilBlocked(writer, secondId);
        Assert.Equal("7", writer.Call("ZINCRBY", key, "7", "next")[^3..^2]);
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("next") + Bulk("7"), second.ReadReply());
    }

    [Fact]
    public void ClientBlockedOnSeveralKeysIsServedFromTheKeyThatBecameReady()
    {
        string k1 = f.Key("multi1"), k2 = f.Key("multi2"), k3 = f.Key("multi3");
        using RawClient waiter = f.Connect();
        using RawClient other = f.Connect();
        Block(waiter, other, "BZMPOP", "0", "3", k1, k2, k3, "MAX", "COUNT", "2");
        Assert.Equal(":3\r\n", other.Call("ZADD", k2, "1", "a", "2", "b", "3", "c"));
        Assert.Equal("*2\r\n" + Bulk(k2) + "*2\r\n*2\r\n" + Bulk("c") + Bulk("3") + "*2\r\n" + Bulk("b") + Bulk("2"), waiter.ReadReply());
        Block(waiter, other, "BZPOPMIN", k1, k3, "0");
        Assert.Equal(":1\r\n", other.Call("ZADD", k3, "9", "m"));
        Assert.Equal("*3\r\n" + Bulk(k3) + Bulk("m") + Bulk("9"), waiter.ReadReply());
        Assert.Equal(":1\r\n", other.Call("ZCARD", k2));
    }

    [Fact]
    public void ZUnionStoreIntoAWaitedKeyServesTheWaiter()
    {
        string src = f.Key("usrc"), dst = f.Key("udst");
        using RawClient waiter = f.Connect();
        using RawClient other = f.Connect();
        other.Call("ZADD", src, "4", "q", "6", "r");
        Block(waiter, other, "BZPOPMAX", dst, "0");
        Assert.Equal(":2\r\n", other.Call("ZUNIONSTORE", dst, "1", src));
        Assert.Equal("*3\r\n" + Bulk(dst) + Bulk("r") + Bulk("6"), waiter.ReadReply());
    }

    [Theory]
    [InlineData("RENAME")]
    [InlineData("COPY")]
    public void RenameOrCopyOntoAWaitedKeyServesTheWaiter(string command)
    {
        string src = f.Key("rsrc"), dst = f.Key("rdst");
        using RawClient waiter = f.Connect();
        using RawClient other = f.Connect();
        other.Call("ZADD", src, "1", "a", "2", "b");
        Block(waiter, other, "BZPOPMIN", dst, "0");
        Assert.Equal(command == "RENAME" ? "+OK\r\n" : ":1\r\n", other.Call(command, src, dst));
        Assert.Equal("*3\r\n" + Bulk(dst) + Bulk("a") + Bulk("1"), waiter.ReadReply());
        Assert.Equal(":1\r\n", other.Call("ZCARD", dst));
    }

    [Fact]
    public void KeyOfAnotherTypeKeepsTheClientWaitingUntilASortedSetArrives()
    {
        string key = f.Key("othertype");
        using RawClient waiter = f.Connect();
        using RawClient other = f.Connect();
        string id = Block(waiter, other, "BZPOPMIN", key, "0");
        Assert.Equal(":1\r\n", other.Call("RPUSH", key, "x"));
        WaitUntilBlocked(other, id);
        Assert.Equal(":1\r\n", other.Call("DEL", key));
        Assert.Equal(":1\r\n", other.Call("ZADD", key, "1", "a"));
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("a") + Bulk("1"), waiter.ReadReply());
    }

    [Fact]
    public void ZAddInsideMultiServesTheWaiterAfterExec()
    {
        string key = f.Key("exec");
        using RawClient waiter = f.Connect();
        using RawClient other = f.Connect();
        Block(waiter, other, "BZPOPMIN", key, "0");
        other.Call("MULTI");
        other.Call("ZADD", key, "1", "a");
        other.Call("ZADD", key, "0", "b");
        Assert.Equal("*2\r\n:1\r\n:1\r\n", other.Call("EXEC"));
        // Served once the whole transaction ran, so the lower member added second is the one popped.
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("b") + Bulk("0"), waiter.ReadReply());
    }

    [Theory]
    [InlineData(2, "*-1\r\n")]
    [InlineData(3, "_\r\n")]
    public void TimeoutRepliesNullAndTheConnectionGoesOn(int protocol, string nullReply)
    {
        using RawClient client = f.Connect();
        if (protocol == 3) client.Call("HELLO", "3");
        Assert.Equal(nullReply, client.Call("BZPOPMIN", f.Key("t1"), f.Key("t2"), "0.1"));
        Assert.Equal(nullReply, client.Call("BZPOPMAX", f.Key("t3"), "0.05"));
        Assert.Equal(nullReply, client.Call("BZMPOP", "0.05", "1", f.Key("t4"), "MAX", "COUNT", "2"));
        Assert.Equal("+PONG\r\n", client.Call("PING"));
    }

    [Fact]
    public void ClientUnblockReleasesABlockedZPopWithTheNullReplyOrTheError()
    {
        string key = f.Key("ub");
        using RawClient waiter = f.Connect();
        using RawClient admin = f.Connect();
        string id = Block(waiter, admin, "BZPOPMIN", key, "0");
        Assert.Contains(" cmd=bzpopmin ", admin.Call("CLIENT", "LIST", "ID", id));
        Assert.Equal(":1\r\n", admin.Call("CLIENT", "UNBLOCK", id));
        Assert.Equal("*-1\r\n", waiter.ReadReply());
        Block(waiter, admin, "BZMPOP", "0", "1", key, "MIN");
        Assert.Equal(":1\r\n", admin.Call("CLIENT", "UNBLOCK", id, "ERROR"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiter.ReadReply());
        Assert.Equal(":0\r\n", admin.Call("CLIENT", "UNBLOCK", id));
        // Nothing remains queued on the key: the next member stays in the set.
        Assert.Equal(":1\r\n", admin.Call("ZADD", key, "1", "a"));
        Assert.Equal(":1\r\n", admin.Call("ZCARD", key));
    }

    [Fact]
    public void ZSetAndListWaitersOnDifferentKeysAreEachServedByTheirOwnType()
    {
        string zkey = f.Key("mixz"), lkey = f.Key("mixl");
        using RawClient zwaiter = f.Connect();
        using RawClient lwaiter = f.Connect();
        using RawClient writer = f.Connect();
        Block(zwaiter, writer, "BZPOPMIN", zkey, "0");
        string lid = Block(lwaiter, writer, "BLPOP", lkey, "0");
        Assert.Equal(":1\r\n", writer.Call("ZADD", zkey, "1", "a"));
        Assert.Equal("*3\r\n" + Bulk(zkey) + Bulk("a") + Bulk("1"), zwaiter.ReadReply());
        WaitUntilBlocked(writer, lid);
        Assert.Equal(":1\r\n", writer.Call("RPUSH", lkey, "v"));
        Assert.Equal("*2\r\n" + Bulk(lkey) + Bulk("v"), lwaiter.ReadReply());
    }

    [Fact]
    public void ZSetAndListWaitersOnOneKeyAreServedOnlyByTheirType()
    {
        string key = f.Key("samekey");
        using RawClient zwaiter = f.Connect();
        using RawClient lwaiter = f.Connect();
        using RawClient writer = f.Connect();
        string zid = Block(zwaiter, writer, "BZPOPMAX", key, "0");
        Block(lwaiter, writer, "BRPOP", key, "0");
        // The list waiter, second in line, takes the list; the zset waiter keeps its place.
        Assert.Equal(":1\r\n", writer.Call("RPUSH", key, "v"));
        Assert.Equal("*2\r\n" + Bulk(key) + Bulk("v"), lwaiter.ReadReply());
        WaitUntilBlocked(writer, zid);
        Assert.Equal(":1\r\n", writer.Call("ZADD", key, "2", "m"));
        Assert.Equal("*3\r\n" + Bulk(key) + Bulk("m") + Bulk("2"), zwaiter.ReadReply());
    }
}
