using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Commands.HashSetTestHelpers;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Hash commands compared byte for byte with redis-server 7.0, in RESP2 and RESP3. Small hashes are listpacks on
/// both servers, so even HGETALL's order must match; keys are "hash:&lt;test&gt;:...".
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class HashDifferentialTests(DifferentialFixture f)
{
    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void SetGetAndDeleteFieldsAnswerLikeRedis(string protocol)
    {
        AssertSameReplies(f, protocol, $$"""
            DEL hash:basic:{{protocol}} hash:basic:str:{{protocol}}
            HSET hash:basic:{{protocol}} a 1 b 2 c 3
            HSET hash:basic:{{protocol}} a 10 d 4
            HGETALL hash:basic:{{protocol}}
            HKEYS hash:basic:{{protocol}}
            HVALS hash:basic:{{protocol}}
            HMSET hash:basic:{{protocol}} e 5 a 11
            HSETNX hash:basic:{{protocol}} e 6
            HSETNX hash:basic:{{protocol}} f 6
            HGET hash:basic:{{protocol}} f
            HGET hash:basic:{{protocol}} zz
            HGET hash:basic:nokey f
            HMGET hash:basic:{{protocol}} a zz b
            HMGET hash:basic:nokey a b
            HDEL hash:basic:{{protocol}} a zz a
            HGETALL hash:basic:{{protocol}}
            HLEN hash:basic:{{protocol}}
            HLEN hash:basic:nokey
            HSTRLEN hash:basic:{{protocol}} b
            HSTRLEN hash:basic:{{protocol}} zz
            HSTRLEN hash:basic:nokey zz
            HEXISTS hash:basic:{{protocol}} b
            HEXISTS hash:basic:{{protocol}} zz
            HEXISTS hash:basic:nokey zz
            HGETALL hash:basic:nokey
            HKEYS hash:basic:nokey
            HVALS hash:basic:nokey
            HSET hash:basic:{{protocol}} "" ""
            HGET hash:basic:{{protocol}} ""
            HSET hash:basic:{{protocol}} b "a longer value than before" c ""
            HGETALL hash:basic:{{protocol}}
            HDEL hash:basic:{{protocol}} b c d e f ""
            EXISTS hash:basic:{{protocol}}
            HDEL hash:basic:{{protocol}} x
            TYPE hash:basic:{{protocol}}
            HSET hash:basic:{{protocol}}
            HSET hash:basic:{{protocol}} a
            HSET hash:basic:{{protocol}} a 1 b
            HMSET hash:basic:{{protocol}} a 1 b
            HSETNX hash:basic:{{protocol}} a
            HGET hash:basic:{{protocol}}
            HDEL hash:basic:{{protocol}}
            HMGET hash:basic:{{protocol}}
            SET hash:basic:str:{{protocol}} x
            HSET hash:basic:str:{{protocol}} a 1
            HMSET hash:basic:str:{{protocol}} a 1
            HSETNX hash:basic:str:{{protocol}} a 1
            HGET hash:basic:str:{{protocol}} a
            HMGET hash:basic:str:{{protocol}} a
            HGETALL hash:basic:str:{{protocol}}
            HKEYS hash:basic:str:{{protocol}}
            HVALS hash:basic:str:{{protocol}}
            HDEL hash:basic:str:{{protocol}} a
            HLEN hash:basic:str:{{protocol}}
            HSTRLEN hash:basic:str:{{protocol}} a
            HEXISTS hash:basic:str:{{protocol}} a
            HINCRBY hash:basic:str:{{protocol}} a 1
            HINCRBYFLOAT hash:basic:str:{{protocol}} a 1
            HRANDFIELD hash:basic:str:{{protocol}}
            HRANDFIELD hash:basic:str:{{protocol}} 1
            HSCAN hash:basic:str:{{protocol}} 0
            GET hash:basic:str:{{protocol}}
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void IncrementsParseCheckAndFormatLikeRedis(string protocol)
    {
        string k = "hash:incr:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}} {{k}}:new {{k}}:new2
            HSET {{k}} n 5 s abc z 007 big 9223372036854775806 neg -9223372036854775807 f 1.5 inf inf
            HINCRBY {{k}} n 10
            HINCRBY {{k}} n -20
            HINCRBY {{k}} missing 7
            HINCRBY {{k}} s 1
            HINCRBY {{k}} z 1
            HINCRBY {{k}} f 1
            HINCRBY {{k}} big 1
            HINCRBY {{k}} big 1
            HINCRBY {{k}} neg -1
            HINCRBY {{k}} neg -1
            HINCRBY {{k}} n x
            HINCRBY {{k}} n 1.0
            HINCRBY {{k}} n 99999999999999999999
            HINCRBY {{k}}:new a 3
            HINCRBYFLOAT {{k}} f 0.1
            HINCRBYFLOAT {{k}} f -1.6
            HINCRBYFLOAT {{k}} n 2.5e3
            HINCRBYFLOAT {{k}} fl 10.50
            HINCRBYFLOAT {{k}} z 1
            HINCRBYFLOAT {{k}} s 1
            HINCRBYFLOAT {{k}} inf 1
            HINCRBYFLOAT {{k}} f inf
            HINCRBYFLOAT {{k}} f -inf
            HINCRBYFLOAT {{k}} f nan
            HINCRBYFLOAT {{k}} f abc
            HINCRBYFLOAT {{k}} f " 1"
            HINCRBYFLOAT {{k}} f 0x10
            HINCRBYFLOAT {{k}} f 1e4932
            HINCRBYFLOAT {{k}} h 1.1e4932
            HINCRBYFLOAT {{k}} h 1.1e4932
            HINCRBYFLOAT {{k}}:new2 x 1e-5
            HINCRBY {{k}}
            HINCRBYFLOAT {{k}} a
            HMGET {{k}} n s z big neg f fl h missing inf
            HGETALL {{k}}:new
            HGETALL {{k}}:new2
            EXISTS {{k}}:never
            HINCRBY {{k}}:never a x
            HINCRBYFLOAT {{k}}:never a x
            EXISTS {{k}}:never
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void RandomFieldDeterministicCasesAndErrorsMatchRedis(string protocol)
    {
        string k = "hash:rand:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}
            HSET {{k}} a 1 b 2 c 3
            HRANDFIELD {{k}} 0
            HRANDFIELD {{k}} 0 WITHVALUES
            HRANDFIELD {{k}} 3
            HRANDFIELD {{k}} 10
            HRANDFIELD {{k}} 3 WITHVALUES
            HRANDFIELD {{k}} 100 withvalues
            HRANDFIELD {{k}}:nokey
            HRANDFIELD {{k}}:nokey 5
            HRANDFIELD {{k}}:nokey -5 WITHVALUES
            HRANDFIELD {{k}}:nokey 0
            HRANDFIELD {{k}} x
            HRANDFIELD {{k}}:nokey x
            HRANDFIELD {{k}} 1.5
            HRANDFIELD {{k}} -9223372036854775808
            HRANDFIELD {{k}} -4611686018427387904 WITHVALUES
            HRANDFIELD {{k}} 4611686018427387904 WITHVALUES
            HRANDFIELD {{k}} 4611686018427387903 WITHVALUES
            HRANDFIELD {{k}} 2 foo
            HRANDFIELD {{k}} 2 WITHVALUES x
            HRANDFIELD {{k}}:nokey 2 foo
            HRANDFIELD {{k}} x foo
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void ScanOfSmallHashReturnsEverythingWithCursorZeroLikeRedis(string protocol)
    {
        string k = "hash:scan:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}
            HSET {{k}} alpha 1 beta 2 gamma 3 apple 4
            HSCAN {{k}} 0
            HSCAN {{k}} 5
            HSCAN {{k}} -1
            HSCAN {{k}} 18446744073709551615
            HSCAN {{k}} 0 MATCH a*
            HSCAN {{k}} 0 MATCH a* MATCH *a
            HSCAN {{k}} 0 MATCH *
            HSCAN {{k}} 0 COUNT 1
            HSCAN {{k}} 0 count 1 match b*
            HSCAN {{k}} 0 MATCH zz*
            HSCAN {{k}} 0 COUNT 0
            HSCAN {{k}} 0 COUNT -1
            HSCAN {{k}} 0 COUNT x
            HSCAN {{k}} 0 MATCH
            HSCAN {{k}} 0 TYPE string
            HSCAN {{k}} 0 NOVALUES
            HSCAN {{k}} x
            HSCAN {{k}} 18446744073709551616
            HSCAN {{k}} " 1"
            HSCAN {{k}}:nokey 0
            HSCAN {{k}}:nokey 0 COUNT 0
            HSCAN {{k}}:nokey x
            HSCAN {{k}}
            """);
    }

    /// <summary>
    /// hash-max-listpack-entries is 512 on a redis-server started without a config file (Redis 7.0's compiled-in
    /// default; redis.conf says 128), and hash-max-listpack-value 64.
    /// </summary>
    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void EncodingTurnsToHashtableAtRedisThresholds(string protocol)
    {
        string k = "hash:enc:" + protocol;
        string v64 = new('x', 64), v65 = new('x', 65);
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}:512 {{k}}:field {{k}}:value {{k}}:nx {{k}}:nx2 {{k}}:float {{k}}:del
            {{Many("HSET", k + ":512", 512, withValues: true)}}
            OBJECT ENCODING {{k}}:512
            HGETALL {{k}}:512
            HSET {{k}}:512 f0 again
            OBJECT ENCODING {{k}}:512
            HSET {{k}}:512 f512 v
            OBJECT ENCODING {{k}}:512
            HLEN {{k}}:512
            HSET {{k}}:field {{v64}} 1
            OBJECT ENCODING {{k}}:field
            HSET {{k}}:field {{v65}} 1
            OBJECT ENCODING {{k}}:field
            HSET {{k}}:value a {{v64}}
            OBJECT ENCODING {{k}}:value
            HSET {{k}}:value a {{v65}}
            OBJECT ENCODING {{k}}:value
            HSET {{k}}:nx a 1
            HSETNX {{k}}:nx a {{v65}}
            OBJECT ENCODING {{k}}:nx
            HSETNX {{k}}:nx b {{v65}}
            OBJECT ENCODING {{k}}:nx
            HSETNX {{k}}:nx2 {{v65}} 1
            OBJECT ENCODING {{k}}:nx2
            HSET {{k}}:float a 1
            HINCRBYFLOAT {{k}}:float a 1e60
            OBJECT ENCODING {{k}}:float
            HINCRBYFLOAT {{k}}:float a 1e70
            OBJECT ENCODING {{k}}:float
            HSET {{k}}:del a {{v65}}
            HDEL {{k}}:del a
            EXISTS {{k}}:del
            HSET {{k}}:del a 1
            OBJECT ENCODING {{k}}:del
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void HashtableEncodedHashesHoldTheSameContentAsRedis(string protocol)
    {
        string k = "hash:big:" + protocol;
        using (RawClient fast = f.Fast.Connect())
        using (RawClient real = f.Real.Connect())
        {
            foreach (RawClient c in new[] { fast, real })
            {
                c.Call("DEL", k);
                c.Call(Differential.SplitArgs(Many("HSET", k, 600, withValues: true, prefix: "field:", valueLength: 3)));
                c.Call("HDEL", k, "field:7", "field:100", "field:599");
                c.Call("HSET", k, "field:7", "back");
            }
        }
        AssertSameUnordered(f, protocol, pairs: true, ["HGETALL", k], ["HSCAN", k, "0", "COUNT", "100000"]);
        AssertSameUnordered(f, protocol, pairs: false, ["HKEYS", k], ["HVALS", k], ["HLEN", k], ["OBJECT", "ENCODING", k],
            ["HMGET", k, "field:7", "field:100", "field:8"], ["HRANDFIELD", k, "1000"], ["HRANDFIELD", k, "0"]);
    }

    [Fact]
    public void CopyOfAHashIsIndependentOfTheOriginal()
    {
        AssertSameReplies(f, "2", """
            DEL hash:copy:a hash:copy:b hash:copy:c hash:copy:d
            HSET hash:copy:a x 1 y 2
            COPY hash:copy:a hash:copy:b
            HSET hash:copy:b x changed z 3
            HGETALL hash:copy:a
            HGETALL hash:copy:b
            OBJECT ENCODING hash:copy:b
            HSET hash:copy:c x 12345678901234567890123456789012345678901234567890123456789012345
            COPY hash:copy:c hash:copy:d
            HSET hash:copy:d x short
            HGET hash:copy:c x
            HGET hash:copy:d x
            OBJECT ENCODING hash:copy:d
            """);
    }
}
