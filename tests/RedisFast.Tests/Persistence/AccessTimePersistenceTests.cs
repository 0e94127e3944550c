using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Persistence.FastServers;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// Under an LRU or LFU maxmemory-policy a dump keeps what eviction chooses by, as Redis's does (RDB IDLE and FREQ
/// records): idle times and access counters survive a restart, and redis-server reads RedisFast's and the reverse.
/// </summary>
public sealed class AccessTimePersistenceTests
{
    [Theory]
    [InlineData("allkeys-lru", "IDLETIME", "5000", "IDLETIME")]
    [InlineData("allkeys-lfu", "FREQ", "100", "FREQ")]
    public void IdleTimesAndAccessCountersSurviveADumpInBothServers(string policy, string restoreOption, string value, string objectField)
    {
        // lfu-decay-time 0 everywhere: a counter would lose a point at a minute boundary crossed during the test.
        // 1. RedisFast stores a key with the given idle time or counter and saves.
        string dir = TestDirectory.Create();
        using (var server = NewServer(dir, ""))
        {
            server.Config.MaxMemoryPolicy = policy;
            server.Config.LfuDecayTime = 0;
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            c.Call("SET", "source", "v");
            c.Send(RawClient.Encode("DUMP", "source"));
            byte[] dump = c.ReadReplyBytes();
            c.Send(RawClient.Encode("RESTORE"u8.ToArray(), "k"u8.ToArray(), "0"u8.ToArray(), Bulk(dump), System.Text.Encoding.ASCII.GetBytes(restoreOption), System.Text.Encoding.ASCII.GetBytes(value)));
            Assert.Equal("+OK\r\n", c.ReadReply());
            AssertAtLeast(c.Call("OBJECT", objectField, "k"), long.Parse(value));
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
        }
        // 2. redis-check-rdb accepts the file; redis-server under the same policy reads the same figure.
        (int code, string output) = AofTestSupport.Run("redis-check-rdb", Path.Combine(dir, "dump.rdb"));
        Assert.True(code == 0, output);
        using (RedisChild redis = RedisChild.Start(dir, "dump.rdb", "--maxmemory-policy", policy, "--lfu-decay-time", "0"))
        {
            using RawClient c = redis.Connect();
            AssertAtLeast(c.Call("OBJECT", objectField, "k"), long.Parse(value));
            Assert.Equal("+OK\r\n", c.Call("SAVE"));
        }
        // 3. RedisFast reads redis-server's file the same way.
        using (var server = NewServer(dir, ""))
        {
            server.Config.MaxMemoryPolicy = policy;
            server.Config.LfuDecayTime = 0;
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            AssertAtLeast(c.Call("OBJECT", objectField, "k"), long.Parse(value));
        }
    }

    /// <summary>The bulk string's payload out of a RESP bulk reply.</summary>
    private static byte[] Bulk(byte[] reply)
    {
        int header = Array.IndexOf(reply, (byte)'\n') + 1;
        return reply[header..^2];
    }

    /// <summary>An integer reply of at least <paramref name="minimum"/> (an idle time grows while the test runs).</summary>
    private static void AssertAtLeast(string reply, long minimum)
    {
        Assert.StartsWith(":", reply);
        long n = long.Parse(reply[1..^2]);
        Assert.InRange(n, minimum, minimum + 60);
    }
}
