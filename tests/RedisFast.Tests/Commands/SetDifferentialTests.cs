using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Commands.HashSetTestHelpers;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Set commands compared byte for byte with redis-server 7.0, in RESP2 and RESP3. Integer sets are intsets on both
/// servers (numeric order), so their replies must match exactly; hashtable results are compared sorted. Keys are
/// "set:&lt;test&gt;:...".
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SetDifferentialTests(DifferentialFixture f)
{
    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void AddRemoveAndMembershipAnswerLikeRedis(string protocol)
    {
        string k = "set:basic:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}} {{k}}:str {{k}}:words
            SADD {{k}} 3 1 2 -5 1
            SADD {{k}} 2
            SMEMBERS {{k}}
            SCARD {{k}}
            SISMEMBER {{k}} 1
            SISMEMBER {{k}} 01
            SISMEMBER {{k}} x
            SISMEMBER {{k}}:nokey 1
            SMISMEMBER {{k}} 1 9 -5 x
            SMISMEMBER {{k}}:nokey 1 2
            SCARD {{k}}:nokey
            SMEMBERS {{k}}:nokey
            SREM {{k}} 1 9 x
            SMEMBERS {{k}}
            SREM {{k}}:nokey 1
            SREM {{k}} 3 2 -5 7
            EXISTS {{k}}
            SADD {{k}}:words b
            SMEMBERS {{k}}:words
            SREM {{k}}:words b
            EXISTS {{k}}:words
            SADD {{k}}
            SREM {{k}}
            SISMEMBER {{k}}
            SMISMEMBER {{k}}
            SCARD
            SMEMBERS
            SET {{k}}:str x
            SADD {{k}}:str a
            SREM {{k}}:str a
            SMEMBERS {{k}}:str
            SISMEMBER {{k}}:str a
            SMISMEMBER {{k}}:str a
            SCARD {{k}}:str
            SPOP {{k}}:str
            SPOP {{k}}:str 2
            SRANDMEMBER {{k}}:str
            SRANDMEMBER {{k}}:str 2
            SSCAN {{k}}:str 0
            GET {{k}}:str
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void IntersectionsUnionsAndDifferencesOfIntsetsMatchRedisExactly(string protocol)
    {
        string k = "set:alg:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}:a {{k}}:b {{k}}:c {{k}}:d {{k}}:str {{k}}:e
            SADD {{k}}:a 1 2 3 4 5 6
            SADD {{k}}:b 4 5 6 7 8
            SADD {{k}}:c 5 6 100
            SET {{k}}:str x
            SINTER {{k}}:a {{k}}:b
            SINTER {{k}}:a {{k}}:b {{k}}:c
            SINTER {{k}}:a {{k}}:a
            SINTER {{k}}:a
            SINTER {{k}}:a {{k}}:nokey
            SINTER {{k}}:nokey {{k}}:str
            SINTER {{k}}:a {{k}}:str
            SUNION {{k}}:a {{k}}:b {{k}}:c
            SUNION {{k}}:a {{k}}:nokey
            SUNION {{k}}:nokey
            SUNION {{k}}:nokey {{k}}:str
            SDIFF {{k}}:a {{k}}:b
            SDIFF {{k}}:a {{k}}:b {{k}}:c
            SDIFF {{k}}:a {{k}}:a
            SDIFF {{k}}:a {{k}}:nokey
            SDIFF {{k}}:nokey {{k}}:a
            SDIFF {{k}}:nokey {{k}}:str
            SDIFF {{k}}:str {{k}}:nokey
            SINTERCARD 2 {{k}}:a {{k}}:b
            SINTERCARD 2 {{k}}:a {{k}}:b LIMIT 2
            SINTERCARD 2 {{k}}:a {{k}}:b LIMIT 0
            SINTERCARD 2 {{k}}:a {{k}}:b limit 1 LIMIT 0
            SINTERCARD 2 {{k}}:a {{k}}:nokey
            SINTERCARD 1 {{k}}:nokey
            SINTERCARD 0 {{k}}:a
            SINTERCARD -1 {{k}}:a
            SINTERCARD x {{k}}:a
            SINTERCARD 3 {{k}}:a {{k}}:b
            SINTERCARD 9223372036854775807 {{k}}:a
            SINTERCARD 1 {{k}}:a LIMIT -1
            SINTERCARD 1 {{k}}:a LIMIT x
            SINTERCARD 1 {{k}}:a LIMIT
            SINTERCARD 1 {{k}}:a FOO 1
            SINTERCARD 1 {{k}}:str
            SINTERCARD 2 {{k}}:nokey {{k}}:str
            SINTERSTORE {{k}}:d {{k}}:a {{k}}:b
            SMEMBERS {{k}}:d
            OBJECT ENCODING {{k}}:d
            SUNIONSTORE {{k}}:d {{k}}:a {{k}}:c
            SMEMBERS {{k}}:d
            SDIFFSTORE {{k}}:d {{k}}:a {{k}}:b
            SMEMBERS {{k}}:d
            PEXPIREAT {{k}}:d 4102444800000
            SINTERSTORE {{k}}:d {{k}}:d {{k}}:a
            PTTL {{k}}:d
            SMEMBERS {{k}}:d
            SINTERSTORE {{k}}:d {{k}}:a {{k}}:nokey
            EXISTS {{k}}:d
            SINTERSTORE {{k}}:str {{k}}:a {{k}}:b
            TYPE {{k}}:str
            SUNIONSTORE {{k}}:e {{k}}:nokey
            EXISTS {{k}}:e
            SDIFFSTORE {{k}}:e {{k}}:a {{k}}:a
            EXISTS {{k}}:e
            SET {{k}}:str x
            SUNIONSTORE {{k}}:e {{k}}:str
            SDIFFSTORE {{k}}:e {{k}}:a {{k}}:str
            SINTERSTORE {{k}}:e {{k}}:a {{k}}:str
            SINTER
            SINTERSTORE {{k}}:e
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void MoveAndDeterministicPopAndRandomCasesMatchRedis(string protocol)
    {
        string k = "set:move:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}:a {{k}}:b {{k}}:str {{k}}:c
            SADD {{k}}:a 1 2 3
            SET {{k}}:str x
            SMOVE {{k}}:a {{k}}:b 2
            SMEMBERS {{k}}:a
            SMEMBERS {{k}}:b
            OBJECT ENCODING {{k}}:b
            SMOVE {{k}}:a {{k}}:b 9
            SMOVE {{k}}:a {{k}}:a 1
            SMOVE {{k}}:a {{k}}:a 9
            SMOVE {{k}}:nokey {{k}}:a 1
            SMOVE {{k}}:nokey {{k}}:str 1
            SMOVE {{k}}:a {{k}}:str 1
            SMOVE {{k}}:str {{k}}:a 1
            SMOVE {{k}}:a {{k}}:b 1
            SMOVE {{k}}:a {{k}}:b 3
            EXISTS {{k}}:a
            SMEMBERS {{k}}:b
            SMOVE {{k}}:b {{k}}:c word
            SADD {{k}}:c word
            SMOVE {{k}}:c {{k}}:b word
            OBJECT ENCODING {{k}}:b
            SMOVE {{k}}:b {{k}}:c 1
            SPOP {{k}}:nokey
            SPOP {{k}}:nokey 3
            SPOP {{k}}:nokey 0
            SPOP {{k}}:c 0
            SPOP {{k}}:c -1
            SPOP {{k}}:c x
            SPOP {{k}}:c 1 2
            SPOP {{k}}:c 100
            EXISTS {{k}}:c
            SADD {{k}}:a 7 3 5
            SRANDMEMBER {{k}}:a 0
            SRANDMEMBER {{k}}:a 3
            SRANDMEMBER {{k}}:a 100
            SRANDMEMBER {{k}}:nokey
            SRANDMEMBER {{k}}:nokey 5
            SRANDMEMBER {{k}}:nokey -5
            SRANDMEMBER {{k}}:a x
            SRANDMEMBER {{k}}:a 1 2
            SRANDMEMBER {{k}}:a -9223372036854775808
            SRANDMEMBER {{k}}:nokey x
            SPOP {{k}}:a 3
            EXISTS {{k}}:a
            SMOVE
            SPOP
            SRANDMEMBER
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void ScanOfIntsetReturnsEverythingWithCursorZeroLikeRedis(string protocol)
    {
        string k = "set:scan:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}
            SADD {{k}} 10 2 33 4
            SSCAN {{k}} 0
            SSCAN {{k}} 99
            SSCAN {{k}} 0 MATCH 3*
            SSCAN {{k}} 0 COUNT 1
            SSCAN {{k}} 0 COUNT 0
            SSCAN {{k}} 0 COUNT x
            SSCAN {{k}} 0 MATCH
            SSCAN {{k}} 0 TYPE set
            SSCAN {{k}} x
            SSCAN {{k}}:nokey 0
            SSCAN {{k}}:nokey 0 COUNT 0
            SSCAN {{k}}
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void EncodingTurnsToHashtableAtRedisThresholds(string protocol)
    {
        string k = "set:enc:" + protocol;
        AssertSameReplies(f, protocol, $$"""
            DEL {{k}}:512 {{k}}:word {{k}}:first {{k}}:big {{k}}:store {{k}}:neg
            {{Many("SADD", k + ":512", 512, withValues: false)}}
            OBJECT ENCODING {{k}}:512
            SMEMBERS {{k}}:512
            SADD {{k}}:512 0
            OBJECT ENCODING {{k}}:512
            SADD {{k}}:512 512
            OBJECT ENCODING {{k}}:512
            SREM {{k}}:512 512
            OBJECT ENCODING {{k}}:512
            SADD {{k}}:word 1 2 a
            OBJECT ENCODING {{k}}:word
            SREM {{k}}:word a
            OBJECT ENCODING {{k}}:word
            SADD {{k}}:first a 1
            OBJECT ENCODING {{k}}:first
            SADD {{k}}:big 9223372036854775807 -9223372036854775808 0
            SMEMBERS {{k}}:big
            OBJECT ENCODING {{k}}:big
            SADD {{k}}:neg 01
            OBJECT ENCODING {{k}}:neg
            SADD {{k}}:neg2 9223372036854775808
            OBJECT ENCODING {{k}}:neg2
            SUNIONSTORE {{k}}:store {{k}}:big
            OBJECT ENCODING {{k}}:store
            SUNIONSTORE {{k}}:store {{k}}:word
            OBJECT ENCODING {{k}}:store
            SINTERSTORE {{k}}:store {{k}}:first {{k}}:word
            OBJECT ENCODING {{k}}:store
            SMEMBERS {{k}}:store
            DEL {{k}}:neg2
            """);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void HashtableSetsHoldTheSameContentAsRedis(string protocol)
    {
        string k = "set:big:" + protocol;
        using (RawClient fast = f.Fast.Connect())
        using (RawClient real = f.Real.Connect())
        {
            foreach (RawClient c in new[] { fast, real })
            {
                c.Call("DEL", k + ":a", k + ":b", k + ":d");
                c.Call(Differential.SplitArgs(Many("SADD", k + ":a", 700, withValues: false, prefix: "m")));
                c.Call(Differential.SplitArgs(Many("SADD", k + ":b", 300, withValues: false, prefix: "m")));
                c.Call("SADD", k + ":b", "other", "m5");
                c.Call("SREM", k + ":a", "m7", "m100");
            }
        }
        AssertSameUnordered(f, protocol, pairs: false, ["SMEMBERS", k + ":a"], ["SCARD", k + ":a"],
            ["SINTER", k + ":a", k + ":b"], ["SUNION", k + ":a", k + ":b"], ["SDIFF", k + ":a", k + ":b"],
            ["SDIFF", k + ":b", k + ":a"], ["SINTERCARD", "2", k + ":a", k + ":b"], ["SINTERCARD", "2", k + ":a", k + ":b", "LIMIT", "10"],
            ["SDIFFSTORE", k + ":d", k + ":a", k + ":b"], ["SMEMBERS", k + ":d"], ["OBJECT", "ENCODING", k + ":d"],
            ["SUNIONSTORE", k + ":d", k + ":a", k + ":b"], ["SINTERSTORE", k + ":d", k + ":b", k + ":a"], ["SMEMBERS", k + ":d"],
            ["SRANDMEMBER", k + ":b", "1000"], ["SSCAN", k + ":b", "0", "COUNT", "100000"], ["SMISMEMBER", k + ":a", "m1", "m7", "zz"]);
    }
}
