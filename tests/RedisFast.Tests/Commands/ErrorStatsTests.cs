using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

[Collection(AdminDifferentialCollection.Name)]
public sealed class ErrorStatsTests(DifferentialFixture f)
{
    [Fact]
    public void InfoErrorstatsCountsErrorRepliesByCodeLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG RESETSTAT
            SET errorstats:s abc
            INCR errorstats:s
            INCR errorstats:s
            NOSUCHCOMMAND
            GET
            HELLO 9
            INFO errorstats
            """));
    }

    [Fact]
    public void TotalErrorRepliesCountsEveryErrorReply()
    {
        using RawClient c = f.Fast.Connect();
        c.Call("CONFIG", "RESETSTAT");
        c.Call("INCR", "errorstats:x", "y");
        c.Call("SELECT", "99");
        string stats = c.Call("INFO", "stats");
        Assert.Contains("total_error_replies:2\r\n", stats);
    }
}
