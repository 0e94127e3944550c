using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// SORT and SORT_RO compared byte for byte with redis-server 7.0 on keys "sort:&lt;test&gt;:..." of the shared
/// differential servers. (A set read without sorting, BY a constant, comes in hash-table order, which differs
/// between the servers: those replies are not compared.)
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void NumbersStringsLimitsAndDirectionsSortLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL sort:n:l sort:n:s sort:n:z sort:n:a sort:n:bad sort:n:h
            RPUSH sort:n:l 3 1 2 10 -5 1.5 1e2 0x10 " 7" 3 100 16
            SORT sort:n:l
            SORT sort:n:l DESC
            SORT sort:n:l LIMIT 2 3
            SORT sort:n:l LIMIT -1 2
            SORT sort:n:l LIMIT 8 100
            SORT sort:n:l LIMIT 100 5
            SORT sort:n:l LIMIT 0 -1 DESC
            SORT sort:n:l ALPHA
            SORT sort:n:l ALPHA DESC LIMIT 1 4
            SORT_RO sort:n:l DESC ALPHA
            SADD sort:n:s 5 3 9 -1 100 42
            SORT sort:n:s
            SORT sort:n:s DESC LIMIT 1 2
            SADD sort:n:a banana apple cherry "" Apple b
            SORT sort:n:a ALPHA
            SORT sort:n:a ALPHA DESC
            SORT sort:n:a
            ZADD sort:n:z 1 c 2 b 3 a 4 10 5 2
            SORT sort:n:z ALPHA
            SORT sort:n:z BY nosort
            SORT sort:n:z BY nosort DESC
            SORT sort:n:z BY nosort LIMIT 1 3
            SORT sort:n:z BY nosort DESC LIMIT 1 3
            SORT sort:n:l BY nosort
            SORT sort:n:l BY nosort DESC LIMIT 2 4
            SORT sort:n:l BY nosort LIMIT 20 4
            RPUSH sort:n:bad 1 x 3
            SORT sort:n:bad
            SORT sort:n:bad ALPHA
            RPUSH sort:n:e "" 5
            SORT sort:n:e
            SORT sort:n:missing
            SORT sort:n:missing ALPHA DESC LIMIT 0 5
            HSET sort:n:h f v
            SORT sort:n:h
            SORT sort:n:l LIMIT 1
            SORT sort:n:l LIMIT x 1
            SORT sort:n:l FOO
            SORT sort:n:l BY
            SORT_RO sort:n:l STORE sort:n:dst
            SORT sort:n:l ASC DESC ASC
            DEL sort:n:e
            """));
    }

    [Fact]
    public void ByGetAndStoreFollowPatternsLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL sort:p:ids sort:p:dst sort:p:set sort:p:w_1 sort:p:w_2 sort:p:w_3 sort:p:w_4 sort:p:o_1 sort:p:o_2 sort:p:o_3
            DEL sort:p:h_1 sort:p:h_2 sort:p:h_3 sort:p:name_1 sort:p:name_2 sort:p:name_3
            RPUSH sort:p:ids 1 2 3 4
            SET sort:p:w_1 30
            SET sort:p:w_2 10
            SET sort:p:w_3 20
            SET sort:p:o_1 bbb
            SET sort:p:o_2 aaa
            HSET sort:p:h_1 age 40 name ann
            HSET sort:p:h_2 age 20 name bob
            HSET sort:p:h_3 age 30
            SET sort:p:name_1 one
            SET sort:p:name_3 three
            SORT sort:p:ids BY sort:p:w_*
            SORT sort:p:ids BY sort:p:w_* DESC
            SORT sort:p:ids BY sort:p:o_* ALPHA
            SORT sort:p:ids BY sort:p:o_* ALPHA DESC
            SORT sort:p:ids BY sort:p:h_*->age
            SORT sort:p:ids BY sort:p:h_*->name ALPHA
            SORT sort:p:ids BY sort:p:h_*-> ALPHA
            SORT sort:p:ids BY sort:p:w_* GET # GET sort:p:name_* GET sort:p:h_*->name
            SORT sort:p:ids BY sort:p:w_* LIMIT 1 2 GET sort:p:w_*
            SORT sort:p:ids GET sort:p:nostar
            SORT sort:p:ids BY sort:p:nosuch_*
            SORT sort:p:ids BY sort:p:w_* GET sort:p:h_*
            SORT sort:p:ids BY sort:p:w_* STORE sort:p:dst
            LRANGE sort:p:dst 0 -1
            TYPE sort:p:dst
            SORT sort:p:ids BY sort:p:w_* GET # GET sort:p:name_* STORE sort:p:dst
            LRANGE sort:p:dst 0 -1
            PEXPIREAT sort:p:dst 4102444800000
            SORT sort:p:ids LIMIT 0 2 STORE sort:p:dst
            PTTL sort:p:dst
            LRANGE sort:p:dst 0 -1
            SORT sort:p:missing STORE sort:p:dst
            EXISTS sort:p:dst
            SORT sort:p:ids STORE sort:p:dst STORE sort:p:dst2
            EXISTS sort:p:dst sort:p:dst2
            SADD sort:p:set c a b
            SORT sort:p:set BY nosort STORE sort:p:dst
            LRANGE sort:p:dst 0 -1
            SORT sort:p:ids STORE sort:p:ids
            LRANGE sort:p:ids 0 -1
            DEL sort:p:dst sort:p:dst2
            """));
    }

    [Fact]
    public void RoleAnswersAsAMasterWithoutReplicas()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            ROLE
            ROLE extra
            """));
    }
}
