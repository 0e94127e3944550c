using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>CONFIG SET of an encoding threshold changes what later commands do, as in Redis.</summary>
[Collection(AdminDifferentialCollection.Name)]
public sealed class ConfigEffectTests(DifferentialFixture f)
{
    [Fact]
    public void ZsetListpackThresholdsSetByConfigDecideTheEncoding()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG SET zset-max-listpack-entries 2 zset-max-listpack-value 8
            CONFIG GET zset-max-listpack-entries
            CONFIG GET zset-max-ziplist-value
            DEL cfgeffect:z1 cfgeffect:z2
            ZADD cfgeffect:z1 1 a 2 b
            OBJECT ENCODING cfgeffect:z1
            ZADD cfgeffect:z1 3 c
            OBJECT ENCODING cfgeffect:z1
            ZADD cfgeffect:z2 1 a-member-longer-than-eight
            OBJECT ENCODING cfgeffect:z2
            CONFIG SET zset-max-ziplist-entries 128 zset-max-ziplist-value 64
            CONFIG GET zset-max-listpack-entries
            CONFIG GET zset-max-ziplist-value
            """));
    }
}
