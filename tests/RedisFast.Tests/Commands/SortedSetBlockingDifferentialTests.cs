using RedisFast.Commands;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP where they do not block (data present, short timeouts, MULTI, errors), compared
/// byte for byte with redis-server 7.0 in RESP2 and RESP3. Keys are named "zb:&lt;test&gt;:...". No script here
/// may block for good on either server: every timeout is positive or the key holds data.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortedSetBlockingDifferentialTests(DifferentialFixture f)
{
    /// <summary>Runs a script in RESP2, then again in RESP3 on keys with a "3" suffix (HELLO's reply skipped).</summary>
    private void AssertBothProtocols(string prefix, string script)
    {
        Differential.AssertSameReplies(f, Differential.Script(script));
        string resp3 = "HELLO 3\n" + script.Replace(prefix, prefix + "3");
        Differential.AssertSameReplies(f, Differential.Script(resp3), reply => reply.StartsWith("%7", StringComparison.Ordinal) ? "hello" : reply);
    }

    [Fact]
    public void BZPopMinAndMaxPopFromTheFirstNonEmptyKeyLikeZPop()
    {
        AssertBothProtocols("zb:pop:", """
            ZADD zb:pop:a 1.5 x 2 y 3 z -0.25 w 1e200 big
            BZPOPMIN zb:pop:a 0
            BZPOPMAX zb:pop:a 0
            BZPOPMIN zb:pop:none zb:pop:a 1
            BZPOPMAX zb:pop:none zb:pop:none2 zb:pop:a 0.5
            ZADD zb:pop:b 10 m
            BZPOPMIN zb:pop:b zb:pop:a 0
            EXISTS zb:pop:b
            BZPOPMIN zb:pop:a zb:pop:a 0
            EXISTS zb:pop:a
            ZADD zb:pop:inf -inf lo +inf hi
            BZPOPMIN zb:pop:inf 0
            BZPOPMAX zb:pop:inf 0
            """);
    }

    [Fact]
    public void BZMPopPopsCountMembersNestedFromTheFirstNonEmptyKey()
    {
        AssertBothProtocols("zb:mpop:", """
            ZADD zb:mpop:a 1 a 2 b 3 c 4 d 5 e
            BZMPOP 0 1 zb:mpop:a MIN
            BZMPOP 0 1 zb:mpop:a MAX
            BZMPOP 1 2 zb:mpop:none zb:mpop:a min COUNT 2
            BZMPOP 0 2 zb:mpop:none zb:mpop:a max count 10
            EXISTS zb:mpop:a
            ZADD zb:mpop:a 7 only
            BZMPOP 0.5 3 zb:mpop:x zb:mpop:y zb:mpop:a MAX COUNT 1
            """);
    }

    [Fact]
    public void ShortTimeoutsReplyTheNullArray()
    {
        AssertBothProtocols("zb:tmo:", """
            BZPOPMIN zb:tmo:a 0.01
            BZPOPMAX zb:tmo:a zb:tmo:b 0.02
            BZMPOP 0.01 2 zb:tmo:a zb:tmo:b MIN
            BZMPOP 0.01 1 zb:tmo:a MAX COUNT 3
            PING
            """);
    }

    [Fact]
    public void TimeoutAndArgumentErrorsMatchRedis()
    {
        AssertBothProtocols("zb:err:", """
            ZADD zb:err:k 1 a
            BZPOPMIN zb:err:k
            BZPOPMAX
            BZPOPMIN zb:err:k abc
            BZPOPMIN zb:err:k -1
            BZPOPMAX zb:err:k -0.5
            BZPOPMIN zb:err:k inf
            BZPOPMIN zb:err:k 1e17
            BZPOPMIN zb:err:k nan
            BZPOPMIN zb:err:k ""
            BZPOPMIN zb:err:k "1 "
            BZMPOP 0 1 zb:err:k
            BZMPOP 0 1
            BZMPOP 0 0 zb:err:k MIN
            BZMPOP 0 -1 zb:err:k MIN
            BZMPOP 0 x zb:err:k MIN
            BZMPOP 0 2 zb:err:k MIN
            BZMPOP 0 5 zb:err:k MIN
            BZMPOP 0 1 zb:err:k LEFT
            BZMPOP 0 1 zb:err:k MIN COUNT
            BZMPOP 0 1 zb:err:k MIN COUNT 0
            BZMPOP 0 1 zb:err:k MIN COUNT -2
            BZMPOP 0 1 zb:err:k MIN COUNT x
            BZMPOP 0 1 zb:err:k MIN COUNT 1 COUNT 1
            BZMPOP 0 1 zb:err:k MIN extra
            BZMPOP x 1 zb:err:k MIN
            BZMPOP -1 1 zb:err:k MIN
            BZMPOP x 0 zb:err:k MIN
            BZMPOP x 1 zb:err:k MIN COUNT 0
            ZCARD zb:err:k
            """);
    }

    [Fact]
    public void KeysOfAnotherTypeAreWrongTypeOnlyBeforeTheFirstNonEmptySet()
    {
        AssertBothProtocols("zb:type:", """
            SET zb:type:s str
            RPUSH zb:type:l x
            ZADD zb:type:z 1 a 2 b
            BZPOPMIN zb:type:s zb:type:z 0
            BZPOPMAX zb:type:none zb:type:l zb:type:z 0
            BZMPOP 0 2 zb:type:s zb:type:z MIN
            BZPOPMIN zb:type:z zb:type:s 0
            BZMPOP 0 2 zb:type:z zb:type:l MAX
            BZPOPMIN zb:type:s 0.01
            BZMPOP 0.01 1 zb:type:l MIN
            """);
    }

    [Fact]
    public void InsideMultiTheyAnswerAtOnceWithDataOrTheNullArray()
    {
        AssertBothProtocols("zb:multi:", """
            MULTI
            BZPOPMIN zb:multi:a 0
            BZPOPMAX zb:multi:a zb:multi:b 0
            BZMPOP 0 2 zb:multi:a zb:multi:b MIN COUNT 2
            ZADD zb:multi:b 1 x 2 y 3 z
            BZPOPMIN zb:multi:a zb:multi:b 0
            BZMPOP 0 2 zb:multi:a zb:multi:b MAX COUNT 5
            BZPOPMAX zb:multi:b 0
            EXEC
            MULTI
            BZPOPMIN zb:multi:a abc
            BZMPOP 0 0 zb:multi:a MIN
            EXEC
            """);
    }

    [Theory]
    [InlineData("bzpopmin")]
    [InlineData("bzpopmax")]
    [InlineData("bzmpop")]
    public void CommandInfoAndDocsMatchRedis(string name)
    {
        Differential.AssertSameReplies(f, [
            ["COMMAND", "INFO", name],
            ["COMMAND", "DOCS", name],
        ]);
        CommandDefinition? command = f.Fast.Server.Commands.Find(name);
        Assert.NotNull(command);
        Assert.Equal("sorted_set", command.Group);
    }
}
