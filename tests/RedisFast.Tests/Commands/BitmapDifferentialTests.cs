using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO compared byte for byte with redis-server 7.0, on keys
/// "bits:&lt;test&gt;:..." of the shared differential servers: hand-written edge cases, then seeded random scripts.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class BitmapDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void SetBitAndGetBitAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL bits:sg:a bits:sg:s bits:sg:n bits:sg:l
            SETBIT bits:sg:a 7 1
            GET bits:sg:a
            SETBIT bits:sg:a 7 1
            SETBIT bits:sg:a 100 1
            STRLEN bits:sg:a
            GETBIT bits:sg:a 7
            GETBIT bits:sg:a 6
            GETBIT bits:sg:a 100
            GETBIT bits:sg:a 1000000
            GETBIT bits:sg:missing 3
            SETBIT bits:sg:a 100 0
            GET bits:sg:a
            SETBIT bits:sg:a -1 1
            SETBIT bits:sg:a 4294967296 1
            SETBIT bits:sg:a x 1
            SETBIT bits:sg:a 1 2
            SETBIT bits:sg:a 1 -1
            SETBIT bits:sg:a 1 x
            GETBIT bits:sg:a -1
            GETBIT bits:sg:a 4294967296
            SET bits:sg:s hello
            OBJECT ENCODING bits:sg:s
            GETBIT bits:sg:s 1
            SETBIT bits:sg:s 0 0
            OBJECT ENCODING bits:sg:s
            GET bits:sg:s
            SET bits:sg:n 12345
            GETBIT bits:sg:n 2
            GETBIT bits:sg:n 3
            SETBIT bits:sg:n 39 0
            GET bits:sg:n
            OBJECT ENCODING bits:sg:n
            RPUSH bits:sg:l x
            SETBIT bits:sg:l 1 1
            GETBIT bits:sg:l 1
            SETBIT bits:sg:a
            GETBIT bits:sg:a
            """));
    }

    [Fact]
    public void BitCountAndBitPosCountRangesLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL bits:cp:a bits:cp:e bits:cp:z bits:cp:o bits:cp:n bits:cp:l
            SET bits:cp:a "foobar"
            BITCOUNT bits:cp:a
            BITCOUNT bits:cp:a 0 0
            BITCOUNT bits:cp:a 1 1
            BITCOUNT bits:cp:a 1 -2
            BITCOUNT bits:cp:a -3 -1
            BITCOUNT bits:cp:a -1 -3
            BITCOUNT bits:cp:a 5 100
            BITCOUNT bits:cp:a 100 200
            BITCOUNT bits:cp:a 0 -1 BIT
            BITCOUNT bits:cp:a 5 30 BIT
            BITCOUNT bits:cp:a 5 30 bit
            BITCOUNT bits:cp:a 5 30 byte
            BITCOUNT bits:cp:a -13 -3 BIT
            BITCOUNT bits:cp:a 3 3 BIT
            BITCOUNT bits:cp:a 0 1 WORD
            BITCOUNT bits:cp:a 0
            BITCOUNT bits:cp:a 0 x
            BITCOUNT bits:cp:a 0 1 BIT extra
            BITCOUNT bits:cp:missing
            BITCOUNT bits:cp:missing x y
            SET bits:cp:e ""
            BITCOUNT bits:cp:e
            BITCOUNT bits:cp:e 0 -1
            BITPOS bits:cp:e 0
            BITPOS bits:cp:e 1
            BITFIELD bits:cp:z SET u24 0 0
            BITFIELD bits:cp:o SET u24 0 16777215
            BITPOS bits:cp:z 1
            BITPOS bits:cp:z 0
            BITPOS bits:cp:o 0
            BITPOS bits:cp:o 1
            BITPOS bits:cp:o 0 1
            BITPOS bits:cp:o 0 0 -1
            BITPOS bits:cp:o 0 0 -1 BIT
            BITPOS bits:cp:z 1 0 -1 BIT
            BITPOS bits:cp:a 1
            BITPOS bits:cp:a 0
            BITPOS bits:cp:a 1 2
            BITPOS bits:cp:a 0 2 -1
            BITPOS bits:cp:a 1 7 15 BIT
            BITPOS bits:cp:a 0 7 15 BIT
            BITPOS bits:cp:a 1 -5 -1 BIT
            BITPOS bits:cp:a 1 3 2
            BITPOS bits:cp:a 1 0 0 WORD
            BITPOS bits:cp:a 2
            BITPOS bits:cp:a x
            BITPOS bits:cp:a 1 x
            BITPOS bits:cp:a 1 0 x
            BITPOS bits:cp:a 1 0 1 BIT extra
            BITPOS bits:cp:missing 0
            BITPOS bits:cp:missing 1
            BITPOS bits:cp:missing 1 x
            BITPOS bits:cp:missing 2
            SET bits:cp:n 255
            BITCOUNT bits:cp:n
            BITPOS bits:cp:n 1
            RPUSH bits:cp:l x
            BITCOUNT bits:cp:l
            BITPOS bits:cp:l 1
            DEL bits:cp:n bits:cp:l
            """));
    }

    [Fact]
    public void BitOpCombinesAndStoresLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL bits:op:a bits:op:b bits:op:d bits:op:l bits:op:e
            SET bits:op:a "foobar"
            SET bits:op:b "abc"
            BITOP AND bits:op:d bits:op:a bits:op:b
            GET bits:op:d
            OBJECT ENCODING bits:op:d
            BITOP OR bits:op:d bits:op:a bits:op:b
            GET bits:op:d
            BITOP XOR bits:op:d bits:op:a bits:op:b bits:op:missing
            GET bits:op:d
            BITOP NOT bits:op:d bits:op:b
            GET bits:op:d
            BITOP and bits:op:d bits:op:a bits:op:missing
            GET bits:op:d
            PEXPIREAT bits:op:d 4102444800000
            BITOP or bits:op:d bits:op:d bits:op:b
            PTTL bits:op:d
            GET bits:op:d
            BITOP OR bits:op:d bits:op:missing bits:op:missing2
            EXISTS bits:op:d
            SET bits:op:e ""
            BITOP NOT bits:op:d bits:op:e
            EXISTS bits:op:d
            BITOP NOT bits:op:d bits:op:a bits:op:b
            BITOP NAND bits:op:d bits:op:a
            RPUSH bits:op:l x
            BITOP AND bits:op:d bits:op:a bits:op:l
            BITOP AND bits:op:l bits:op:a
            TYPE bits:op:l
            SET bits:op:n 1234
            BITOP NOT bits:op:d bits:op:n
            GET bits:op:d
            BITOP AND bits:op:d
            DEL bits:op:n
            """));
    }

    [Fact]
    public void BitFieldGetsSetsAndOverflowsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL bits:bf:a bits:bf:b bits:bf:l
            BITFIELD bits:bf:a SET i8 0 100 GET i8 0 INCRBY i8 0 100 GET u8 0
            GET bits:bf:a
            BITFIELD bits:bf:a OVERFLOW SAT INCRBY i8 0 200 INCRBY i8 0 -300 OVERFLOW FAIL INCRBY i8 0 -1 GET i8 0
            BITFIELD bits:bf:a OVERFLOW WRAP INCRBY u4 #3 17 GET u4 #3 SET u4 #3 99 OVERFLOW SAT SET u4 #3 99 OVERFLOW FAIL SET u4 #3 99
            BITFIELD bits:bf:a SET i64 8 -9223372036854775808 INCRBY i64 8 -1 OVERFLOW SAT INCRBY i64 8 -1 GET i64 8
            BITFIELD bits:bf:a SET u63 72 9223372036854775807 INCRBY u63 72 1 OVERFLOW SAT INCRBY u63 72 10 GET u63 72
            BITFIELD bits:bf:a SET u8 1000 -1 GET u8 1000 SET i3 1000 -5 GET i3 1000 GET i3 1001
            GET bits:bf:a
            BITFIELD bits:bf:a GET u8 100000 GET i64 7
            BITFIELD bits:bf:a
            BITFIELD bits:bf:b OVERFLOW FAIL SET u2 0 7
            EXISTS bits:bf:b
            GET bits:bf:b
            BITFIELD_RO bits:bf:a GET u8 0 GET i16 #1
            BITFIELD_RO bits:bf:a SET u8 0 1
            BITFIELD_RO bits:bf:missing GET u8 0
            BITFIELD bits:bf:missing GET u8 0
            EXISTS bits:bf:missing
            BITFIELD bits:bf:a GET u64 0
            BITFIELD bits:bf:a GET i65 0
            BITFIELD bits:bf:a GET i0 0
            BITFIELD bits:bf:a GET x8 0
            BITFIELD bits:bf:a GET u8 -1
            BITFIELD bits:bf:a GET u8 #-1
            BITFIELD bits:bf:a GET u8 x
            BITFIELD bits:bf:a SET u8 0 x
            BITFIELD bits:bf:a INCRBY u8 0
            BITFIELD bits:bf:a OVERFLOW MAYBE GET u8 0
            BITFIELD bits:bf:a OVERFLOW
            BITFIELD bits:bf:a FETCH u8 0
            BITFIELD bits:bf:a GET u8 0 SET u8 0 x
            BITFIELD bits:bf:a SET u8 4294967296 1
            RPUSH bits:bf:l x
            BITFIELD bits:bf:l GET u8 0
            BITFIELD bits:bf:l SET u8 0 1
            BITFIELD_RO bits:bf:l GET u8 0
            """));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomScriptsGiveTheSameRepliesAsRedis(int seed)
    {
        var random = new Random(seed);
        string[] keys = [$"bits:rnd{seed}:a", $"bits:rnd{seed}:b", $"bits:rnd{seed}:c"];
        string Key() => keys[random.Next(keys.Length)];
        string Index(int max) => (random.Next(2) == 0 ? random.Next(max) : random.Next(-max, max)).ToString();
        string Unit() => random.Next(3) switch { 0 => "BYTE", 1 => "BIT", _ => "" };
        string Type() => random.Next(2) == 0 ? $"i{random.Next(1, 65)}" : $"u{random.Next(1, 64)}";
        string Value() => random.Next(4) switch
        {
            0 => random.Next(-10, 10).ToString(),
            1 => random.NextInt64(long.MinValue, long.MaxValue).ToString(),
            _ => random.Next(-100_000, 100_000).ToString(),
        };
        var script = new List<string[]> { (["DEL", .. keys]) };
        for (int i = 0; i < 600; i++)
        {
            string[] command = random.Next(8) switch
            {
                0 or 1 => ["SETBIT", Key(), random.Next(300).ToString(), random.Next(2).ToString()],
                2 => ["GETBIT", Key(), random.Next(320).ToString()],
                3 => [.. new[] { "BITCOUNT", Key(), Index(50), Index(50), Unit() }.Where(a => a.Length > 0)],
                4 => [.. new[] { "BITPOS", Key(), random.Next(2).ToString(), Index(50), Index(50), Unit() }
                    .Take(random.Next(3, 7)).Where(a => a.Length > 0)],
                5 => ["BITOP", new[] { "AND", "OR", "XOR" }[random.Next(3)], Key(), Key(), Key()],
                6 => ["BITOP", "NOT", Key(), Key()],
                _ => ["BITFIELD", Key(), "OVERFLOW", new[] { "WRAP", "SAT", "FAIL" }[random.Next(3)],
                    random.Next(3) switch { 0 => "GET", 1 => "SET", _ => "INCRBY" }, Type(), random.Next(2) == 0 ? "#" + random.Next(8) : random.Next(300).ToString(), Value()],
            };
            // GET takes no value: drop it (the other operations keep theirs).
            if (command[0] == "BITFIELD" && command[4] == "GET") command = command[..^1];
            script.Add(command);
            if (i % 25 == 0) script.Add(["GET", Key()]);
        }
        foreach (string key in keys) script.Add(["GET", key]);
        Differential.AssertSameReplies(f, script);
    }
}
