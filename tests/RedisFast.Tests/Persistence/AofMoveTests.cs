using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>MOVE in the AOF: logged as Redis logs it (in the source database), and replayed into the target database.</summary>
public sealed class AofMoveTests
{
    // Deterministic commands only (absolute times): both servers must log exactly the same bytes.
    private static readonly string[][] Script =
    [
        ["SET", "a", "1"],
        ["SET", "t", "v", "PXAT", "4102444800123"],
        ["MOVE", "a", "3"],
        ["MOVE", "a", "3"],
        ["MOVE", "missing", "3"],
        ["MOVE", "t", "abc"],
        ["MOVE", "t", "0"],
        ["MOVE", "t", "3"],
        ["RPUSH", "l", "x", "y"],
        ["SELECT", "3"],
        ["SET", "l", "blocker"],
        ["SELECT", "0"],
        ["MOVE", "l", "3"],
        ["MULTI"],
        ["MOVE", "l", "4"],
        ["MOVE", "l", "99"],
        ["SET", "m", "1"],
        ["EXEC"],
        ["SELECT", "3"],
        ["MOVE", "t", "5"],
        ["SELECT", "5"],
        ["MOVE", "t", "3"],
    ];

    [Fact]
    public void IncrFileHoldsTheSameBytesAsRedisServerWritesForMove() => AofTestSupport.AssertSameIncrAsRedis(Script);

    [Fact]
    public void RestartLoadsMovedKeysIntoTheirTargetDatabaseWithTheirTtl()
    {
        string dir = AofTestSupport.TempDir();
        // 1. Start, write, move, stop.
        using (var server = AofTestSupport.NewServer(dir, "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            foreach (string[] command in Script) c.Call(command);
        }
        // 2. Restart from the AOF and look in every database the script touched.
        using (var server = AofTestSupport.NewServer(dir))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            Assert.Equal(":0\r\n", c.Call("EXISTS", "a", "t", "l"));
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "m"));
            Assert.Equal("+OK\r\n", c.Call("SELECT", "3"));
            Assert.Equal("$1\r\n1\r\n", c.Call("GET", "a"));
            Assert.Equal("$1\r\nv\r\n", c.Call("GET", "t"));
            Assert.Equal(":4102444800123\r\n", c.Call("PEXPIRETIME", "t"));
            Assert.Equal("$7\r\nblocker\r\n", c.Call("GET", "l"));
            Assert.Equal("+OK\r\n", c.Call("SELECT", "4"));
            Assert.Equal("*2\r\n$1\r\nx\r\n$1\r\ny\r\n", c.Call("LRANGE", "l", "0", "-1"));
            Assert.Equal("+OK\r\n", c.Call("SELECT", "5"));
            Assert.Equal(":0\r\n", c.Call("DBSIZE"));
        }
    }
}
