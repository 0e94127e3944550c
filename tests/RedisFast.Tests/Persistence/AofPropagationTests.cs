using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Persistence;

/// <summary>What transactions and served blocked clients put in the AOF, and that it replays to the same state.</summary>
public sealed class AofPropagationTests
{
    [Fact]
    public void ExecLogsItsWritesInsideMultiExecAndNotItself()
    {
        // 1. Start with the AOF on; run a transaction with a write, a read and a no-op write.
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, fsync: "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("MULTI");
            c.Call("SET", "a", "1");
            c.Call("GET", "a");
            c.Call("DEL", "missing");
            c.Call("INCR", "a");
            Assert.Equal("*4\r\n+OK\r\n$1\r\n1\r\n:0\r\n:2\r\n", c.Call("EXEC"));
            // A transaction that changes nothing logs nothing.
            c.Call("MULTI");
            c.Call("GET", "a");
            Assert.Equal("*1\r\n$1\r\n2\r\n", c.Call("EXEC"));
        }
        // 2. The block is wrapped, the read and the no-op are not logged, EXEC's own argv is not either.
        Assert.Equal(
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n" +
            "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n" +
            "*1\r\n$4\r\nEXEC\r\n",
            File.ReadAllText(AofTestSupport.IncrFile(dir)));
        // 3. Restart: the state is back.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("$1\r\n2\r\n", c.Call("GET", "a"));
        }
    }

    [Fact]
    public void RestoreIsLoggedWithAnAbsoluteTtlAndAnExpiredReplaceAsDel()
    {
        // 1. RESTORE with a relative TTL, and one whose absolute TTL is past, replacing a key.
        string dir = AofTestSupport.TempDir();
        byte[] payload;
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), after;
        using (var server = AofTestSupport.NewServer(dir, fsync: "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Call(c, B("SET"), B("src"), B("value"));
            payload = (byte[])RespReply.Parse(Reply(c, [B("DUMP"), B("src")]))!;
            Assert.Equal("+OK\r\n", Call(c, B("RESTORE"), B("k"), B("100000"), payload));
            Assert.Equal("+OK\r\n", Call(c, B("RESTORE"), B("src"), B("1"), payload, B("REPLACE"), B("ABSTTL")));
            after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }
        // 2. As Redis propagates them (cluster.c restoreCommand): the expiry time, ABSTTL appended; DEL.
        string log = S(File.ReadAllBytes(AofTestSupport.IncrFile(dir)));
        Match m = Regex.Match(log, @"\*5\r\n\$7\r\nRESTORE\r\n\$1\r\nk\r\n\$13\r\n(\d{13})\r\n");
        Assert.True(m.Success, log);
        long at = long.Parse(m.Groups[1].Value);
        Assert.InRange(at, before + 100_000, after + 100_000);
        Assert.EndsWith(
            $"$7\r\nRESTORE\r\n$1\r\nk\r\n$13\r\n{at}\r\n${payload.Length}\r\n{S(payload)}\r\n$6\r\nABSTTL\r\n" +
            "*2\r\n$3\r\nDEL\r\n$3\r\nsrc\r\n",
            log);
        // 3. Restart: the key is back with its expiry time, the replaced one stays gone.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal($":{at}\r\n", c.Call("PEXPIRETIME", "k"));
            Assert.Equal("$5\r\nvalue\r\n", c.Call("GET", "k"));
            Assert.Equal(":0\r\n", c.Call("EXISTS", "src"));
        }
    }

    [Fact]
    public void BitmapWritesReachTheAofAsRedisServerWritesThem() => AofTestSupport.AssertSameIncrAsRedis(
    [
        // A bit set to what it was, an OVERFLOW FAIL, BITFIELD_RO and a BITOP that deletes nothing are not logged.
        ["SETBIT", "k", "3", "1"], ["SETBIT", "k", "3", "1"], ["SETBIT", "k", "3", "0"], ["SETBIT", "k", "20", "0"],
        ["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"], ["BITFIELD", "k", "SET", "u8", "8", "200", "GET", "u4", "0"],
        ["BITFIELD_RO", "k", "GET", "u8", "0"], ["BITOP", "NOT", "d", "k"], ["BITOP", "AND", "d", "missing"],
        ["BITOP", "AND", "d", "missing"], ["BITOP", "XOR", "e", "k", "d"],
    ]);

    [Fact]
    public void HyperLogLogWritesReachTheAofAsRedisServerWritesThem() => AofTestSupport.AssertSameIncrAsRedis(
    [
        // PFCOUNT is logged when it stores the cardinality it computed; unchanged registers and a second TODENSE are not.
        ["PFADD", "h", "a", "b", "c"], ["PFCOUNT", "h"], ["PFCOUNT", "h"], ["PFADD", "h", "a"], ["PFADD", "e"], ["PFADD", "e"],
        ["PFMERGE", "m", "h", "e"], ["PFCOUNT", "h", "m"], ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "TODENSE", "h"], ["PFADD", "h", "z"],
    ]);

    [Fact]
    public void GeoAddIsLoggedAsTheZaddItIsAsRedisServerWritesIt() => AofTestSupport.AssertSameIncrAsRedis(
    [
        ["GEOADD", "g", "13.361389", "38.115556", "Palermo"], ["GEOADD", "g", "CH", "13.361389", "38.115556", "Palermo"],
        ["GEOADD", "g", "NX", "CH", "15.087269", "37.502669", "Catania", "2.3522", "48.8566", "Paris"],
        ["GEOADD", "g", "XX", "2.3523", "48.8566", "Paris"], ["GEOADD", "g", "181", "0", "bad"],
    ]);

    [Fact]
    public void ScriptsReachTheAofAsTheirEffectsAsRedisServerWritesThem() => AofTestSupport.AssertSameIncrAsRedis(
    [
        // Several writes: MULTI ... EXEC; one: alone; none (a read-only script, a DEL of nothing): nothing. The writes
        // before an error stay. SELECT inside a script and REPL_NONE are honoured; EXPIREAT becomes PEXPIREAT.
        ["EVAL", "redis.call('set','a','1') redis.call('incr','a') return 1", "0"],
        ["EVAL", "return redis.call('set','b','2')", "0"],
        ["EVAL_RO", "return redis.call('get','b')", "0"],
        ["EVAL", "redis.call('set','c','3') redis.call('nosuch')", "0"],
        ["EVAL", "redis.call('expireat','b',4102444800) redis.call('select', 2) redis.call('set','d','4') return 1", "0"],
        ["EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set','e','5') redis.set_repl(redis.REPL_ALL) redis.call('set','f','6') return 1", "0"],
        ["EVAL", "redis.call('del','nosuchkey') return 1", "0"],
        ["EVAL", "redis.call('set','g','7') redis.call('get','g') return 1", "0"],
        ["SCRIPT", "LOAD", "return redis.call('lpush', KEYS[1], ARGV[1])"],
        ["EVALSHA", "bfd2c96b827c9f4a0ee02305e30a50573a708bda", "1", "l", "x"],
        ["MULTI"], ["EVAL", "redis.call('set','h','8') return 1", "0"], ["SET", "i", "9"], ["EXEC"],
    ]);

    [Fact]
    public void ScriptWritesComeBackAfterARestart()
    {
        // 1. A script with several writes, one with a single write, with appendfsync always.
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, fsync: "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(":3\r\n", c.Call("EVAL", "redis.call('rpush', KEYS[1], 'a', 'b') return redis.call('rpush', KEYS[1], ARGV[1])", "1", "l", "c"));
            Assert.Equal("+OK\r\n", c.Call("EVAL", "return redis.call('hset', KEYS[1], 'f', 'v') and redis.status_reply('OK')", "1", "h"));
        }
        // 2. Restart on the directory: both scripts' effects are back.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", c.Call("LRANGE", "l", "0", "-1"));
            Assert.Equal("$1\r\nv\r\n", c.Call("HGET", "h", "f"));
        }
    }

    [Fact]
    public void TransactionsReachTheAofAsRedisServerWritesThem() => AofTestSupport.AssertSameIncrAsRedis(
    [
        // One write among reads: logged alone, no MULTI/EXEC (server.c propagatePendingCommands).
        ["MULTI"], ["SET", "a", "1"], ["GET", "a"], ["EXEC"],
        // Two writes: wrapped.
        ["MULTI"], ["SET", "b", "1"], ["INCR", "b"], ["EXEC"],
        // One write in another database: its SELECT first, still no MULTI.
        ["MULTI"], ["SELECT", "2"], ["SET", "c", "1"], ["SELECT", "0"], ["EXEC"],
        // Writes in two databases: SELECT of the first before MULTI, the second's inside.
        ["MULTI"], ["SET", "d", "1"], ["SELECT", "3"], ["SET", "d", "2"], ["EXEC"],
        // Nothing changed: nothing logged.
        ["MULTI"], ["GET", "a"], ["DEL", "missing"], ["EXEC"],
        // A single write after a no-op write.
        ["MULTI"], ["DEL", "missing"], ["APPEND", "a", "x"], ["EXEC"],
    ]);

    [Theory]
    [InlineData("BLPOP", "*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n", "*1\r\n$1\r\ny\r\n")]
    [InlineData("BRPOP", "*2\r\n$4\r\nRPOP\r\n$1\r\nl\r\n", "*1\r\n$1\r\nx\r\n")]
    public void AClientServedByAPushLogsItsPopSoTheRestartHasTheSameList(string command, string loggedPop, string listAfter)
    {
        // 1. A client blocks on an empty list; another pushes two elements and serves it.
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, fsync: "always"))
        {
            server.Start();
            using var blocked = new RawClient("127.0.0.1", server.Port);
            using var pusher = new RawClient("127.0.0.1", server.Port);
            BlockingClients.Block(blocked, pusher, command, "l", "0");
            Assert.Equal(":2\r\n", pusher.Call("RPUSH", "l", "x", "y"));
            Assert.StartsWith("*2\r\n$1\r\nl\r\n", blocked.ReadReply());
            Assert.Equal(listAfter, pusher.Call("LRANGE", "l", "0", "-1"));
        }
        // 2. The log holds the push and then the pop Redis would log for the served client.
        Assert.Equal(
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n$1\r\ny\r\n" + loggedPop,
            File.ReadAllText(AofTestSupport.IncrFile(dir)));
        // 3. Restart: one element left, as before.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(listAfter, c.Call("LRANGE", "l", "0", "-1"));
        }
    }

    [Fact]
    public void ABlmoveServedByAPushLogsAnLmove()
    {
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, fsync: "always"))
        {
            server.Start();
            using var blocked = new RawClient("127.0.0.1", server.Port);
            using var pusher = new RawClient("127.0.0.1", server.Port);
            BlockingClients.Block(blocked, pusher, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
            pusher.Call("RPUSH", "src", "v");
            Assert.Equal("$1\r\nv\r\n", blocked.ReadReply());
        }
        Assert.EndsWith("*5\r\n$5\r\nLMOVE\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$4\r\nLEFT\r\n$5\r\nRIGHT\r\n", File.ReadAllText(AofTestSupport.IncrFile(dir)));
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("*0\r\n", c.Call("LRANGE", "src", "0", "-1"));
            Assert.Equal("*1\r\n$1\r\nv\r\n", c.Call("LRANGE", "dst", "0", "-1"));
        }
    }

    [Fact]
    public void ABzpopminServedByAZaddLogsAZpopmin()
    {
        string dir = AofTestSupport.TempDir();
        using (var server = AofTestSupport.NewServer(dir, fsync: "always"))
        {
            server.Start();
            using var blocked = new RawClient("127.0.0.1", server.Port);
            using var adder = new RawClient("127.0.0.1", server.Port);
            BlockingClients.Block(blocked, adder, "BZPOPMIN", "z", "0");
            adder.Call("ZADD", "z", "1", "a", "2", "b");
            Assert.Equal("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", blocked.ReadReply());
        }
        Assert.EndsWith("*2\r\n$7\r\nZPOPMIN\r\n$1\r\nz\r\n", File.ReadAllText(AofTestSupport.IncrFile(dir)));
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal("*1\r\n$1\r\nb\r\n", c.Call("ZRANGE", "z", "0", "-1"));
        }
    }
}
