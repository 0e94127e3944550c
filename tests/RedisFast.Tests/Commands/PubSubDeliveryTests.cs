using System.Net.Sockets;
using System.Text;
using RedisFast.Tests.Infrastructure;
using RedisFast.Tests.Networking;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Delivery beyond single replies: a subscriber that stops reading is cut off at the pubsub output limit while the
/// others get every byte, CLIENT LIST shows subscription state, and StackExchange.Redis 1.2.6 subscribes and
/// receives as an application would.
/// </summary>
public sealed class PubSubDeliveryTests
{
    private const int MessageSize = 100 * 1024;
    private const int Messages = 500; // 50 MB in all: past the 32 MB pubsub hard limit

    [Fact]
    public void SubscriberThatNeverReadsIsDisconnectedAtThePubSubLimitWhileOthersGetEveryMessage()
    {
        using var server = new TestServer(); // default limits: client-output-buffer-limit pubsub 32mb 8mb 60
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024 };
        slow.Connect("127.0.0.1", server.Port);
        slow.Send(RawClient.Encode("SUBSCRIBE", "feed"));
        using RawClient good = server.Connect();
        Assert.StartsWith("*3\r\n$9\r\nsubscribe\r\n", good.Call("SUBSCRIBE", "feed"));
        using RawClient publisher = server.Connect();
        Assert.True(SpinWait.SpinUntil(() => publisher.Call("PUBSUB", "NUMSUB", "feed") == "*2\r\n$4\r\nfeed\r\n:2\r\n", 5000));

        byte[] payload = SocketIoTests.Pattern(MessageSize);
        byte[] expected = [.. "*3\r\n$7\r\nmessage\r\n$4\r\nfeed\r\n"u8, .. SocketIoTests.BulkReply(payload)];
        string lastReply = "";
        for (int i = 0; i < Messages; i++)
        {
            // Lock-step with the good subscriber, so only the slow one accumulates output.
            publisher.Send(RawClient.Encode("PUBLISH"u8.ToArray(), "feed"u8.ToArray(), payload));
            lastReply = publisher.ReadReply();
            Assert.Equal(expected, good.ReadReplyBytes());
        }
        Assert.Equal(":1\r\n", lastReply);
        Assert.True(SpinWait.SpinUntil(() => server.ClientCount() == 2, 10_000), "the slow subscriber was not closed");
        Assert.InRange(server.MaxPendingOutput(), 0, 1024 * 1024);
        Assert.Equal("*2\r\n$4\r\nfeed\r\n:1\r\n", publisher.Call("PUBSUB", "NUMSUB", "feed"));
        Assert.Equal("+PONG\r\n", publisher.Call("PING"));
    }

    [Fact]
    public void ClientListShowsSubscriptionCountsFlagsAndFiltersByPubSubType()
    {
        using var server = new TestServer();
        using RawClient sub = server.Connect();
        sub.Call("SUBSCRIBE", "a", "b");
        sub.ReadReply();
        sub.Call("PSUBSCRIBE", "p*");
        sub.Call("SSUBSCRIBE", "s");
        using RawClient tx = server.Connect();
        tx.Call("MULTI");
        tx.Call("SET", "k", "v");
        tx.Call("GET", "k");
        using RawClient observer = server.Connect();
        string pubsubList = observer.Call("CLIENT", "LIST", "TYPE", "PUBSUB");
        Assert.Contains(" flags=P db=0 sub=2 psub=1 ssub=1 multi=-1 ", pubsubList);
        Assert.Single(pubsubList.Split('\n'), l => l.Contains("id="));
        string normal = observer.Call("CLIENT", "LIST", "TYPE", "NORMAL");
        // SET k v: 5 bytes + 3 pointers; GET k: 4 bytes + 2 pointers (multi.c argv_len_sums).
        Assert.Contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=2 ", normal);
        Assert.Contains(" multi-mem=49 ", normal);
        Assert.DoesNotContain("flags=P", normal);
        tx.Call("DISCARD");
        tx.Call("WATCH", "k");
        observer.Call("SET", "k", "changed");
        Assert.Contains(" flags=d ", tx.Call("CLIENT", "INFO"));
        Assert.Equal(":1\r\n", observer.Call("CLIENT", "KILL", "TYPE", "pubsub"));
        Assert.True(sub.IsClosedByServer());
    }

    [Fact]
    public void StackExchangeRedisSubscribesReceivesAndUnsubscribes()
    {
        using var server = new ServerFixture();
        using ConnectionMultiplexer redis = StackExchangeClients.Connect(server.Port);
        ISubscriber subscriber = redis.GetSubscriber();
        var received = new System.Collections.Concurrent.BlockingCollection<string>();
        subscriber.Subscribe("se:news", (channel, message) => received.Add($"{channel}={message}"));
        subscriber.Subscribe("se:pat.*", (channel, message) => received.Add($"pattern {channel}={message}"));
        Assert.Equal(1, subscriber.Publish("se:news", "hello"));
        Assert.True(received.TryTake(out string? first, 10_000));
        Assert.Equal("se:news=hello", first);
        Assert.Equal(1, subscriber.Publish("se:pat.x", "world"));
        Assert.True(received.TryTake(out string? second, 10_000));
        Assert.Equal("pattern se:pat.x=world", second);
        subscriber.Unsubscribe("se:news");
        Assert.Equal(0, subscriber.Publish("se:news", "nobody"));
    }

    [Fact]
    public async Task StackExchangeRedisTransactionsCommitOrAbortOnTheirConditions()
    {
        using var server = new ServerFixture();
        using ConnectionMultiplexer redis = StackExchangeClients.Connect(server.Port);
        IDatabase db = redis.GetDatabase(0);
        db.StringSet("se:balance", "10");

        ITransaction ok = db.CreateTransaction();
        ok.AddCondition(Condition.StringEqual("se:balance", "10"));
        Task<long> after = ok.StringIncrementAsync("se:balance", 5);
        Task<bool> marker = ok.StringSetAsync("se:marker", "done");
        Assert.True(await ok.ExecuteAsync());
        Assert.Equal(15, await after);
        Assert.True(await marker);

        ITransaction refused = db.CreateTransaction();
        refused.AddCondition(Condition.StringEqual("se:balance", "10"));
        _ = refused.StringSetAsync("se:balance", "0");
        Assert.False(await refused.ExecuteAsync());
        Assert.Equal("15", (string?)db.StringGet("se:balance"));

        ITransaction missing = db.CreateTransaction();
        missing.AddCondition(Condition.KeyNotExists("se:lock"));
        _ = missing.StringSetAsync("se:lock", "me");
        Assert.True(await missing.ExecuteAsync());
        Assert.Equal("me", (string?)db.StringGet("se:lock"));
        // After a transaction, 1.2.6's Dispose waits out the sync timeout (also against redis-server): close first.
        redis.Close(allowCommandsToComplete: false);
    }
}
