using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// MOVE key db against redis-server 7.0: replies and errors, the value and TTL in the target database, WATCH on
/// either side, and a client blocked on the key in the target database. Keys are "move:&lt;test&gt;:..." and
/// every script deletes them in the databases it uses first, so reruns against the shared servers start clean.
/// Expiry times are absolute (2100-01-01) so replies do not depend on the clock.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class MoveTests(DifferentialFixture f)
{
    [Fact]
    public void MoveErrorsAreRedisErrorsInRedisOrder()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET move:err:a v
            MOVE move:err:a abc
            MOVE move:err:a 1.5
            MOVE move:err:a ""
            MOVE move:err:a 99999999999
            MOVE move:err:a -99999999999
            MOVE move:err:a 2147483648
            MOVE move:err:a 16
            MOVE move:err:a 2147483647
            MOVE move:err:a -1
            MOVE move:err:a 0
            MOVE move:err:missing 0
            MOVE move:err:missing abc
            MOVE move:err:a
            MOVE move:err:a 1 2
            MOVE
            GET move:err:a
            """));
    }

    [Fact]
    public void MoveTransfersTheValueAndItsTtlAndRefusesAnExistingTarget()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SELECT 5
            DEL move:val:s move:val:n move:val:l move:val:h move:val:z move:val:set move:val:both
            SET move:val:both target-side
            SELECT 0
            DEL move:val:s move:val:n move:val:l move:val:h move:val:z move:val:set move:val:both move:val:missing
            SET move:val:s hello EXAT 4102444800
            SET move:val:n 12345
            RPUSH move:val:l a b c
            HSET move:val:h f1 v1 f2 v2
            ZADD move:val:z 1 a 2 b
            SADD move:val:set 3 1 2
            SET move:val:both source-side
            MOVE move:val:s 5
            MOVE move:val:s 5
            MOVE move:val:n 05
            MOVE move:val:n +5
            MOVE move:val:n 5
            MOVE move:val:l 5
            MOVE move:val:h 5
            MOVE move:val:z 5
            MOVE move:val:set 5
            MOVE move:val:both 5
            MOVE move:val:missing 5
            EXISTS move:val:s move:val:n move:val:l move:val:h move:val:z move:val:set
            GET move:val:both
            SELECT 5
            GET move:val:s
            EXPIRETIME move:val:s
            GET move:val:n
            OBJECT ENCODING move:val:n
            TTL move:val:n
            LRANGE move:val:l 0 -1
            HGETALL move:val:h
            ZRANGE move:val:z 0 -1 WITHSCORES
            SMEMBERS move:val:set
            OBJECT ENCODING move:val:set
            GET move:val:both
            MOVE move:val:s 0
            EXPIRETIME move:val:s
            SELECT 0
            EXPIRETIME move:val:s
            TYPE move:val:s
            """));
    }

    [Fact]
    public void WatchedKeyInEitherDatabaseFailsTheExecAfterAMove()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SELECT 6
            DEL move:watch:a move:watch:b
            SELECT 0
            DEL move:watch:a move:watch:b
            SET move:watch:a 1
            WATCH move:watch:a
            MOVE move:watch:a 6
            MULTI
            PING
            EXEC
            SELECT 6
            WATCH move:watch:b
            SELECT 0
            SET move:watch:b 2
            MOVE move:watch:b 6
            MULTI
            PING
            EXEC
            SET move:watch:c 3
            WATCH move:watch:c
            MOVE move:watch:c 6
            MOVE move:watch:c 6
            MULTI
            PING
            EXEC
            SELECT 6
            DEL move:watch:c
            SELECT 0
            WATCH move:watch:a
            MOVE move:watch:missing 6
            MULTI
            PING
            EXEC
            SET move:watch:m 1
            MULTI
            MOVE move:watch:m 6
            MOVE move:watch:m 99
            MOVE move:watch:m x
            EXEC
            SELECT 6
            GET move:watch:m
            DEL move:watch:m move:watch:a move:watch:b
            """));
    }

    [Fact]
    public void WatchFromAnotherClientOnTheTargetDatabaseFailsItsExec()
    {
        foreach (int port in new[] { f.Fast.Port, f.Real.Port })
        {
            using var watcher = new RawClient("127.0.0.1", port);
            using var mover = new RawClient("127.0.0.1", port);
            Assert.Equal("+OK\r\n", watcher.Call("SELECT", "7"));
            watcher.Call("DEL", "move:watch2:k");
            Assert.Equal("+OK\r\n", watcher.Call("WATCH", "move:watch2:k"));
            mover.Call("SET", "move:watch2:k", "v");
            Assert.Equal(":1\r\n", mover.Call("MOVE", "move:watch2:k", "7"));
            Assert.Equal("+OK\r\n", watcher.Call("MULTI"));
            Assert.Equal("+QUEUED\r\n", watcher.Call("GET", "move:watch2:k"));
            Assert.Equal("*-1\r\n", watcher.Call("EXEC"));
            Assert.Equal("$1\r\nv\r\n", watcher.Call("GET", "move:watch2:k"));
            Assert.Equal(":1\r\n", watcher.Call("DEL", "move:watch2:k"));
        }
    }

    [Fact]
    public void ClientBlockedOnTheKeyInTheTargetDatabaseIsServedByTheMove()
    {
        foreach (int port in new[] { f.Fast.Port, f.Real.Port })
        {
            using var blocked = new RawClient("127.0.0.1", port);
            using var mover = new RawClient("127.0.0.1", port);
            Assert.Equal("+OK\r\n", blocked.Call("SELECT", "8"));
            blocked.Call("DEL", "move:block:l");
            mover.Call("DEL", "move:block:l");
            BlockingClients.Block(blocked, mover, "BLPOP", "move:block:l", "0");
            Assert.Equal(":2\r\n", mover.Call("RPUSH", "move:block:l", "a", "b"));
            Assert.Equal(":1\r\n", mover.Call("MOVE", "move:block:l", "8"));
            Assert.Equal("*2\r\n$12\r\nmove:block:l\r\n$1\r\na\r\n", blocked.ReadReply());
            Assert.Equal("*1\r\n$1\r\nb\r\n", blocked.Call("LRANGE", "move:block:l", "0", "-1"));
            Assert.Equal(":0\r\n", mover.Call("EXISTS", "move:block:l"));
            Assert.Equal(":1\r\n", blocked.Call("DEL", "move:block:l"));
        }
    }

    [Fact]
    public void ClientBlockedInTheSourceDatabaseStaysBlockedWhenATransactionPushesAndMovesTheKey()
    {
        foreach (int port in new[] { f.Fast.Port, f.Real.Port })
        {
            using var blocked = new RawClient("127.0.0.1", port);
            using var mover = new RawClient("127.0.0.1", port);
            Assert.Equal("+OK\r\n", mover.Call("SELECT", "9"));
            mover.Call("DEL", "move:block2:l");
            Assert.Equal("+OK\r\n", mover.Call("SELECT", "0"));
            mover.Call("DEL", "move:block2:l");
            string id = BlockingClients.Block(blocked, mover, "BLPOP", "move:block2:l", "0");
            // Blocked clients are served after EXEC, when the key is no longer in database 0.
            Assert.Equal("+OK\r\n", mover.Call("MULTI"));
            Assert.Equal("+QUEUED\r\n", mover.Call("RPUSH", "move:block2:l", "b"));
            Assert.Equal("+QUEUED\r\n", mover.Call("MOVE", "move:block2:l", "9"));
            Assert.Equal("*2\r\n:1\r\n:1\r\n", mover.Call("EXEC"));
            BlockingClients.WaitUntilBlocked(mover, id);
            Assert.Equal(":1\r\n", mover.Call("CLIENT", "UNBLOCK", id));
            Assert.Equal("*-1\r\n", blocked.ReadReply());
            Assert.Equal("+OK\r\n", mover.Call("SELECT", "9"));
            Assert.Equal("*1\r\n$1\r\nb\r\n", mover.Call("LRANGE", "move:block2:l", "0", "-1"));
            Assert.Equal(":1\r\n", mover.Call("DEL", "move:block2:l"));
        }
    }
}

/// <summary>MOVE as StackExchange.Redis 1.2.6 uses it (IDatabase.KeyMove), on a RedisFast server of its own.</summary>
public sealed class MoveClientLibraryTests
{
    [Fact]
    public void StackExchangeRedisMovesAKeyWithItsTtlBetweenDatabases()
    {
        using var server = new ServerFixture();
        using var redis = StackExchangeClients.Connect(server.Port);
        StackExchange.Redis.IDatabase db0 = redis.GetDatabase(0);
        StackExchange.Redis.IDatabase db2 = redis.GetDatabase(2);

        Assert.True(db0.StringSet("se:move", "v", TimeSpan.FromSeconds(100)));
        Assert.True(db0.KeyMove("se:move", 2));
        Assert.False(db0.KeyExists("se:move"));
        Assert.Equal("v", (string?)db2.StringGet("se:move"));
        TimeSpan? ttl = db2.KeyTimeToLive("se:move");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value.TotalSeconds, 90, 100);

        Assert.False(db0.KeyMove("se:move", 2));
        db0.StringSet("se:move", "again");
        Assert.False(db0.KeyMove("se:move", 2));
        Assert.Equal("again", (string?)db0.StringGet("se:move"));
        var error = Assert.Throws<StackExchange.Redis.RedisServerException>(() => db0.KeyMove("se:move", 0));
        Assert.Equal("ERR source and destination objects are the same", error.Message);
    }
}
