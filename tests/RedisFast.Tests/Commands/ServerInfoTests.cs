using System.Text;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Tests.Commands;

public sealed class ServerInfoTests
{
    [Fact]
    public void InfoIsAVerbatimStringInResp3AndABulkStringInResp2()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning" });
        var connection = new Connection(server, null);
        string resp2 = Encoding.ASCII.GetString(connection.ExecuteDetachedWithReply("*2\r\n$4\r\nINFO\r\n$7\r\ncluster\r\n"u8));
        Assert.Equal("$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n", resp2);
        connection.Client.Reply.Protocol = 3;
        string resp3 = Encoding.ASCII.GetString(connection.ExecuteDetachedWithReply("*2\r\n$4\r\nINFO\r\n$7\r\ncluster\r\n"u8));
        Assert.Equal("=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n", resp3);
    }

    [Fact]
    public void ConfigGetIsAMapInResp3()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning" });
        var connection = new Connection(server, null) { Client = { Reply = { Protocol = 3 } } };
        string reply = Encoding.ASCII.GetString(connection.ExecuteDetachedWithReply("*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$10\r\nmaxclients\r\n"u8));
        Assert.Equal("%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", reply);
    }

    [Fact]
    public void KeyspaceLineCountsKeysAndKeysWithAnExpiry()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning" });
        var connection = new Connection(server, null);
        connection.ExecuteDetachedWithReply("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"u8);
        string reply = Encoding.ASCII.GetString(connection.ExecuteDetachedWithReply("*2\r\n$4\r\nINFO\r\n$8\r\nkeyspace\r\n"u8));
        Assert.Equal("$44\r\n# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n\r\n", reply);
    }

    [Fact]
    public void CommandstatsCountsTheTimeOfCommandsShorterThanAMicrosecond()
    {
        // A pipelined PING takes well under a microsecond: a sum of per-call durations each rounded down to whole
        // microseconds stays near 0 (it did: usec_per_call=0.00), while Redis reports ~0.06. No machine runs a
        // PING, parse included, in under 20 ns.
        using var server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning" });
        var connection = new Connection(server, null);
        const int calls = 20_000;
        byte[] pings = Enumerable.Repeat("*1\r\n$4\r\nPING\r\n"u8.ToArray(), calls).SelectMany(b => b).ToArray();
        // Once to compile and tier up the path (the first calls take microseconds each), then counted from zero.
        connection.ExecuteDetached(pings);
        connection.ExecuteDetached("*2\r\n$6\r\nCONFIG\r\n$9\r\nRESETSTAT\r\n"u8);
        connection.ExecuteDetached(pings);
        string reply = Encoding.ASCII.GetString(connection.ExecuteDetachedWithReply("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"u8));
        System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(reply, @"cmdstat_ping:calls=(\d+),usec=(\d+),");
        Assert.True(m.Success, reply);
        Assert.Equal(calls, long.Parse(m.Groups[1].Value));
        Assert.True(long.Parse(m.Groups[2].Value) >= calls / 50, reply);
    }
}
