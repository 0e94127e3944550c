using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Protocol;

[Collection(DifferentialCollection.Name)]
public sealed class SmokeTests(DifferentialFixture f)
{
    [Fact]
    public void PingAndUnknownCommandAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            PING
            PING hello
            ECHO "a b"
            NOSUCHCOMMAND a b c
            GET
            """));
    }
}
