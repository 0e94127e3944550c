using System.Buffers.Binary;
using RedisFast.Persistence.Rdb;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Commands;

/// <summary>
/// DUMP and RESTORE against redis-server 7.0 on the shared differential servers (keys "dump:&lt;test&gt;:..."): payloads
/// byte for byte, each server restoring the other's, and RESTORE's errors in Redis's order.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class DumpRestoreTests(DifferentialFixture f)
{
    /// <summary>One key of each type and encoding, created by the same commands on both servers.</summary>
    private static readonly string[][] Values =
    [
        ["SET", "dump:v:int", "-123456789"],
        ["SET", "dump:v:embstr", "hello"],
        ["SET", "dump:v:lzf", new string('a', 200)],
        ["SET", "dump:v:raw", string.Concat(Enumerable.Range(0, 40).Select(i => (char)('A' + i % 26) + i.ToString()))],
        ["RPUSH", "dump:v:list", "a", "1", "5000000000", new string('z', 100)],
        ["RPUSH", "dump:v:biglist", .. Enumerable.Range(0, 3000).Select(i => "element-" + i)],
        ["SADD", "dump:v:intset", "3", "-70000", "5000000000"],
        ["HSET", "dump:v:hash", "f", "v", "n", "12"],
        ["ZADD", "dump:v:zset", "1.5", "m", "-inf", "n", "3", "o"],
        ["ZADD", "dump:v:bigzset", .. Enumerable.Range(0, 300).SelectMany(i => new[] { (i * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture), "m" + i })],
    ];

    /// <summary>Types whose DUMP order is the hash table's, which differs between servers: compared after RESTORE.</summary>
    private static readonly string[][] Unordered =
    [
        ["SADD", "dump:u:set", .. Enumerable.Range(0, 200).Select(i => "member-" + i)],
        ["HSET", "dump:u:hash", .. Enumerable.Range(0, 200).SelectMany(i => new[] { "field-" + i, "value-" + i })],
    ];

    private static byte[]? Dump(RawClient c, string key) => (byte[]?)Exec(c, "DUMP", key);

    private static string Restore(RawClient c, string key, string ttl, byte[] payload, params string[] options) =>
        Call(c, [B("RESTORE"), B(key), B(ttl), payload, .. options.Select(B)]);

    [Fact]
    public void DumpIsByteForByteWhatRedisServerDumps()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        foreach (string[] command in Values)
        {
            Exec(fast, "DEL", command[1]);
            Exec(real, "DEL", command[1]);
            Assert.Equal(Exec(real, command) is long n ? n : -1, Exec(fast, command) is long m ? m : -1);
            Assert.Equal($"{command[1]}: {Convert.ToHexString(Dump(real, command[1])!)}", $"{command[1]}: {Convert.ToHexString(Dump(fast, command[1])!)}");
        }
        Assert.Null(Dump(fast, "dump:v:missing"));
        Assert.Null(Dump(real, "dump:v:missing"));
    }

    [Fact]
    public void EachServerRestoresWhatTheOtherDumped()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        foreach (string[] command in Values.Concat(Unordered))
        {
            string key = command[1];
            foreach ((RawClient from, RawClient to) in new[] { (real, fast), (fast, real) })
            {
                Exec(from, "DEL", key);
                Exec(from, command);
                byte[] payload = Dump(from, key)!;
                Exec(to, "DEL", key);
                Assert.Equal("+OK\r\n", Restore(to, key, "0", payload));
                foreach (string[] read in ReadsOf(command[0], key))
                    Assert.Equal($"{string.Join(' ', read)}: {Call(from, read.Select(B).ToArray())}", $"{string.Join(' ', read)}: {Call(to, read.Select(B).ToArray())}");
                Assert.Equal(Bulk(from, "OBJECT", "ENCODING", key), Bulk(to, "OBJECT", "ENCODING", key));
                Assert.Equal(":-1\r\n", Call(to, B("PTTL"), B(key)));
            }
        }
    }

    private static string[][] ReadsOf(string command, string key) => command switch
    {
        "SET" => [["GET", key]],
        "RPUSH" => [["LRANGE", key, "0", "-1"]],
        "SADD" => [["SCARD", key], ["SMISMEMBER", key, "3", "member-0", "member-199", "x"]],
        "HSET" => [["HLEN", key], ["HMGET", key, "f", "n", "field-0", "field-199", "x"]],
        _ => [["ZRANGE", key, "0", "-1", "WITHSCORES"]],
    };

    [Fact]
    public void TtlReplaceAbsTtlAndIdleTimeWorkAsInRedis()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        foreach (RawClient c in new[] { fast, real })
        {
            Exec(c, "SET", "dump:ttl:src", "value");
            byte[] payload = Dump(c, "dump:ttl:src")!;
            Exec(c, "DEL", "dump:ttl:a", "dump:ttl:b", "dump:ttl:c", "dump:ttl:d");
            Assert.Equal("+OK\r\n", Restore(c, "dump:ttl:a", "100000", payload));
            Assert.InRange((long)Exec(c, "PTTL", "dump:ttl:a")!, 95_000, 100_000);
            Assert.Equal("+OK\r\n", Restore(c, "dump:ttl:b", "4102444800123", payload, "ABSTTL"));
            Assert.Equal(":4102444800123\r\n", Call(c, B("PEXPIRETIME"), B("dump:ttl:b")));
            // A time already past stores nothing; with REPLACE the key it replaces is deleted.
            Assert.Equal("+OK\r\n", Restore(c, "dump:ttl:c", "1", payload, "ABSTTL"));
            Assert.Equal(":0\r\n", Call(c, B("EXISTS"), B("dump:ttl:c")));
            Assert.Equal("+OK\r\n", Restore(c, "dump:ttl:a", "1000", payload, "REPLACE", "ABSTTL"));
            Assert.Equal(":0\r\n", Call(c, B("EXISTS"), B("dump:ttl:a")));
            Assert.Equal("+OK\r\n", Restore(c, "dump:ttl:d", "0", payload, "IDLETIME", "1000"));
            Assert.InRange((long)Exec(c, "OBJECT", "IDLETIME", "dump:ttl:d")!, 1000, 1003);
            Assert.Equal("+OK\r\n", Restore(c, "dump:ttl:d", "0", payload, "replace", "freq", "5"));
            Assert.Equal("$5\r\nvalue\r\n", Call(c, B("GET"), B("dump:ttl:d")));
        }
    }

    [Fact]
    public void ErrorsComeInRedisOrderWithRedisTexts()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        var replies = new List<string>[2];
        int side = 0;
        foreach (RawClient c in new[] { fast, real })
        {
            var r = replies[side++] = [];
            Exec(c, "SET", "dump:err:src", "value");
            Exec(c, "DEL", "dump:err:new");
            byte[] good = Dump(c, "dump:err:src")!;
            byte[] flipped = (byte[])good.Clone();
            flipped[1] ^= 1;
            byte[] version11 = WithFooter(good[..^10], 11);
            byte[] garbage = WithFooter([0xFE, 1, 2, 3], 10);
            byte[] emptySet = WithFooter([2, 0], 10);
            r.Add(Restore(c, "dump:err:src", "0", good));
            r.Add(Restore(c, "dump:err:src", "0", flipped));
            r.Add(Restore(c, "dump:err:new", "-1", good));
            r.Add(Restore(c, "dump:err:new", "x", good));
            r.Add(Restore(c, "dump:err:new", "0", flipped));
            r.Add(Restore(c, "dump:err:new", "0", good[..9]));
            r.Add(Restore(c, "dump:err:new", "0", version11));
            r.Add(Restore(c, "dump:err:new", "0", garbage));
            r.Add(Restore(c, "dump:err:new", "0", emptySet));
            r.Add(Restore(c, "dump:err:new", "0", good, "NOSUCH"));
            r.Add(Restore(c, "dump:err:new", "0", good, "IDLETIME"));
            r.Add(Restore(c, "dump:err:new", "0", good, "IDLETIME", "-1"));
            r.Add(Restore(c, "dump:err:new", "0", good, "IDLETIME", "x"));
            r.Add(Restore(c, "dump:err:new", "0", good, "FREQ", "256"));
            r.Add(Restore(c, "dump:err:new", "0", good, "IDLETIME", "1", "FREQ", "1"));
            r.Add(Restore(c, "dump:err:new", "-1", good, "BAD"));
            r.Add(Call(c, B("EXISTS"), B("dump:err:new")));
            r.Add(Call(c, B("RESTORE"), B("dump:err:new"), B("0")));
            r.Add(Call(c, B("DUMP")));
        }
        Assert.Equal(replies[1], replies[0]);
    }

    /// <summary><paramref name="body"/> with a footer of RDB version <paramref name="version"/> and a correct CRC-64.</summary>
    private static byte[] WithFooter(byte[] body, int version)
    {
        byte[] payload = [.. body, (byte)version, (byte)(version >> 8), 0, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(payload.Length - 8), Crc64.Update(0, payload.AsSpan(0, payload.Length - 8)));
        return payload;
    }
}
