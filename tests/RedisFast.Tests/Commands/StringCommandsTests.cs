using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// The string commands against a real redis-server 7.0: every command, option and error case, byte for byte.
/// Keys are prefixed with the test's name because both servers are shared by the whole collection.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class StringCommandsTests(DifferentialFixture f)
{
    [Fact]
    public void GetAndSetAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            GET gs:missing
            SET gs:a hello
            GET gs:a
            SET gs:a ""
            GET gs:a
            SET gs:a 12345
            GET gs:a
            SET gs:a -9223372036854775808
            GET gs:a
            SET gs:a 9223372036854775808
            GET gs:a
            SET gs:a 007
            GET gs:a
            SET gs:a "a\r\nb\r\n"
            GET gs:a
            SET gs:a "0123456789012345678901234567890123456789012345678901234567890123456789"
            GET gs:a
            SET gs:a short
            GET gs:a
            GET
            GET a b
            SET gs:a
            SET
            """));
    }

    [Fact]
    public void SetOptionsAndTheirConflictsAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET so:a 1 NX
            SET so:a 2 NX
            GET so:a
            SET so:a 3 XX
            GET so:a
            SET so:missing 3 XX
            GET so:missing
            SET so:a 4 nx xx
            SET so:a 4 XX NX
            SET so:a 4 NX NX
            SET so:a 5 xx xx
            GET so:a
            SET so:a 6 GET
            SET so:b 1 GET
            GET so:b
            SET so:a 7 NX GET
            GET so:a
            SET so:c 7 XX GET
            GET so:c
            SET so:a 8 XX GET
            SET so:c 8 NX GET
            GET so:c
            SET so:a 9 GET GET
            SET so:a 9 EX 100
            SET so:a 9 ex 100 ex 200
            SET so:a 9 PX 100000
            SET so:a 9 EXAT 99999999999
            SET so:a 9 PXAT 99999999999999
            SET so:a 9 KEEPTTL
            SET so:a 9 KEEPTTL KEEPTTL
            SET so:a 9 EX 10 PX 10
            SET so:a 9 EX 10 EXAT 10
            SET so:a 9 PX 10 PXAT 10
            SET so:a 9 EXAT 10 PXAT 10
            SET so:a 9 EX 10 KEEPTTL
            SET so:a 9 KEEPTTL EX 10
            SET so:a 9 KEEPTTL PXAT 10
            SET so:a 9 PERSIST
            SET so:a 9 EX
            SET so:a 9 PX
            SET so:a 9 EXAT
            SET so:a 9 PXAT
            SET so:a 9 EX 10 NX
            SET so:a 9 XX EX 10 GET
            SET so:a 9 FOO
            SET so:a 9 EXX 10
            SET so:a 9 E 10
            SET so:a 9 "" 10
            GET so:a
            """));
    }

    [Fact]
    public void SetExpireValuesAreValidatedLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET se:a v EX 0
            SET se:a v EX -1
            SET se:a v PX 0
            SET se:a v PX -5
            SET se:a v EXAT 0
            SET se:a v PXAT -1
            SET se:a v EX abc
            SET se:a v EX 1.5
            SET se:a v EX " 10"
            SET se:a v EX 9223372036854775807
            SET se:a v EX 9223372036854775
            SET se:a v EX 9223372036854774
            SET se:a v PX 9223372036854775807
            SET se:a v EXAT 9223372036854775
            SET se:a v EXAT 9223372036854776
            SET se:a v PXAT 9223372036854775807
            SET se:a v EX 99999999999999999999
            GET se:a
            SETEX se:b 0 v
            SETEX se:b -10 v
            SETEX se:b abc v
            SETEX se:b 9223372036854775 v
            SETEX se:b 100 v
            GET se:b
            PSETEX se:c 0 v
            PSETEX se:c x v
            PSETEX se:c 9223372036854775807 v
            PSETEX se:c 100000 v
            GET se:c
            SETEX se:b 100
            PSETEX se:b 100
            """));
    }

    [Fact]
    public void KeysSetWithAnExpiryInThePastAreGoneOnTheNextRead()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SET past:a v EXAT 1
            GET past:a
            SET past:b v PXAT 1000
            GET past:b
            SET past:b v PXAT 1000 GET
            SET past:b v2 XX
            GET past:b
            SET past:c v
            SET past:c v2 EXAT 1 GET
            GET past:c
            SET past:c v3 NX
            GET past:c
            """));
    }

    [Fact]
    public void SetNxMgetMsetAndMsetNxAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SETNX mm:a 1
            SETNX mm:a 2
            GET mm:a
            SETNX mm:a
            MSET mm:b 1 mm:c two mm:d ""
            MGET mm:a mm:b mm:c mm:d mm:missing
            MGET mm:missing
            MSET mm:b
            MSET mm:b 1 mm:c
            MSET
            MSET mm:b 1 mm:b 2
            GET mm:b
            MSETNX mm:e 1 mm:f 2
            MSETNX mm:f 3 mm:g 4
            MGET mm:e mm:f mm:g
            MSETNX mm:h 1 mm:h 2
            GET mm:h
            MSETNX mm:h
            MSETNX mm:x 1 mm:y
            MGET
            """));
    }

    [Fact]
    public void GetSetGetDelAndGetExAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            GETSET gx:a 1
            GETSET gx:a 2
            GET gx:a
            GETSET gx:a
            GETDEL gx:a
            GETDEL gx:a
            GET gx:a
            GETDEL gx:a b
            SET gx:b hello
            GETEX gx:b
            GETEX gx:b EX 100
            GETEX gx:b PX 100000
            GETEX gx:b EXAT 99999999999
            GETEX gx:b PXAT 99999999999999
            GETEX gx:b PERSIST
            GETEX gx:b persist persist
            GETEX gx:b EX 10 EX 20
            GETEX gx:b EX 10 PX 10
            GETEX gx:b PERSIST EX 10
            GETEX gx:b EX 10 PERSIST
            GETEX gx:b KEEPTTL
            GETEX gx:b NX
            GETEX gx:b GET
            GETEX gx:b EX
            GETEX gx:b FOO
            GETEX gx:b EX 0
            GETEX gx:b EX -1
            GETEX gx:b EX abc
            GETEX gx:b PX 9223372036854775807
            GETEX gx:b EX 9223372036854775
            GETEX gx:missing EX abc
            GETEX gx:missing EX 0
            GETEX gx:missing FOO
            GETEX
            GET gx:b
            GETEX gx:b EXAT 1
            GET gx:b
            SET gx:c v
            GETEX gx:c PXAT 1
            GETEX gx:c
            """));
    }

    [Fact]
    public void IncrAndDecrFamilyAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            INCR id:a
            INCR id:a
            DECR id:a
            DECR id:b
            INCRBY id:a 100
            INCRBY id:a -1000
            DECRBY id:a 5
            DECRBY id:a -5
            INCRBY id:a abc
            INCRBY id:a 1.5
            INCRBY id:a ""
            INCRBY id:a " 1"
            INCRBY id:a 9223372036854775808
            DECRBY id:a -9223372036854775808
            DECRBY id:a 9223372036854775807
            SET id:max 9223372036854775807
            INCR id:max
            INCRBY id:max 0
            DECR id:max
            INCR id:max
            SET id:min -9223372036854775808
            DECR id:min
            INCRBY id:min -1
            INCRBY id:min 9223372036854775807
            SET id:s hello
            INCR id:s
            DECR id:s
            SET id:sp " 11"
            INCR id:sp
            SET id:lead 011
            INCR id:lead
            SET id:plus +5
            INCR id:plus
            SET id:f 1.5
            INCR id:f
            SET id:e ""
            INCR id:e
            SET id:big 99999999999999999999
            INCR id:big
            APPEND id:r 1
            APPEND id:r 0
            INCR id:r
            GET id:r
            SET id:neg0 -0
            INCR id:neg0
            INCR
            INCRBY id:a
            DECRBY id:a 1 2
            """));
    }

    [Fact]
    public void IncrByFloatAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            INCRBYFLOAT fl:a 10.5
            INCRBYFLOAT fl:a 0.1
            INCRBYFLOAT fl:a -5
            INCRBYFLOAT fl:a 5.0e3
            GET fl:a
            INCRBYFLOAT fl:b 0.1
            INCRBYFLOAT fl:b 0.2
            INCRBYFLOAT fl:c 3.0e3
            INCRBYFLOAT fl:c 2.0e2
            INCRBYFLOAT fl:d abc
            INCRBYFLOAT fl:d ""
            INCRBYFLOAT fl:d " 1"
            INCRBYFLOAT fl:d "1 "
            INCRBYFLOAT fl:d nan
            INCRBYFLOAT fl:d NaN
            INCRBYFLOAT fl:d inf
            INCRBYFLOAT fl:d -inf
            INCRBYFLOAT fl:d +Infinity
            INCRBYFLOAT fl:d infin
            INCRBYFLOAT fl:d 1e
            INCRBYFLOAT fl:d 1e+
            INCRBYFLOAT fl:d .
            INCRBYFLOAT fl:d .5
            INCRBYFLOAT fl:d 5.
            INCRBYFLOAT fl:d +1
            INCRBYFLOAT fl:d 0x10
            INCRBYFLOAT fl:d 0x1p-3
            INCRBYFLOAT fl:d 0x.8
            INCRBYFLOAT fl:d 0x
            INCRBYFLOAT fl:d 0xg
            INCRBYFLOAT fl:d 1e400
            INCRBYFLOAT fl:d -1e400
            INCRBYFLOAT fl:e 1e4932
            INCRBYFLOAT fl:e 1e4933
            INCRBYFLOAT fl:e 1e-4940
            INCRBYFLOAT fl:e 1e-5000
            INCRBYFLOAT fl:e -0
            INCRBYFLOAT fl:e -0.000000000000000001
            INCRBYFLOAT fl:g 0.000003814697265625
            INCRBYFLOAT fl:h 0.000011444091796875
            INCRBYFLOAT fl:i 1.7976931348623157e308
            INCRBYFLOAT fl:i 1.7976931348623157e308
            SET fl:j 1e4932
            INCRBYFLOAT fl:j 1e4932
            SET fl:k inf
            INCRBYFLOAT fl:k 1
            SET fl:l hello
            INCRBYFLOAT fl:l 1
            INCRBYFLOAT fl:l abc
            SET fl:m 9223372036854775807
            INCRBYFLOAT fl:m 1
            SET fl:n -9223372036854775808
            INCRBYFLOAT fl:n -0.5
            INCRBYFLOAT fl:o 123456789012345678901234567890
            INCRBYFLOAT fl:o 0.1
            INCRBYFLOAT fl:p 1.23456789012345678901234567890
            INCRBYFLOAT fl:q 0.1
            INCRBYFLOAT fl:q 0.1
            INCRBYFLOAT fl:q 0.1
            INCRBYFLOAT fl:q -0.3
            INCRBYFLOAT fl:r 3
            INCRBYFLOAT fl:r 1e-20
            INCRBYFLOAT fl:s 1.5E+2
            INCRBYFLOAT fl:s 1E-2
            INCRBYFLOAT fl:t 00000000000000000000001.5
            INCRBYFLOAT fl:u 0.99999999999999999999
            INCRBYFLOAT fl:v 0.000000000000000005
            INCRBYFLOAT fl:w 0.000000000000000015
            INCRBYFLOAT fl:x 0.000000000000000025
            INCRBYFLOAT
            INCRBYFLOAT fl:a
            INCRBYFLOAT fl:a 1 2
            """));
    }

    [Fact]
    public void IncrByFloatMatchesRedisOnManyGeneratedCases()
    {
        // A deterministic spread of magnitudes and digit counts, including ones that round in the 17th decimal.
        var random = new Random(7);
        var lines = new List<string[]>();
        for (int i = 0; i < 300; i++)
        {
            string key = "flgen:" + (i % 10);
            string number = (random.Next(3)) switch
            {
                0 => (random.NextDouble() * Math.Pow(10, random.Next(-8, 12)) * (random.Next(2) == 0 ? 1 : -1)).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                1 => random.Next(-100000, 100000) + "." + random.Next(0, 1000000).ToString("D6"),
                _ => "0." + new string('0', random.Next(0, 16)) + random.Next(1, 99999),
            };
            lines.Add(["INCRBYFLOAT", key, number]);
            if (i % 7 == 0) lines.Add(["GET", key]);
        }
        Differential.AssertSameReplies(f, lines);
    }

    [Fact]
    public void RandomRangesAppendsAndLcsMatchRedis()
    {
        // Short strings over a three-letter alphabet give many equal-length LCS paths and contiguous matches.
        var random = new Random(12);
        string Word(int max)
        {
            var sb = new System.Text.StringBuilder();
            for (int i = random.Next(0, max); i > 0; i--) sb.Append("abc"[random.Next(3)]);
            return sb.ToString();
        }
        var lines = new List<string[]>();
        for (int i = 0; i < 150; i++)
        {
            lines.Add(["MSET", "rz:a", Word(14), "rz:b", Word(14)]);
            lines.Add(["LCS", "rz:a", "rz:b"]);
            lines.Add(["LCS", "rz:a", "rz:b", "IDX", "WITHMATCHLEN"]);
            lines.Add(["LCS", "rz:a", "rz:b", "IDX", "MINMATCHLEN", random.Next(0, 4).ToString()]);
            lines.Add(["GETRANGE", "rz:a", random.Next(-20, 20).ToString(), random.Next(-20, 20).ToString()]);
            lines.Add(["SETRANGE", "rz:b", random.Next(0, 20).ToString(), Word(5)]);
            lines.Add(["GET", "rz:b"]);
            lines.Add(["APPEND", "rz:a", Word(3)]);
        }
        Differential.AssertSameReplies(f, lines);
    }

    [Fact]
    public void AppendStrlenGetRangeAndSubstrAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            APPEND ar:a hello
            APPEND ar:a " world"
            APPEND ar:a ""
            GET ar:a
            STRLEN ar:a
            STRLEN ar:missing
            APPEND ar:n 12
            APPEND ar:n 34
            STRLEN ar:n
            SET ar:i -12345
            STRLEN ar:i
            APPEND ar:i 6
            GET ar:i
            APPEND ar:bin "\r\n"
            APPEND ar:bin "x\r\ny"
            GET ar:bin
            STRLEN ar:bin
            GETRANGE ar:a 0 4
            GETRANGE ar:a -5 -1
            GETRANGE ar:a 0 -1
            GETRANGE ar:a 0 0
            GETRANGE ar:a 5 3
            GETRANGE ar:a -1 -5
            GETRANGE ar:a -100 -50
            GETRANGE ar:a -100 100
            GETRANGE ar:a 100 200
            GETRANGE ar:a 3 -100
            GETRANGE ar:a -9223372036854775808 9223372036854775807
            GETRANGE ar:a 9223372036854775807 -9223372036854775808
            GETRANGE ar:a 0 9223372036854775807
            GETRANGE ar:a x 1
            GETRANGE ar:a 1 x
            GETRANGE ar:missing x 1
            GETRANGE ar:missing 0 -1
            GETRANGE ar:i 0 2
            GETRANGE ar:i -3 -1
            SET ar:empty ""
            GETRANGE ar:empty 0 -1
            GETRANGE ar:empty 0 0
            GETRANGE ar:empty -1 -1
            SUBSTR ar:a 0 4
            SUBSTR ar:a -3 -1
            SUBSTR ar:a x 1
            SUBSTR ar:a 1
            GETRANGE ar:a 1
            APPEND ar:a
            STRLEN
            """));
    }

    [Fact]
    public void SetRangeAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            SETRANGE sr:a 0 hello
            SETRANGE sr:a 6 world
            GET sr:a
            SETRANGE sr:a 1 E
            GET sr:a
            SETRANGE sr:a 0 ""
            SETRANGE sr:a 100 ""
            GET sr:a
            SETRANGE sr:b 0 ""
            GET sr:b
            SETRANGE sr:b 100 ""
            GET sr:b
            SETRANGE sr:c 3 x
            GET sr:c
            SETRANGE sr:c -1 x
            SETRANGE sr:c x x
            SETRANGE sr:c 1.5 x
            SETRANGE sr:c 536870911 ""
            SETRANGE sr:c 536870912 x
            SETRANGE sr:c 536870911 xy
            SETRANGE sr:c 9223372036854775807 x
            SETRANGE sr:c 9223372036854775808 x
            SETRANGE sr:missing 536870912 x
            SETRANGE sr:missing -1 ""
            SETRANGE sr:i 0 0
            SET sr:i 12345
            SETRANGE sr:i 1 9
            GET sr:i
            INCR sr:i
            SETRANGE sr:i 10 "\r\n"
            GET sr:i
            STRLEN sr:i
            SETRANGE sr:a 0
            """));
    }

    [Fact]
    public void ProtoMaxBulkLenLimitsAppendLikeRedis()
    {
        // Reaching exactly 512 MB would allocate half a gigabyte on both servers: only the refusals are checked
        // (the length check happens before any allocation).
        Differential.AssertSameReplies(f, Differential.Script("""
            SET pm:a hello
            SETRANGE pm:a 536870909 xyzw
            SETRANGE pm:a 536870912 ""
            SETRANGE pm:a 9223372036854775800 xyzwvxyzwv
            GET pm:a
            """));
    }

    [Fact]
    public void WrongTypeErrorsComeWhereRedisPutsThem()
    {
        StringTestHelpers.MakeList(f, "wt:list");
        StringTestHelpers.MakeList(f, "wt:list2");
        Differential.AssertSameReplies(f, Differential.Script("""
            GET wt:list
            SET wt:list v GET
            SET wt:list v NX GET
            SET wt:list v EX 0 GET
            SET wt:list v FOO GET
            GETSET wt:list v
            GETDEL wt:list
            GETEX wt:list
            GETEX wt:list EX 0
            GETEX wt:list FOO
            APPEND wt:list x
            STRLEN wt:list
            INCR wt:list
            DECR wt:list
            INCRBY wt:list 1
            INCRBY wt:list x
            DECRBY wt:list -9223372036854775808
            INCRBYFLOAT wt:list 1
            INCRBYFLOAT wt:list x
            GETRANGE wt:list 0 -1
            GETRANGE wt:list x 0
            SETRANGE wt:list 0 x
            SETRANGE wt:list 0 ""
            SETRANGE wt:list -1 x
            MGET wt:list wt:missing
            MSETNX wt:new 1 wt:list 2
            LCS wt:list wt:missing
            LCS wt:missing wt:list
            SETNX wt:list v
            SET wt:list2 v XX
            GET wt:list2
            """));
    }

    [Fact]
    public void BinaryValuesWithNulAndCrLfRoundTripUnchanged()
    {
        using RawClient fast = f.Fast.Connect();
        byte[] value = [0, 13, 10, 0, 255, 36, 42, 13, 10];
        fast.Send(RawClient.Encode("SET"u8.ToArray(), "bin:a"u8.ToArray(), value));
        Assert.Equal("+OK\r\n", fast.ReadReply());
        fast.Send(RawClient.Encode("GET"u8.ToArray(), "bin:a"u8.ToArray()));
        byte[] reply = fast.ReadReplyBytes();
        Assert.Equal([.. "$9\r\n"u8.ToArray(), .. value, .. "\r\n"u8.ToArray()], reply);
        fast.Send(RawClient.Encode("APPEND"u8.ToArray(), "bin:a"u8.ToArray(), [0]));
        Assert.Equal(":10\r\n", fast.ReadReply());
        fast.Send(RawClient.Encode("GETRANGE"u8.ToArray(), "bin:a"u8.ToArray(), "-2"u8.ToArray(), "-1"u8.ToArray()));
        Assert.Equal([.. "$2\r\n"u8.ToArray(), 10, 0, 13, 10], fast.ReadReplyBytes());
    }

    [Fact]
    public void OptionsStopAtAnEmbeddedNulLikeRedisStrcasecmp()
    {
        Differential.AssertSameReplies(f, [
            ["SET", "nul:a", "1", "NX\0"],
            ["SET", "nul:a", "2", "XX\0junk"],
            ["GET", "nul:a"],
            ["SET", "nul:a", "3", "G\0ET"],
            ["SET", "nul:a", "3", "EX\0", "100"],
            ["GETEX", "nul:a", "PERSIST\0x"],
            ["INCRBYFLOAT", "nul:b", "1\0"],
            ["INCRBY", "nul:b", "1\0"],
        ]);
    }

    [Fact]
    public void LcsAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            MSET lcs:a ohmytext lcs:b mynewtext
            LCS lcs:a lcs:b
            LCS lcs:a lcs:b LEN
            LCS lcs:a lcs:b IDX
            LCS lcs:a lcs:b IDX MINMATCHLEN 4
            LCS lcs:a lcs:b IDX MINMATCHLEN 4 WITHMATCHLEN
            LCS lcs:a lcs:b IDX WITHMATCHLEN
            LCS lcs:a lcs:b IDX MINMATCHLEN -5
            LCS lcs:a lcs:b idx len
            LCS lcs:a lcs:b LEN WITHMATCHLEN
            LCS lcs:a lcs:b MINMATCHLEN
            LCS lcs:a lcs:b MINMATCHLEN x
            LCS lcs:a lcs:b FOO
            LCS lcs:a lcs:missing
            LCS lcs:missing lcs:missing2 IDX
            LCS lcs:a lcs:a IDX WITHMATCHLEN
            MSET lcs:c abcabcabcxyz lcs:d xabcyabczzabc
            LCS lcs:c lcs:d IDX WITHMATCHLEN
            LCS lcs:d lcs:c IDX WITHMATCHLEN
            LCS lcs:c lcs:d
            SET lcs:n 12345
            SET lcs:m 9234
            LCS lcs:n lcs:m IDX
            LCS lcs:a
            """));
    }
}
