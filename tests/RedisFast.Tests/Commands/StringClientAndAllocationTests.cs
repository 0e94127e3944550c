using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Realistic string use through StackExchange.Redis, and the allocation budget of the hot string commands
/// (zero bytes per command for GET, SET overwrite, INCR and MGET), measured on a detached connection.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class StringClientAndAllocationTests(ServerFixture f)
{
    [Fact]
    public void StackExchangeRedisClientWorksWithStringCommands()
    {
        using ConnectionMultiplexer mux = ConnectionMultiplexer.Connect($"127.0.0.1:{f.Port},allowAdmin=true,syncTimeout=15000,connectTimeout=15000");
        IDatabase db = mux.GetDatabase();
        string k = f.Key("se");

        Assert.True(db.StringSet(k, "hello", TimeSpan.FromSeconds(100)));
        Assert.Equal("hello", (string?)db.StringGet(k));
        Assert.Equal(11, db.StringAppend(k, " world"));
        Assert.Equal("world", (string?)db.StringGetRange(k, 6, -1));
        Assert.Equal(11, db.StringLength(k));
        Assert.Equal(11, (long)db.StringSetRange(k, 0, "H"));
        Assert.Equal("Hello world", (string?)db.StringGetSet(k, "new"));
        Assert.False(db.StringSet(k, "x", when: When.NotExists));
        Assert.True(db.StringSet(k, "y", when: When.Exists));

        string counter = f.Key("counter");
        Assert.Equal(1, db.StringIncrement(counter));
        Assert.Equal(11, db.StringIncrement(counter, 10));
        Assert.Equal(6, db.StringDecrement(counter, 5));
        Assert.Equal(6.5, db.StringIncrement(counter, 0.5));

        string a = f.Key("a"), b = f.Key("b");
        Assert.True(db.StringSet([new KeyValuePair<RedisKey, RedisValue>(a, "1"), new KeyValuePair<RedisKey, RedisValue>(b, "2")]));
        Assert.False(db.StringSet([new KeyValuePair<RedisKey, RedisValue>(a, "3")], When.NotExists));
        RedisValue[] values = db.StringGet([a, b, (RedisKey)f.Key("missing")]);
        Assert.Equal(new string?[] { "1", "2", null }, values.Select(v => (string?)v).ToList());

        string shortLived = f.Key("short");
        Assert.True(db.StringSet(shortLived, "v", TimeSpan.FromMilliseconds(1)));
        RedisValue value = "v";
        for (int i = 0; i < 200 && value.HasValue; i++)
        {
            Thread.Sleep(5);
            value = db.StringGet(shortLived);
        }
        Assert.False(value.HasValue);
    }

    [Fact]
    public void HotStringCommandsAllocateNothingPerCommand()
    {
        // The slowlog off: a command preempted past 10 ms on a loaded machine would be logged, and that entry allocates.
        var server = new RedisServer(new ServerConfig
        {
            Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning", SlowlogLogSlowerThan = -1,
        });
        try
        {
            var conn = new Connection(server, null);
            byte[] setup = Concat(RawClient.Encode("SET", "alloc:s", "value-123"), RawClient.Encode("SET", "alloc:n", "10"),
                RawClient.Encode("SET", "alloc:t", "v"));
            conn.ExecuteDetached(setup);
            byte[] batch = Concat(
                RawClient.Encode("GET", "alloc:s"),
                RawClient.Encode("SET", "alloc:s", "value-456"),
                RawClient.Encode("INCR", "alloc:n"),
                RawClient.Encode("INCRBY", "alloc:n", "5"),
                RawClient.Encode("DECR", "alloc:n"),
                RawClient.Encode("MGET", "alloc:s", "alloc:n", "alloc:missing"),
                RawClient.Encode("SET", "alloc:t", "w", "XX", "PX", "100000"),
                RawClient.Encode("STRLEN", "alloc:s"),
                RawClient.Encode("GETRANGE", "alloc:s", "0", "4"));
            for (int i = 0; i < 50; i++) conn.ExecuteDetached(batch);
            // The least of five runs: the runtime itself may allocate on this thread once in a while (tiered
            // compilation's call counting promoting a method), while an allocating command allocates in every run.
            long allocated = long.MaxValue;
            for (int run = 0; run < 5; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 100; i++) conn.ExecuteDetached(batch);
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.Equal(0, allocated);
            Assert.Equal("$9\r\nvalue-456\r\n", Encoding.Latin1.GetString(conn.ExecuteDetachedWithReply(RawClient.Encode("GET", "alloc:s"))));
        }
        finally
        {
            server.Dispose();
        }
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
