using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Storage;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Storage;

/// <summary>
/// The memory count maxmemory limits (Keyspace.UsedBytes) is kept as keys change, never by walking them: after any
/// mix of writes it must equal a walk that sizes every key afresh, and every collection's element count must equal
/// the sum over its elements.
/// </summary>
public sealed class KeyspaceMemoryTests
{
    private static readonly string[] Keys = ["l1", "l2", "s1", "s2", "h1", "h2", "z1", "z2", "str1", "str2"];

    [Fact]
    public void TheCountedBytesEqualAFreshWalkAfterThousandsOfRandomWritesOfEveryType()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, Dir = TestDirectory.Create(), LogLevel = "warning" });
        var connection = new Connection(server, null);
        var random = new Random(20261121);
        for (int step = 0; step < 6000; step++)
        {
            connection.ExecuteDetached(RawClient.Encode(RandomCommand(random)));
            if (step % 10 == 9) RestoreOverAnExistingKey(connection, Keys[random.Next(Keys.Length)], Keys[random.Next(Keys.Length)]);
            if (step % 50 == 49) AssertCountsMatchAWalk(server, step);
        }
        AssertCountsMatchAWalk(server, -1);
        connection.ExecuteDetached(RawClient.Encode("FLUSHALL"));
        Assert.Equal(0, server.Keyspace.UsedBytes);
    }

    [Fact]
    public void DeletingEveryKeyBringsTheCountBackToNothing()
    {
        using var server = new RedisServer(new ServerConfig { Port = 0, Dir = TestDirectory.Create(), LogLevel = "warning" });
        var connection = new Connection(server, null);
        Assert.Equal(0, server.Keyspace.UsedBytes);
        var random = new Random(7);
        for (int step = 0; step < 2000; step++) connection.ExecuteDetached(RawClient.Encode(RandomCommand(random)));
        Assert.True(server.Keyspace.UsedBytes > 0);
        foreach (string key in Keys) connection.ExecuteDetached(RawClient.Encode("DEL", key));
        connection.ExecuteDetached(RawClient.Encode("SELECT", "1"));
        foreach (string key in Keys) connection.ExecuteDetached(RawClient.Encode("DEL", key));
        Assert.Equal(0, server.Keyspace.UsedBytes);
    }

    /// <summary>
    /// DUMP of <paramref name="from"/>, RESTORE ... REPLACE onto <paramref name="to"/>: one command that deletes a key
    /// and adds one, which may take the slot just freed.
    /// </summary>
    private static void RestoreOverAnExistingKey(Connection connection, string from, string to)
    {
        byte[] reply = connection.ExecuteDetachedWithReply(RawClient.Encode("DUMP", from));
        if (reply[0] != '$' || reply[1] == '-') return;
        int header = Array.IndexOf(reply, (byte)'\n') + 1;
        byte[] payload = reply[header..^2];
        connection.ExecuteDetached(RawClient.Encode(Encoding.UTF8.GetBytes("RESTORE"), Encoding.UTF8.GetBytes(to), "0"u8.ToArray(), payload, "REPLACE"u8.ToArray()));
    }

    /// <summary>A write on one of a few keys of each type, with members of 1 to 300 bytes (both encodings of each type).</summary>
    private static string[] RandomCommand(Random random)
    {
        string Member() => random.Next(4) == 0 ? random.Next(-50, 200).ToString() : "m" + new string((char)('a' + random.Next(26)), random.Next(1, 300));
        string Count() => random.Next(1, 6).ToString();
        string key = Keys[random.Next(Keys.Length)];
        string other = Keys[random.Next(Keys.Length)];
        switch (random.Next(34))
        {
            case 0: return ["LPUSH", "l" + random.Next(1, 3), Member(), Member()];
            case 1: return ["RPUSH", "l" + random.Next(1, 3), Member()];
            case 2: return ["LPOP", "l" + random.Next(1, 3), Count()];
            case 3: return ["RPOP", "l" + random.Next(1, 3)];
            case 4: return ["LSET", "l" + random.Next(1, 3), random.Next(-3, 3).ToString(), Member()];
            case 5: return ["LINSERT", "l" + random.Next(1, 3), random.Next(2) == 0 ? "BEFORE" : "AFTER", Member(), Member()];
            case 6: return ["LREM", "l" + random.Next(1, 3), random.Next(-2, 3).ToString(), Member()];
            case 7: return ["LTRIM", "l" + random.Next(1, 3), random.Next(0, 3).ToString(), random.Next(-3, 40).ToString()];
            case 8: return ["LMOVE", "l" + random.Next(1, 3), "l" + random.Next(1, 3), "LEFT", "RIGHT"];
            case 9: return ["SADD", "s" + random.Next(1, 3), Member(), Member(), Member()];
            case 10: return ["SREM", "s" + random.Next(1, 3), Member()];
            case 11: return ["SPOP", "s" + random.Next(1, 3), Count()];
            case 12: return ["SMOVE", "s1", "s2", Member()];
            case 13: return ["SUNIONSTORE", "s" + random.Next(1, 3), "s1", "s2"];
            case 14: return ["HSET", "h" + random.Next(1, 3), Member(), Member(), Member(), Member()];
            case 15: return ["HDEL", "h" + random.Next(1, 3), Member()];
            case 16: return ["HINCRBY", "h" + random.Next(1, 3), "n" + random.Next(5), "7"];
            case 17: return ["HSETNX", "h" + random.Next(1, 3), Member(), Member()];
            case 18: return ["ZADD", "z" + random.Next(1, 3), random.Next(100).ToString(), Member(), random.Next(100).ToString(), Member()];
            case 19: return ["ZREM", "z" + random.Next(1, 3), Member()];
            case 20: return ["ZINCRBY", "z" + random.Next(1, 3), "3", Member()];
            case 21: return ["ZREMRANGEBYRANK", "z" + random.Next(1, 3), "0", random.Next(0, 3).ToString()];
            case 22: return ["ZPOPMAX", "z" + random.Next(1, 3), Count()];
            case 23: return ["ZUNIONSTORE", "z" + random.Next(1, 3), "2", "z1", "z2"];
            case 24: return ["SET", "str" + random.Next(1, 3), Member()];
            case 25: return ["APPEND", "str" + random.Next(1, 3), Member()];
            case 26: return ["SETRANGE", "str" + random.Next(1, 3), random.Next(0, 400).ToString(), Member()];
            case 27: return ["INCRBY", "str" + random.Next(1, 3), "5"];
            case 28: return ["DEL", key];
            case 29: return ["RENAME", key, other];
            case 30: return ["COPY", key, other, "REPLACE"];
            case 31: return random.Next(4) == 0 ? ["SWAPDB", "0", "1"] : ["MOVE", key, "1"];
            case 32: return random.Next(20) == 0 ? ["FLUSHDB"] : ["PFADD", "str" + random.Next(1, 3), Member()];
            default: return ["CONFIG", "SET", "zset-max-listpack-entries", random.Next(2, 200).ToString()];
        }
    }

    private static void AssertCountsMatchAWalk(RedisServer server, int step)
    {
        // Reading the count settles what is pending; then no slot may be left pending.
        long counted = server.Keyspace.UsedBytes;
        long expected = 0;
        foreach (Database db in server.Keyspace.Databases)
        {
            KeyTable table = db.Table;
            for (int i = 0; i < table.SlotCount; i++)
            {
                ref KeyEntry e = ref table.Peek(i);
                Assert.False(e.SizePending);
                expected += MemorySize.Of(e);
                if (e.Value is not null) AssertElementBytes(e.Value, $"step {step}, db {db.Id}, key {Encoding.Latin1.GetString(e.Key ?? [])}");
            }
        }
        Assert.Equal(expected, counted);
    }

    private static void AssertElementBytes(object value, string where)
    {
        long walked = 0, tracked;
        switch (value)
        {
            case RedisList list:
                for (int i = 0; i < list.Count; i++) walked += MemorySize.Of(list[i]);
                tracked = list.ElementBytes;
                break;
            case RedisSet set:
                if (!set.IsIntset)
                {
                    for (int p = set.First(); p >= 0; p = set.Next(p)) walked += MemorySize.Of(set.MemberArrayAt(p));
                }
                tracked = set.ElementBytes;
                break;
            case RedisHash hash:
                if (!hash.IsListpack)
                {
                    for (int p = hash.First(); p >= 0; p = hash.Next(p)) walked += MemorySize.Array(hash.FieldAt(p).Length) + MemorySize.Array(hash.ValueAt(p).Length);
                }
                tracked = hash.ElementBytes;
                break;
            case RedisSortedSet zset:
                for (ZIterator it = zset.AtRank(0); it.Valid; it.MoveNext()) walked += MemorySize.Of(it.Member);
                tracked = zset.ElementBytes;
                break;
            default:
                return;
        }
        Assert.True(walked == tracked, $"{where}: {value.GetType().Name} tracks {tracked} element bytes, a walk finds {walked}");
    }
}
