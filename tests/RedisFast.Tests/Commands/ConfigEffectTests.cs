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

    [Fact]
    public void HashAndSetThresholdsSetByConfigDecideTheEncoding()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG SET hash-max-listpack-entries 2 hash-max-listpack-value 8 set-max-intset-entries 2
            CONFIG GET hash-max-ziplist-entries
            DEL cfgeffect:h cfgeffect:h2 cfgeffect:s
            HSET cfgeffect:h a 1 b 2
            OBJECT ENCODING cfgeffect:h
            HSET cfgeffect:h c 3
            OBJECT ENCODING cfgeffect:h
            HSET cfgeffect:h2 f a-value-longer-than-eight
            OBJECT ENCODING cfgeffect:h2
            SADD cfgeffect:s 1 2
            OBJECT ENCODING cfgeffect:s
            SADD cfgeffect:s 3
            OBJECT ENCODING cfgeffect:s
            CONFIG SET hash-max-listpack-entries 512 hash-max-listpack-value 64 set-max-intset-entries 512
            """));
    }
}
