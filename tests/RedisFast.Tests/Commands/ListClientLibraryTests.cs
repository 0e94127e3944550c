using RedisFast.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisFast.Tests.Commands;

/// <summary>Lists as StackExchange.Redis 1.2.6 uses them: a producer/consumer queue and in-place edits.</summary>
[Collection(ServerCollection.Name)]
public sealed class ListClientLibraryTests(ServerFixture f)
{
    [Fact]
    public void StackExchangeRedisUsesListsAsQueuesAndEditsThem()
    {
        using ConnectionMultiplexer redis = StackExchangeClients.Connect(f.Port);
        IDatabase db = redis.GetDatabase(0);
        string queue = f.Key("queue"), done = f.Key("done");

        Assert.Equal(3, db.ListRightPush(queue, new RedisValue[] { "job1", "job2", "job3" }));
        Assert.Equal(4, db.ListLeftPush(queue, "job0"));
        Assert.Equal(4, db.ListLength(queue));
        Assert.Equal("job0", (string?)db.ListLeftPop(queue));
        Assert.Equal("job3", (string?)db.ListRightPopLeftPush(queue, done));
        Assert.Equal(new[] { "job1", "job2" }, db.ListRange(queue).Select(v => (string)v!).ToArray());
        Assert.Equal("job3", (string?)db.ListGetByIndex(done, 0));

        Assert.Equal(3, db.ListInsertBefore(queue, "job2", "job1.5"));
        Assert.Equal(-1, db.ListInsertAfter(queue, "nope", "x"));
        db.ListSetByIndex(queue, -1, "job2b");
        Assert.Equal(4, db.ListRightPush(queue, "job1"));
        Assert.Equal(2, db.ListRemove(queue, "job1"));
        Assert.Equal(new[] { "job1.5", "job2b" }, db.ListRange(queue, 0, -1).Select(v => (string)v!).ToArray());
        db.ListTrim(queue, 1, -1);
        Assert.Equal("job2b", (string?)db.ListRightPop(queue));
        Assert.False(db.KeyExists(queue));
        Assert.True(db.ListLeftPop(queue).IsNull);
        Assert.Equal(0, db.ListLeftPush(queue, "x", When.Exists));

        db.StringSet(queue, "text");
        Assert.Throws<RedisServerException>(() => db.ListLeftPush(queue, "x"));
    }
}
