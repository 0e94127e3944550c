using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Sorted set commands compared byte for byte with redis-server 7.0, in RESP2 and (after HELLO 3) RESP3. Keys
/// are named "zs:&lt;test&gt;:..." so the shared differential servers never see two tests on one key.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortedSetDifferentialTests(DifferentialFixture f)
{
    /// <summary>Runs a script in RESP2, then again in RESP3 on keys with a "3" suffix (HELLO's reply skipped).</summary>
    private void AssertBothProtocols(string prefix, string script)
    {
        Differential.AssertSameReplies(f, Differential.Script(script));
        string resp3 = "HELLO 3\n" + script.Replace(prefix, prefix + "3");
        Differential.AssertSameReplies(f, Differential.Script(resp3), reply => reply.StartsWith("%7", StringComparison.Ordinal) ? "hello" : reply);
    }

    [Fact]
    public void ZAddOptionsAndTheirErrorsAnswerLikeRedis()
    {
        AssertBothProtocols("zs:add:", """
            ZADD zs:add:k 1 a 2 b 3 c
            ZADD zs:add:k 1 a
            ZADD zs:add:k CH 5 a 2 b 7 d
            ZADD zs:add:k NX 10 a 11 e
            ZADD zs:add:k XX 10 a 11 f
            ZADD zs:add:k XX CH 12 a 2 b
            ZADD zs:add:k GT CH 1 a 20 b
            ZADD zs:add:k LT CH 100 a 0 b
            ZADD zs:add:k GT XX CH 200 c 0 d
            ZADD zs:add:k INCR 2.5 a
            ZADD zs:add:k NX INCR 1 a
            ZADD zs:add:k XX INCR 1 nope
            ZADD zs:add:k GT INCR -1 a
            ZADD zs:add:k LT INCR -1 a
            ZADD zs:add:k INCR 1 newmember
            ZRANGE zs:add:k 0 -1 WITHSCORES
            ZADD zs:add:k XX NX 1 a
            ZADD zs:add:k NX GT 1 a
            ZADD zs:add:k NX LT 1 a
            ZADD zs:add:k GT LT 1 a
            ZADD zs:add:k INCR 1 a 2 b
            ZADD zs:add:k XX NX INCR 1 a 2 b
            ZADD zs:add:k 1 a 2
            ZADD zs:add:k NX NX 1
            ZADD zs:add:k nan a
            ZADD zs:add:k abc a
            ZADD zs:add:k 1 a x b
            ZADD zs:add:k " 1" a
            ZADD zs:add:k "1 " a
            ZADD zs:add:k 1e400 a
            ZADD zs:add:k 1e-400 a
            ZADD zs:add:k inf a -inf b +inf c
            ZADD zs:add:k INCR -inf a
            ZADD zs:add:k INCR +inf b
            ZSCORE zs:add:k a
            ZADD zs:add:k 0x10 hex 0x1p-2 hexp .5 dot 5. dot2 +3 plus -0 negzero 1E3 upper
            ZRANGE zs:add:k 0 -1 WITHSCORES
            ZADD zs:add:k 0x abc
            ZADD zs:add:k 1e abc
            ZADD zs:add:missing XX 1 a
            ZADD zs:add:missing XX INCR 1 a
            EXISTS zs:add:missing
            SET zs:add:str x
            ZADD zs:add:str 1 a
            ZADD zs:add:str XX NX 1 a
            ZADD zs:add:k
            ZADD zs:add:k 1
            """);
    }

    [Fact]
    public void ScoresAreFormattedLikeRedis()
    {
        AssertBothProtocols("zs:fmt:", """
            ZADD zs:fmt:k 1.1 a 0.1 b 1e300 c -0.0 d 1e-320 e 1e-5 f 123456789012345678 g 3 h -2.5 i 1e21 j 4503599627370497 k 0.30000000000000004 l
            ZSCORE zs:fmt:k a
            ZSCORE zs:fmt:k b
            ZSCORE zs:fmt:k c
            ZSCORE zs:fmt:k d
            ZSCORE zs:fmt:k e
            ZSCORE zs:fmt:k nope
            ZSCORE zs:fmt:nokey a
            ZMSCORE zs:fmt:k a b nope c
            ZMSCORE zs:fmt:nokey a b
            ZINCRBY zs:fmt:k 0.1 a
            ZINCRBY zs:fmt:k inf c
            ZINCRBY zs:fmt:k -inf c
            ZINCRBY zs:fmt:k x c
            ZINCRBY zs:fmt:k 1 newone
            ZRANGE zs:fmt:k 0 -1 WITHSCORES
            ZSCAN zs:fmt:k 0
            ZSCAN zs:fmt:k 0 MATCH ? COUNT 5
            ZSCAN zs:fmt:k 0 MATCH nomatch*
            ZSCAN zs:fmt:k x
            ZSCAN zs:fmt:k 0 COUNT 0
            ZSCAN zs:fmt:k 0 COUNT x
            ZSCAN zs:fmt:k 0 TYPE zset
            ZSCAN zs:fmt:k 0 MATCH
            ZSCAN zs:fmt:nokey 0
            """);
    }

    [Fact]
    public void RemCardRankAndCountAnswerLikeRedis()
    {
        AssertBothProtocols("zs:rem:", """
            ZADD zs:rem:k 1 a 2 b 3 c 4 d 5 e
            ZCARD zs:rem:k
            ZCARD zs:rem:nokey
            ZRANK zs:rem:k c
            ZREVRANK zs:rem:k c
            ZRANK zs:rem:k nope
            ZRANK zs:rem:nokey a
            ZCOUNT zs:rem:k 2 4
            ZCOUNT zs:rem:k (2 (4
            ZCOUNT zs:rem:k -inf +inf
            ZCOUNT zs:rem:k 4 2
            ZCOUNT zs:rem:k "" " 3"
            ZCOUNT zs:rem:k ( 3
            ZCOUNT zs:rem:k x 3
            ZCOUNT zs:rem:k nan 3
            ZCOUNT zs:rem:nokey 1 2
            ZREM zs:rem:k a nope a b
            ZREM zs:rem:nokey a
            ZREM zs:rem:k c d e
            EXISTS zs:rem:k
            SET zs:rem:str x
            ZREM zs:rem:str a
            ZCARD zs:rem:str
            ZRANK zs:rem:str a
            ZCOUNT zs:rem:str 1 2
            ZSCORE zs:rem:str a
            ZMSCORE zs:rem:str a
            """);
    }

    [Fact]
    public void ZRangeInEveryFormAnswersLikeRedis()
    {
        AssertBothProtocols("zs:range:", """
            ZADD zs:range:k 1 a 2 b 3 c 4 d 5 e 5 f 6 g
            ZRANGE zs:range:k 0 -1
            ZRANGE zs:range:k 0 -1 WITHSCORES
            ZRANGE zs:range:k 2 3 withscores
            ZRANGE zs:range:k -3 -1
            ZRANGE zs:range:k -100 100
            ZRANGE zs:range:k 5 2
            ZRANGE zs:range:k 10 20
            ZRANGE zs:range:k 0 -1 REV
            ZRANGE zs:range:k 0 1 REV WITHSCORES
            ZRANGE zs:range:k 2 5 BYSCORE
            ZRANGE zs:range:k (2 5 BYSCORE WITHSCORES
            ZRANGE zs:range:k 5 (2 BYSCORE REV
            ZRANGE zs:range:k -inf +inf BYSCORE LIMIT 1 3
            ZRANGE zs:range:k -inf +inf BYSCORE LIMIT 1 -1
            ZRANGE zs:range:k -inf +inf BYSCORE LIMIT -1 3
            ZRANGE zs:range:k -inf +inf BYSCORE LIMIT 0 0
            ZRANGE zs:range:k -inf +inf BYSCORE LIMIT 100 1
            ZRANGE zs:range:k +inf -inf BYSCORE REV LIMIT 2 2 WITHSCORES
            ZRANGE zs:range:k 0 -1 LIMIT 0 1
            ZRANGE zs:range:k 0 -1 LIMIT 0 -1
            ZRANGE zs:range:k - + BYLEX WITHSCORES
            ZRANGE zs:range:k 0 -1 BYSCORE BYLEX
            ZRANGE zs:range:k 0 -1 REV REV
            ZRANGE zs:range:k 0 -1 LIMIT 1
            ZRANGE zs:range:k 0 -1 FOO
            ZRANGE zs:range:k a b
            ZRANGE zs:range:k a b BYSCORE
            ZRANGE zs:range:k 1 2 BYSCORE LIMIT x 1
            ZRANGE zs:range:nokey 0 -1
            ZRANGE zs:range:nokey 0 -1 WITHSCORES
            ZREVRANGE zs:range:k 0 2 WITHSCORES
            ZREVRANGE zs:range:k 0 2 REV
            ZRANGEBYSCORE zs:range:k 2 5
            ZRANGEBYSCORE zs:range:k (2 (5 WITHSCORES
            ZRANGEBYSCORE zs:range:k -inf +inf WITHSCORES LIMIT 2 3
            ZRANGEBYSCORE zs:range:k -inf +inf BYSCORE
            ZRANGEBYSCORE zs:range:k -inf +inf REV
            ZRANGEBYSCORE zs:range:k 5 2
            ZRANGEBYSCORE zs:range:k (5 5
            ZRANGEBYSCORE zs:range:k x 5
            ZREVRANGEBYSCORE zs:range:k 5 2 WITHSCORES
            ZREVRANGEBYSCORE zs:range:k +inf -inf LIMIT 1 2
            ZREVRANGEBYSCORE zs:range:k (5 (1
            ZRANGEBYSCORE zs:range:k 1e400 inf
            ZRANGEBYSCORE zs:range:k -1e400 2
            SET zs:range:str x
            ZRANGE zs:range:str 0 -1
            ZRANGEBYSCORE zs:range:str 0 1
            ZRANGE zs:range:k
            ZRANGEBYSCORE zs:range:k 1
            """);
    }

    [Fact]
    public void LexRangesAnswerLikeRedis()
    {
        AssertBothProtocols("zs:lex:", """
            ZADD zs:lex:k 0 a 0 b 0 c 0 d 0 e 0 f 0 g 0 aa 0 "" 0 zzz
            ZRANGEBYLEX zs:lex:k - +
            ZRANGEBYLEX zs:lex:k [a [c
            ZRANGEBYLEX zs:lex:k (a (c
            ZRANGEBYLEX zs:lex:k [aa +
            ZRANGEBYLEX zs:lex:k - (b
            ZRANGEBYLEX zs:lex:k + -
            ZRANGEBYLEX zs:lex:k - -
            ZRANGEBYLEX zs:lex:k + +
            ZRANGEBYLEX zs:lex:k [c [a
            ZRANGEBYLEX zs:lex:k [c [c
            ZRANGEBYLEX zs:lex:k (c [c
            ZRANGEBYLEX zs:lex:k [ [a
            ZRANGEBYLEX zs:lex:k - + LIMIT 2 3
            ZRANGEBYLEX zs:lex:k - + LIMIT 2 -1
            ZRANGEBYLEX zs:lex:k - + LIMIT -2 1
            ZRANGEBYLEX zs:lex:k - + WITHSCORES
            ZRANGEBYLEX zs:lex:k a +
            ZRANGEBYLEX zs:lex:k -a +
            ZRANGEBYLEX zs:lex:k "" +
            ZREVRANGEBYLEX zs:lex:k + -
            ZREVRANGEBYLEX zs:lex:k [e (b LIMIT 1 2
            ZREVRANGEBYLEX zs:lex:k - +
            ZRANGE zs:lex:k [b [e BYLEX
            ZRANGE zs:lex:k [e [b BYLEX REV LIMIT 0 2
            ZLEXCOUNT zs:lex:k - +
            ZLEXCOUNT zs:lex:k [b (e
            ZLEXCOUNT zs:lex:k [e [b
            ZLEXCOUNT zs:lex:k x y
            ZLEXCOUNT zs:lex:nokey - +
            ZREMRANGEBYLEX zs:lex:k [b (d
            ZREMRANGEBYLEX zs:lex:k x (d
            ZREMRANGEBYLEX zs:lex:nokey - +
            ZRANGEBYLEX zs:lex:k - +
            ZREMRANGEBYLEX zs:lex:k - +
            EXISTS zs:lex:k
            ZADD zs:lex:mixed 1 b 2 a 3 d 0 c
            ZRANGEBYLEX zs:lex:mixed - +
            ZRANGEBYLEX zs:lex:mixed [b [d
            ZLEXCOUNT zs:lex:mixed [b [d
            """);
    }

    [Fact]
    public void RemoveRangesAnswerLikeRedis()
    {
        AssertBothProtocols("zs:remr:", """
            ZADD zs:remr:k 1 a 2 b 3 c 4 d 5 e 6 f
            ZREMRANGEBYRANK zs:remr:k 0 0
            ZREMRANGEBYRANK zs:remr:k -2 -1
            ZREMRANGEBYRANK zs:remr:k 5 10
            ZREMRANGEBYRANK zs:remr:k 2 1
            ZREMRANGEBYRANK zs:remr:k x 1
            ZRANGE zs:remr:k 0 -1 WITHSCORES
            ZREMRANGEBYSCORE zs:remr:k (2 3
            ZREMRANGEBYSCORE zs:remr:k 10 20
            ZREMRANGEBYSCORE zs:remr:k x 20
            ZRANGE zs:remr:k 0 -1 WITHSCORES
            ZREMRANGEBYSCORE zs:remr:k -inf +inf
            EXISTS zs:remr:k
            ZREMRANGEBYRANK zs:remr:nokey 0 -1
            ZREMRANGEBYSCORE zs:remr:nokey 0 1
            SET zs:remr:str x
            ZREMRANGEBYRANK zs:remr:str 0 1
            ZREMRANGEBYSCORE zs:remr:str 0 1
            ZREMRANGEBYLEX zs:remr:str - +
            ZREMRANGEBYRANK zs:remr:k 0
            """);
    }

    [Fact]
    public void PopsAnswerLikeRedis()
    {
        AssertBothProtocols("zs:pop:", """
            ZADD zs:pop:k 1 a 2 b 3 c 4 d 5 e
            ZPOPMIN zs:pop:k
            ZPOPMAX zs:pop:k
            ZPOPMIN zs:pop:k 2
            ZPOPMIN zs:pop:k 0
            ZPOPMIN zs:pop:k -1
            ZPOPMIN zs:pop:k x
            ZPOPMIN zs:pop:k 1 2
            ZPOPMAX zs:pop:k 10
            EXISTS zs:pop:k
            ZPOPMIN zs:pop:k
            ZPOPMIN zs:pop:k 3
            ZADD zs:pop:m 1 a 2 b 3 c
            ZMPOP 2 zs:pop:nokey zs:pop:m MIN
            ZMPOP 2 zs:pop:nokey zs:pop:m MAX COUNT 5
            ZMPOP 1 zs:pop:m MIN
            ZMPOP 0 zs:pop:m MIN
            ZMPOP x zs:pop:m MIN
            ZMPOP 3 zs:pop:m MIN
            ZMPOP 1 zs:pop:m FOO
            ZMPOP 1 zs:pop:m MIN COUNT 0
            ZMPOP 1 zs:pop:m MIN COUNT 1 COUNT 1
            ZMPOP 1 zs:pop:m MIN COUNT
            SET zs:pop:str x
            ZPOPMIN zs:pop:str
            ZMPOP 2 zs:pop:nokey zs:pop:str MIN
            ZADD zs:pop:r 1 a 2 b 3 c
            ZRANDMEMBER zs:pop:r 0
            ZRANDMEMBER zs:pop:r 3
            ZRANDMEMBER zs:pop:r 10 WITHSCORES
            ZRANDMEMBER zs:pop:r x
            ZRANDMEMBER zs:pop:r 1 foo
            ZRANDMEMBER zs:pop:r 1 WITHSCORES x
            ZRANDMEMBER zs:pop:r -9223372036854775808
            ZRANDMEMBER zs:pop:r -9223372036854775807 WITHSCORES
            ZRANDMEMBER zs:pop:nokey
            ZRANDMEMBER zs:pop:nokey 5
            ZRANDMEMBER zs:pop:str
            """);
    }

    [Fact]
    public void SetOperationsAnswerLikeRedis()
    {
        AssertBothProtocols("zs:ops:", """
            ZADD zs:ops:a 1 x 2 y 3 z inf i -inf n
            ZADD zs:ops:b 10 y 20 z 30 w -inf i inf n
            ZUNION 2 zs:ops:a zs:ops:b WITHSCORES
            ZUNION 2 zs:ops:a zs:ops:b WEIGHTS 2 0 WITHSCORES
            ZUNION 2 zs:ops:a zs:ops:b AGGREGATE MIN WITHSCORES
            ZUNION 2 zs:ops:a zs:ops:b AGGREGATE max WITHSCORES
            ZUNION 3 zs:ops:a zs:ops:b zs:ops:nokey
            ZINTER 2 zs:ops:a zs:ops:b WITHSCORES
            ZINTER 2 zs:ops:a zs:ops:b WEIGHTS 0 1 AGGREGATE SUM WITHSCORES
            ZINTER 2 zs:ops:a zs:ops:b AGGREGATE MIN WITHSCORES
            ZINTER 2 zs:ops:a zs:ops:nokey
            ZDIFF 2 zs:ops:a zs:ops:b WITHSCORES
            ZDIFF 1 zs:ops:a
            ZDIFF 2 zs:ops:nokey zs:ops:a
            ZINTERCARD 2 zs:ops:a zs:ops:b
            ZINTERCARD 2 zs:ops:a zs:ops:b LIMIT 1
            ZINTERCARD 2 zs:ops:a zs:ops:b LIMIT 0
            ZINTERCARD 2 zs:ops:a zs:ops:b LIMIT -1
            ZINTERCARD 0 zs:ops:a
            ZINTERCARD 1 zs:ops:a WITHSCORES
            ZUNIONSTORE zs:ops:dst 2 zs:ops:a zs:ops:b WEIGHTS 1 2
            ZRANGE zs:ops:dst 0 -1 WITHSCORES
            OBJECT ENCODING zs:ops:dst
            ZINTERSTORE zs:ops:dst 2 zs:ops:a zs:ops:b
            ZRANGE zs:ops:dst 0 -1 WITHSCORES
            ZDIFFSTORE zs:ops:dst 2 zs:ops:a zs:ops:b
            ZRANGE zs:ops:dst 0 -1 WITHSCORES
            ZINTERSTORE zs:ops:dst 2 zs:ops:a zs:ops:nokey
            EXISTS zs:ops:dst
            ZUNIONSTORE zs:ops:dst 1 zs:ops:a WITHSCORES
            ZUNION 0 zs:ops:a
            ZUNION -1 zs:ops:a
            ZUNION x zs:ops:a
            ZUNION 3 zs:ops:a zs:ops:b
            ZUNION 2 zs:ops:a zs:ops:b WEIGHTS 1
            ZUNION 2 zs:ops:a zs:ops:b WEIGHTS 1 x
            ZUNION 2 zs:ops:a zs:ops:b AGGREGATE avg
            ZUNION 2 zs:ops:a zs:ops:b AGGREGATE
            ZDIFF 2 zs:ops:a zs:ops:b WEIGHTS 1 1
            ZDIFF 2 zs:ops:a zs:ops:b AGGREGATE SUM
            ZUNIONSTORE zs:ops:dst 0 zs:ops:a
            SET zs:ops:str x
            ZUNION 2 zs:ops:a zs:ops:str
            ZINTERSTORE zs:ops:dst 2 zs:ops:str zs:ops:a
            ZADD zs:ops:self 1 a 2 b
            ZUNIONSTORE zs:ops:self 2 zs:ops:self zs:ops:self
            ZRANGE zs:ops:self 0 -1 WITHSCORES
            """);
    }

    [Fact]
    public void PlainSetsAreSetOperationInputsWithScoreOneLikeRedis()
    {
        AssertBothProtocols("zs:sets:", """
            ZADD zs:sets:z 1 x 2 y 3 z 5 1 -inf 10 inf b
            SADD zs:sets:ints 1 2 3 10 -5
            SADD zs:sets:strs a b c x 1 10
            OBJECT ENCODING zs:sets:ints
            OBJECT ENCODING zs:sets:strs
            ZUNION 3 zs:sets:z zs:sets:ints zs:sets:strs WITHSCORES
            ZUNION 3 zs:sets:z zs:sets:ints zs:sets:strs WEIGHTS 2 3 4 WITHSCORES
            ZUNION 3 zs:sets:z zs:sets:ints zs:sets:strs AGGREGATE MIN WITHSCORES
            ZUNION 3 zs:sets:z zs:sets:ints zs:sets:strs WEIGHTS 1 -2 0.5 AGGREGATE MAX WITHSCORES
            ZUNION 2 zs:sets:z zs:sets:strs WEIGHTS 0 inf WITHSCORES
            ZUNION 2 zs:sets:z zs:sets:strs WEIGHTS 1 -inf WITHSCORES
            ZUNION 2 zs:sets:ints zs:sets:strs
            ZUNION 1 zs:sets:ints WITHSCORES
            ZINTER 2 zs:sets:z zs:sets:strs WITHSCORES
            ZINTER 2 zs:sets:ints zs:sets:strs WEIGHTS 5 7 WITHSCORES
            ZINTER 3 zs:sets:z zs:sets:ints zs:sets:strs AGGREGATE MAX WITHSCORES
            ZINTER 2 zs:sets:ints zs:sets:ints WITHSCORES
            ZINTER 2 zs:sets:strs zs:sets:nokey
            ZINTERCARD 2 zs:sets:z zs:sets:strs
            ZINTERCARD 2 zs:sets:ints zs:sets:strs LIMIT 1
            ZINTERCARD 1 zs:sets:strs
            ZDIFF 2 zs:sets:strs zs:sets:z WITHSCORES
            ZDIFF 2 zs:sets:z zs:sets:strs WITHSCORES
            ZDIFF 3 zs:sets:ints zs:sets:strs zs:sets:nokey WITHSCORES
            ZDIFF 2 zs:sets:ints zs:sets:ints
            ZUNIONSTORE zs:sets:dst 3 zs:sets:z zs:sets:ints zs:sets:strs WEIGHTS 1 2 3
            ZRANGE zs:sets:dst 0 -1 WITHSCORES
            OBJECT ENCODING zs:sets:dst
            ZINTERSTORE zs:sets:dst 2 zs:sets:strs zs:sets:ints
            ZRANGE zs:sets:dst 0 -1 WITHSCORES
            ZDIFFSTORE zs:sets:dst 2 zs:sets:ints zs:sets:z
            ZRANGE zs:sets:dst 0 -1 WITHSCORES
            TYPE zs:sets:dst
            ZUNIONSTORE zs:sets:ints 1 zs:sets:ints WEIGHTS 3
            TYPE zs:sets:ints
            ZRANGE zs:sets:ints 0 -1 WITHSCORES
            SADD zs:sets:empty a
            SREM zs:sets:empty a
            HSET zs:sets:hash a 1
            SET zs:sets:str a
            ZUNION 2 zs:sets:strs zs:sets:hash
            ZINTER 2 zs:sets:hash zs:sets:strs
            ZDIFF 2 zs:sets:strs zs:sets:str
            ZINTERCARD 2 zs:sets:hash zs:sets:strs
            ZUNIONSTORE zs:sets:dst 2 zs:sets:strs zs:sets:hash
            ZUNION 2 zs:sets:strs zs:sets:hash WEIGHTS x
            ZUNION 1 zs:sets:strs WEIGHTS x
            """);
    }

    [Fact]
    public void LargePlainSetsAsInputsAnswerLikeRedisInEveryEncoding()
    {
        var script = new List<string[]>();
        var ints = new List<string> { "SADD", "zs:bigsets:ints" };
        for (int i = 0; i < 600; i++) ints.Add((i * 7 - 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var smallInts = new List<string> { "SADD", "zs:bigsets:smallints" };
        for (int i = 0; i < 300; i++) smallInts.Add((i * 3 - 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var strs = new List<string> { "SADD", "zs:bigsets:strs" };
        for (int i = 0; i < 300; i++) strs.Add("m" + i);
        var zadd = new List<string> { "ZADD", "zs:bigsets:z" };
        for (int i = 0; i < 200; i++) { zadd.Add((i % 13).ToString(System.Globalization.CultureInfo.InvariantCulture)); zadd.Add(i % 2 == 0 ? "m" + i : (i * 3 - 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        script.Add(ints.ToArray());
        script.Add(smallInts.ToArray());
        script.Add(strs.ToArray());
        script.Add(zadd.ToArray());
        script.Add(["OBJECT", "ENCODING", "zs:bigsets:ints"]);
        script.Add(["OBJECT", "ENCODING", "zs:bigsets:smallints"]);
        script.Add(["ZUNION", "4", "zs:bigsets:ints", "zs:bigsets:smallints", "zs:bigsets:strs", "zs:bigsets:z", "WITHSCORES"]);
        script.Add(["ZUNION", "3", "zs:bigsets:ints", "zs:bigsets:smallints", "zs:bigsets:z", "WEIGHTS", "1.5", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"]);
        script.Add(["ZINTER", "2", "zs:bigsets:ints", "zs:bigsets:smallints", "WITHSCORES"]);
        script.Add(["ZINTER", "2", "zs:bigsets:smallints", "zs:bigsets:z", "WEIGHTS", "2", "3", "WITHSCORES"]);
        script.Add(["ZINTERCARD", "2", "zs:bigsets:ints", "zs:bigsets:smallints"]);
        script.Add(["ZINTERCARD", "2", "zs:bigsets:ints", "zs:bigsets:smallints", "LIMIT", "17"]);
        script.Add(["ZDIFF", "2", "zs:bigsets:smallints", "zs:bigsets:ints", "WITHSCORES"]);
        script.Add(["ZDIFF", "3", "zs:bigsets:z", "zs:bigsets:strs", "zs:bigsets:ints", "WITHSCORES"]);
        script.Add(["ZUNIONSTORE", "zs:bigsets:dst", "2", "zs:bigsets:strs", "zs:bigsets:smallints"]);
        script.Add(["OBJECT", "ENCODING", "zs:bigsets:dst"]);
        script.Add(["ZRANGE", "zs:bigsets:dst", "0", "-1", "WITHSCORES"]);
        script.Add(["ZINTERSTORE", "zs:bigsets:dst", "2", "zs:bigsets:z", "zs:bigsets:ints"]);
        script.Add(["OBJECT", "ENCODING", "zs:bigsets:dst"]);
        script.Add(["ZRANGE", "zs:bigsets:dst", "0", "-1", "WITHSCORES"]);
        script.Add(["ZDIFFSTORE", "zs:bigsets:dst", "2", "zs:bigsets:ints", "zs:bigsets:smallints"]);
        script.Add(["OBJECT", "ENCODING", "zs:bigsets:dst"]);
        script.Add(["ZRANGE", "zs:bigsets:dst", "0", "-1", "WITHSCORES"]);
        Differential.AssertSameReplies(f, script);
    }

    [Fact]
    public void ZScanOfAListpackReturnsEverythingInOneCallLikeRedis()
    {
        AssertBothProtocols("zs:lpscan:", """
            ZADD zs:lpscan:k 1 a 2.5 b -inf c 1e300 d 0.1 e 3 a1 4 b1 5 a11
            ZSCAN zs:lpscan:k 0 COUNT 1
            ZSCAN zs:lpscan:k 7
            ZSCAN zs:lpscan:k 18446744073709551615 COUNT 2
            ZSCAN zs:lpscan:k -1
            ZSCAN zs:lpscan:k 0 MATCH a* COUNT 1
            ZSCAN zs:lpscan:k 3 MATCH *1 COUNT 100 MATCH a*
            ZSCAN zs:lpscan:k 0 COUNT 2 COUNT 0
            ZSCAN zs:lpscan:k 18446744073709551616
            ZSCAN zs:lpscan:k 0 MATCH x COUNT
            SADD zs:lpscan:set a
            ZSCAN zs:lpscan:set 0
            ZSCAN zs:lpscan:set x
            ZADD zs:lpscan:big 1 a 2 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
            OBJECT ENCODING zs:lpscan:big
            ZSCAN zs:lpscan:big 0 COUNT 0
            ZSCAN zs:lpscan:big 0 COUNT x
            ZSCAN zs:lpscan:big 0 TYPE zset
            ZSCAN zs:lpscan:big 0 MATCH
            ZSCAN zs:lpscan:big 0 MATCH nomatch
            ZSCAN zs:lpscan:big 0 MATCH a
            ZSCAN zs:lpscan:big abc
            """);
    }

    /// <summary>Runs ZSCAN from cursor 0 to the end; returns the calls made and every (member, score) pair seen.</summary>
    private static (int Calls, List<string> Pairs) ScanAll(RawClient client, string key, params string[] options)
    {
        var pairs = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var args = new List<string> { "ZSCAN", key, cursor };
            args.AddRange(options);
            string reply = client.Call(args.ToArray());
            // *2, $len cursor, *n, then n bulk strings: each bulk is two lines.
            string[] lines = reply.Split("\r\n");
            cursor = lines[2];
            int n = int.Parse(lines[3].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            for (int i = 0; i < n; i += 2) pairs.Add(lines[5 + 2 * i] + " " + lines[7 + 2 * i]);
            calls++;
        }
        while (cursor != "0");
        pairs.Sort(StringComparer.Ordinal);
        return (calls, pairs);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public void ZScanOfASkiplistReturnsTheSameMembersAndScoresAsRedisInSomeOrder(string protocol)
    {
        string key = "zs:slscan:" + protocol;
        var zadd = new List<string> { "ZADD", key };
        for (int i = 0; i < 300; i++)
        {
            zadd.Add(i % 7 == 0 ? (i / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture) : i % 11 == 0 ? "-inf" : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            zadd.Add((i % 2 == 0 ? "even" : "odd") + i);
        }
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        foreach (RawClient client in new[] { fast, real })
        {
            client.Call("HELLO", protocol);
            client.Call("DEL", key);
            Assert.Equal(":300\r\n", client.Call(zadd.ToArray()));
            Assert.Equal("$8\r\nskiplist\r\n", client.Call("OBJECT", "ENCODING", key));
        }
        foreach (string[] options in new[] { new[] { "COUNT", "1000" }, ["COUNT", "10"], [], ["MATCH", "odd1*", "COUNT", "7"], ["MATCH", "none*"] })
        {
            (int fastCalls, List<string> fastPairs) = ScanAll(fast, key, options);
            (int realCalls, List<string> realPairs) = ScanAll(real, key, options);
            Assert.Equal(realPairs, fastPairs);
            // Both page: a whole scan in one call only when COUNT covers the set.
            Assert.Equal(realCalls == 1, fastCalls == 1);
        }
    }

    [Fact]
    public void ZRangeStoreAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            ZADD zs:rstore:src 1 a 2 b 3 c 4 d
            SET zs:rstore:dst x EX 1000
            ZRANGESTORE zs:rstore:dst zs:rstore:src 1 2
            TTL zs:rstore:dst
            ZRANGE zs:rstore:dst 0 -1 WITHSCORES
            ZRANGESTORE zs:rstore:dst zs:rstore:src (1 +inf BYSCORE LIMIT 1 5
            ZRANGE zs:rstore:dst 0 -1 WITHSCORES
            ZRANGESTORE zs:rstore:dst zs:rstore:src + - BYLEX REV
            ZRANGE zs:rstore:dst 0 -1
            ZRANGESTORE zs:rstore:dst zs:rstore:src 5 6
            EXISTS zs:rstore:dst
            ZRANGESTORE zs:rstore:dst zs:rstore:nokey 0 -1
            ZRANGESTORE zs:rstore:dst zs:rstore:src 0 -1 WITHSCORES
            ZRANGESTORE zs:rstore:dst zs:rstore:src 0 -1 LIMIT 0 1
            SET zs:rstore:str x
            ZRANGESTORE zs:rstore:dst zs:rstore:str 0 -1
            ZRANGESTORE zs:rstore:dst zs:rstore:src 0
            """));
    }

    [Fact]
    public void EncodingFollowsTheListpackThresholdsLikeRedis()
    {
        var script = new List<string[]>();
        var pairs = new List<string> { "ZADD", "zs:enc:big" };
        for (int i = 0; i < 128; i++) { pairs.Add(i.ToString()); pairs.Add("m" + i); }
        script.Add(pairs.ToArray());
        script.Add(["OBJECT", "ENCODING", "zs:enc:big"]);
        script.Add(["ZADD", "zs:enc:big", "500", "last"]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:big"]);
        script.Add(["ZRANGE", "zs:enc:big", "120", "-1", "WITHSCORES"]);
        script.Add(["ZRANK", "zs:enc:big", "m77"]);
        script.Add(["ZREMRANGEBYRANK", "zs:enc:big", "0", "100"]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:big"]);
        script.Add(["ZADD", "zs:enc:long", "1", "a"]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:long"]);
        script.Add(["ZADD", "zs:enc:long", "2", new string('x', 64)]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:long"]);
        script.Add(["ZADD", "zs:enc:long", "3", new string('y', 65)]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:long"]);
        script.Add(["ZREM", "zs:enc:long", new string('y', 65)]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:long"]);
        script.Add(["ZUNIONSTORE", "zs:enc:small", "1", "zs:enc:long"]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:small"]);
        script.Add(["ZADD", "zs:enc:first", "1", new string('z', 65), "2", "b"]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:first"]);
        script.Add(["TYPE", "zs:enc:first"]);
        script.Add(["COPY", "zs:enc:first", "zs:enc:copy"]);
        script.Add(["ZRANGE", "zs:enc:copy", "0", "-1", "WITHSCORES"]);
        script.Add(["OBJECT", "ENCODING", "zs:enc:copy"]);
        script.Add(["ZADD", "zs:enc:copy", "9", "c"]);
        script.Add(["ZCARD", "zs:enc:first"]);
        var same = new List<string> { "ZADD", "zs:enc:same" };
        for (int i = 0; i < 200; i++) { same.Add(i.ToString()); same.Add("m"); }
        script.Add(same.ToArray());
        script.Add(["OBJECT", "ENCODING", "zs:enc:same"]);
        script.Add(["ZSCORE", "zs:enc:same", "m"]);
        Differential.AssertSameReplies(f, script);
    }

    [Fact]
    public void SeededRandomOperationsMatchRedisAcrossTheSkiplistThreshold()
    {
        var random = new Random(20240607);
        var script = new List<string[]>();
        string[] keys = ["zs:fuzz:a", "zs:fuzz:b"];
        foreach (string k in keys) script.Add(["DEL", k]);
        for (int i = 0; i < 3000; i++)
        {
            string key = keys[random.Next(keys.Length)];
            string member = "m" + random.Next(key.EndsWith('a') ? 60 : 400);
            string score = random.Next(8) switch
            {
                0 => "inf",
                1 => (random.Next(-50, 50) / 4.0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => random.Next(-20, 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            int a = random.Next(-30, 300), b = random.Next(-30, 300);
            script.Add(random.Next(12) switch
            {
                0 or 1 or 2 => ["ZADD", key, score, member],
                3 => ["ZREM", key, member],
                4 => ["ZINCRBY", key, score, member],
                5 => ["ZRANK", key, member],
                6 => ["ZREVRANK", key, member],
                7 => ["ZRANGE", key, a.ToString(), b.ToString(), "WITHSCORES"],
                8 => ["ZRANGEBYSCORE", key, "(" + random.Next(-20, 20), random.Next(-20, 20).ToString(), "LIMIT", random.Next(5).ToString(), random.Next(-1, 20).ToString()],
                9 => ["ZCOUNT", key, random.Next(-20, 20).ToString(), "+inf"],
                10 => ["ZREMRANGEBYRANK", key, random.Next(0, 10).ToString(), random.Next(0, 3).ToString()],
                _ => ["ZADD", key, "GT", "CH", score, member, score, "n" + random.Next(300)],
            });
            if (i % 500 == 0)
            {
                script.Add(["OBJECT", "ENCODING", key]);
                script.Add(["ZCARD", key]);
            }
        }
        foreach (string k in keys)
        {
            script.Add(["OBJECT", "ENCODING", k]);
            script.Add(["ZRANGE", k, "0", "-1", "WITHSCORES"]);
        }
        Differential.AssertSameReplies(f, script);
    }
}
