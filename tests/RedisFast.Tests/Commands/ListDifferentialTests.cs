using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// List commands compared byte for byte with redis-server 7.0, each script in RESP2 and again after HELLO 3.
/// Keys are named "list:&lt;test&gt;:&lt;protocol&gt;:..." so the scripts never meet each other's keys.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ListDifferentialTests(DifferentialFixture f)
{
    private void AssertSame(int protocol, string test, string script)
    {
        string prefix = $"list:{test}:{protocol}:";
        string text = script.Replace("K:", prefix);
        if (protocol == 3) text = "HELLO 3\n" + text;
        // HELLO's own reply carries the connection id, which differs between the servers.
        Differential.AssertSameReplies(f, Differential.Script(text),
            static r => r.StartsWith("%7\r\n$6\r\nserver", StringComparison.Ordinal) ? "HELLO" : r);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PushesAndLengthAnswerLikeRedis(int protocol) => AssertSame(protocol, "push", """
        LPUSH K:a 1 2 3
        RPUSH K:a 4 5
        LRANGE K:a 0 -1
        LLEN K:a
        LLEN K:missing
        LPUSHX K:missing x
        RPUSHX K:missing x
        EXISTS K:missing
        LPUSHX K:a x y
        RPUSHX K:a z
        LRANGE K:a 0 -1
        TYPE K:a
        OBJECT ENCODING K:a
        SET K:s str
        LPUSH K:s x
        RPUSH K:s x
        LPUSHX K:s x
        RPUSHX K:s x
        LLEN K:s
        LPUSH K:a
        RPUSH
        LPUSHX K:a
        LLEN
        LLEN K:a K:b
        RPUSH K:bin "" "a b" "\r\n"
        LRANGE K:bin 0 -1
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PopsWithAndWithoutCountAnswerLikeRedis(int protocol) => AssertSame(protocol, "pop", """
        RPUSH K:l a b c d e f
        LPOP K:l
        RPOP K:l
        LPOP K:l 2
        RPOP K:l 1
        LPOP K:l 0
        LPOP K:missing
        RPOP K:missing
        LPOP K:missing 2
        RPOP K:missing 0
        LPOP K:l -1
        LPOP K:l x
        LPOP K:missing -1
        LPOP K:l 1 2
        RPOP
        LPOP K:l 10
        EXISTS K:l
        RPUSH K:m a
        RPOP K:m 5
        EXISTS K:m
        SET K:s v
        LPOP K:s
        RPOP K:s 2
        LPOP K:s 0
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void RangeIndexAndSetAnswerLikeRedis(int protocol) => AssertSame(protocol, "range", """
        RPUSH K:l a b c d e f g
        LRANGE K:l 0 -1
        LRANGE K:l 2 4
        LRANGE K:l -3 -1
        LRANGE K:l -100 100
        LRANGE K:l 5 2
        LRANGE K:l 7 10
        LRANGE K:l -1 -2
        LRANGE K:l 0 0
        LRANGE K:missing 0 -1
        LRANGE K:l x 1
        LRANGE K:l 0 y
        LRANGE K:missing x 1
        LINDEX K:l 0
        LINDEX K:l -1
        LINDEX K:l 7
        LINDEX K:l -8
        LINDEX K:l x
        LINDEX K:missing 0
        LINDEX K:missing x
        LSET K:l 0 A
        LSET K:l -1 G
        LSET K:l 7 x
        LSET K:l -8 x
        LSET K:l x y
        LSET K:missing 0 x
        LRANGE K:l 0 -1
        SET K:s v
        LRANGE K:s 0 -1
        LINDEX K:s 0
        LSET K:s 0 x
        LSET K:s x y
        LSET K:missing x y
        LRANGE K:s x 1
        LINDEX K:s x
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void RemoveTrimAndInsertAnswerLikeRedis(int protocol) => AssertSame(protocol, "edit", """
        RPUSH K:l a b a c a d a
        LREM K:l 2 a
        LRANGE K:l 0 -1
        LREM K:l -1 a
        LRANGE K:l 0 -1
        LREM K:l 0 a
        LRANGE K:l 0 -1
        LREM K:l 0 zz
        LREM K:l x a
        LREM K:missing 1 a
        LREM K:missing x a
        RPUSH K:l2 x x x
        LREM K:l2 0 x
        EXISTS K:l2
        RPUSH K:t 0 1 2 3 4 5 6 7 8 9
        LTRIM K:t 2 -3
        LRANGE K:t 0 -1
        LTRIM K:t -100 100
        LRANGE K:t 0 -1
        LTRIM K:t 1 1
        LRANGE K:t 0 -1
        LTRIM K:t 5 2
        EXISTS K:t
        LTRIM K:missing 0 1
        LTRIM K:t x 1
        LTRIM K:missing 0 y
        RPUSH K:i a b c
        LINSERT K:i BEFORE b X
        LINSERT K:i after c Y
        LINSERT K:i before a Z
        LINSERT K:i AFTER nope W
        LRANGE K:i 0 -1
        LINSERT K:i middle a W
        LINSERT K:missing BEFORE a x
        LINSERT K:missing middle a x
        SET K:s v
        LREM K:s 0 a
        LTRIM K:s 0 1
        LINSERT K:s BEFORE a x
        LINSERT K:s middle a x
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void LPosOptionsAndErrorsAnswerLikeRedis(int protocol) => AssertSame(protocol, "lpos", """
        RPUSH K:l a b c 1 2 3 c c
        LPOS K:l c
        LPOS K:l c RANK 2
        LPOS K:l c RANK -1
        LPOS K:l c RANK -3
        LPOS K:l c RANK 4
        LPOS K:l c COUNT 0
        LPOS K:l c COUNT 2
        LPOS K:l c COUNT 2 RANK -1
        LPOS K:l c COUNT 0 MAXLEN 4
        LPOS K:l c MAXLEN 2
        LPOS K:l c MAXLEN 3
        LPOS K:l nope
        LPOS K:l nope COUNT 3
        LPOS K:missing c
        LPOS K:missing c COUNT 1
        LPOS K:missing c RANK 0
        LPOS K:l c RANK 0
        LPOS K:l c RANK x
        LPOS K:l c RANK -9223372036854775808
        LPOS K:l c RANK 9223372036854775807
        LPOS K:l c COUNT -1
        LPOS K:l c COUNT x
        LPOS K:l c MAXLEN -1
        LPOS K:l c MAXLEN x
        LPOS K:l c RANK
        LPOS K:l c FOO 1
        LPOS K:l c count 1 rank -2 maxlen 0
        SET K:s v
        LPOS K:s c
        LPOS K:s c COUNT x
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void MovesAnswerLikeRedis(int protocol) => AssertSame(protocol, "move", """
        RPUSH K:src a b c
        LMOVE K:src K:dst LEFT RIGHT
        LMOVE K:src K:dst right left
        LRANGE K:src 0 -1
        LRANGE K:dst 0 -1
        RPOPLPUSH K:src K:dst
        EXISTS K:src
        LRANGE K:dst 0 -1
        LMOVE K:dst K:dst LEFT RIGHT
        LRANGE K:dst 0 -1
        RPOPLPUSH K:dst K:dst
        LRANGE K:dst 0 -1
        LMOVE K:missing K:dst LEFT RIGHT
        RPOPLPUSH K:missing K:dst
        LMOVE K:dst K:dst up RIGHT
        LMOVE K:dst K:dst LEFT down
        LMOVE K:missing K:dst up RIGHT
        SET K:s v
        LMOVE K:s K:dst LEFT RIGHT
        LMOVE K:dst K:s LEFT RIGHT
        RPOPLPUSH K:dst K:s
        LRANGE K:dst 0 -1
        RPUSH K:one x
        LMOVE K:one K:one LEFT LEFT
        LRANGE K:one 0 -1
        LMOVE K:src K:dst LEFT
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void LMPopAnswersLikeRedis(int protocol) => AssertSame(protocol, "lmpop", """
        RPUSH K:b 1 2 3 4 5
        LMPOP 2 K:a K:b LEFT
        LMPOP 2 K:a K:b RIGHT COUNT 2
        LMPOP 1 K:b LEFT COUNT 10
        EXISTS K:b
        LMPOP 2 K:a K:b LEFT
        LMPOP 0 K:a LEFT
        LMPOP -1 K:a LEFT
        LMPOP x K:a LEFT
        LMPOP 3 K:a K:b LEFT
        LMPOP 9223372036854775807 K:a LEFT
        LMPOP 1 K:a MIDDLE
        LMPOP 1 K:a LEFT COUNT 0
        LMPOP 1 K:a LEFT COUNT -1
        LMPOP 1 K:a LEFT COUNT x
        LMPOP 1 K:a LEFT COUNT 1 COUNT 1
        LMPOP 1 K:a LEFT COUNT
        LMPOP 1 K:a LEFT FOO
        LMPOP 1 K:a
        SET K:s v
        RPUSH K:c x
        LMPOP 2 K:s K:c LEFT
        LMPOP 2 K:c K:s LEFT
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void BlockingCommandsThatNeedNotBlockAnswerLikeRedis(int protocol) => AssertSame(protocol, "bnow", """
        RPUSH K:a 1 2 3
        BLPOP K:missing K:a 0
        BRPOP K:a 0.5
        BLMPOP 1 2 K:missing K:a LEFT COUNT 5
        EXISTS K:a
        RPUSH K:m x y
        BLMOVE K:m K:n LEFT RIGHT 0
        BRPOPLPUSH K:m K:n 0
        LRANGE K:n 0 -1
        BLPOP K:a -1
        BLPOP K:a abc
        BLPOP K:a inf
        BLPOP K:a -inf
        BLPOP K:a 1e17
        BLPOP K:a nan
        BLPOP K:a ""
        BLPOP K:a " 1"
        BLPOP K:a
        BRPOP K:a
        BLMOVE K:m K:n LEFT RIGHT -1
        BLMOVE K:m K:n LEFT UP 1
        BLMOVE K:m K:n DOWN RIGHT x
        BRPOPLPUSH K:m K:n x
        BLMPOP x 1 K:a LEFT
        BLMPOP -1 1 K:a LEFT
        BLMPOP 0 0 K:a LEFT
        BLMPOP 0 1 K:a MIDDLE
        BLMPOP 0 1 K:a LEFT COUNT 0
        BLMPOP 0 2 K:a LEFT
        SET K:s v
        BLPOP K:missing K:s 0
        BRPOP K:s 0
        BLMOVE K:s K:n LEFT RIGHT 0
        BRPOPLPUSH K:s K:n 0
        RPUSH K:src2 v
        BLMOVE K:src2 K:s LEFT RIGHT 0
        BLMPOP 0 1 K:s LEFT
        """);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void BlockingCommandsTimeOutWithRedisNullReply(int protocol) => AssertSame(protocol, "btimeout", """
        BLPOP K:missing 0.01
        BRPOP K:missing K:other 0.01
        BLMOVE K:missing K:d LEFT RIGHT 0.01
        BRPOPLPUSH K:missing K:d 0.01
        BLMPOP 0.01 1 K:missing LEFT COUNT 2
        PING
        """);

    [Fact]
    public void ClientUnblockArgumentErrorsAnswerLikeRedis() => AssertSame(2, "unblock", """
        CLIENT UNBLOCK 999999
        CLIENT UNBLOCK 999999 TIMEOUT
        CLIENT UNBLOCK 999999 error
        CLIENT UNBLOCK 999999 foo
        CLIENT UNBLOCK x foo
        CLIENT UNBLOCK x
        CLIENT UNBLOCK 1 TIMEOUT extra
        CLIENT UNBLOCK
        """);

    [Fact]
    public void CopyAndRenameOfListsAnswerLikeRedis() => AssertSame(2, "copy", """
        RPUSH K:l a b c
        COPY K:l K:c
        RPUSH K:c d
        LRANGE K:l 0 -1
        LRANGE K:c 0 -1
        OBJECT ENCODING K:c
        RENAME K:c K:r
        LRANGE K:r 0 -1
        TYPE K:r
        """);
}
