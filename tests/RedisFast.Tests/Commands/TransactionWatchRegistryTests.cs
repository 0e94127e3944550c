using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Tests.Commands;

/// <summary>
/// WatchRegistry.TouchAllWatchedKeysInDb, the hook FLUSHDB, FLUSHALL and SWAPDB call, driven on detached
/// connections (this test is the only thread using the server), with multi.c's rules for existing, missing and
/// already-expired keys.
/// </summary>
public sealed class TransactionWatchRegistryTests : IDisposable
{
    private readonly RedisServer _server = new(new ServerConfig { Port = 0, LogLevel = "nothing" });

    [Fact]
    public void FlushOfADatabaseHoldingTheWatchedKeyFailsExec()
    {
        Connection a = Detached();
        Run(a, "SET k v", "WATCH k");
        Database db0 = _server.Keyspace.Databases[0];
        _server.Watches.TouchAllWatchedKeysInDb(db0, null);
        db0.Table = new KeyTable();
        Assert.Equal("+OK\r\n+QUEUED\r\n*-1\r\n", Run(a, "MULTI", "PING", "EXEC"));
    }

    [Fact]
    public void FlushOfADatabaseWithoutTheWatchedKeyLeavesTheTransactionAlone()
    {
        Connection a = Detached();
        Run(a, "SET other v", "WATCH k");
        _server.Watches.TouchAllWatchedKeysInDb(_server.Keyspace.Databases[0], null);
        Assert.Equal("+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n", Run(a, "MULTI", "PING", "EXEC"));
    }

    [Fact]
    public void SwapThatBringsTheWatchedKeyInFailsExec()
    {
        Connection a = Detached();
        Run(a, "SELECT 1", "SET k v", "SELECT 0", "WATCH k");
        Database db0 = _server.Keyspace.Databases[0], db1 = _server.Keyspace.Databases[1];
        _server.Watches.TouchAllWatchedKeysInDb(db0, db1);
        _server.Watches.TouchAllWatchedKeysInDb(db1, db0);
        _server.Keyspace.Swap(0, 1);
        Assert.Equal("+OK\r\n+QUEUED\r\n*-1\r\n", Run(a, "MULTI", "GET k", "EXEC"));
    }

    [Fact]
    public void ClosingAWatchingClientLeavesNoListenerOnTheKeyspace()
    {
        Connection a = Detached();
        Run(a, "WATCH k1 k2");
        Assert.NotNull(_server.Keyspace.ModifiedKeyListener);
        Assert.Equal(2, _server.Watches.Count);
        a.Close();
        Assert.Equal(0, _server.Watches.Count);
        Assert.Null(_server.Keyspace.ModifiedKeyListener);
    }

    private Connection Detached() => new(_server, null);

    private static string Run(Connection c, params string[] commands)
    {
        var request = new StringBuilder();
        foreach (string command in commands) request.Append(command).Append("\r\n");
        return Encoding.Latin1.GetString(c.ExecuteDetachedWithReply(Encoding.Latin1.GetBytes(request.ToString())));
    }

    public void Dispose() => _server.Dispose();
}
