using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Tests.Server;

public sealed class ConfigRegistryTests
{
    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("100", 100UL)]
    [InlineData("1b", 1UL)]
    [InlineData("1k", 1000UL)]
    [InlineData("1kb", 1024UL)]
    [InlineData("1KB", 1024UL)]
    [InlineData("2m", 2_000_000UL)]
    [InlineData("2mb", 2UL * 1024 * 1024)]
    [InlineData("1g", 1_000_000_000UL)]
    [InlineData("1gb", 1024UL * 1024 * 1024)]
    [InlineData("1Gb", 1024UL * 1024 * 1024)]
    [InlineData("", 0UL)]
    public void MemoryValuesParseWithRedisUnits(string text, ulong expected)
    {
        Assert.True(ConfigValues.TryParseMemory(text, out ulong value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1x")]
    [InlineData("1tb")]
    [InlineData("1 gb")]
    [InlineData("1.5gb")]
    public void MemoryValuesWithASignOrUnknownUnitAreRefused(string text)
    {
        Assert.False(ConfigValues.TryParseMemory(text, out _));
    }

    [Fact]
    public void MemoryParametersAreStoredInServerConfigAndPrintedInBytes()
    {
        var config = new ServerConfig();
        Assert.Null(config.Registry.SetMany([("maxmemory", "1gb"), ("proto-max-bulk-len", "2mb")], allowProtected: false));
        Assert.Equal(1024L * 1024 * 1024, config.MaxMemory);
        Assert.Equal(2L * 1024 * 1024, config.ProtoMaxBulkLen);
        Assert.Equal("1073741824", config.Registry.Find("maxmemory")!.Get());
    }

    [Fact]
    public void ASetThatFailsHalfwayRestoresTheValuesSetBeforeIt()
    {
        var config = new ServerConfig();
        string? error = config.Registry.SetMany([("timeout", "30"), ("hz", "20"), ("maxclients", "x")], allowProtected: false);
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer", error);
        Assert.Equal(0, config.Timeout);
        Assert.Equal(10, config.Hz);
    }

    [Fact]
    public void ProtectedParametersNeedEnableProtectedConfigs()
    {
        var config = new ServerConfig();
        string dir = Directory.CreateTempSubdirectory("redisfast-dir-").FullName;
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
            config.Registry.SetMany([("dir", dir)], allowProtected: false));
        Assert.Null(config.Registry.SetMany([("dir", dir)], allowProtected: true));
        Assert.Equal(dir, config.Dir);
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
            config.Registry.SetMany([("dir", dir + "/missing")], allowProtected: true));
        Directory.Delete(dir);
    }

    [Fact]
    public void AliasesReachTheSameParameter()
    {
        var config = new ServerConfig();
        Assert.Same(config.Registry.Find("replica-read-only"), config.Registry.Find("slave-read-only"));
        Assert.Same(config.Registry.Find("busy-reply-threshold"), config.Registry.Find("LUA-TIME-LIMIT"));
        Assert.Same(config.Registry.Find("replicaof"), config.Registry.Find("slaveof"));
    }

    [Fact]
    public void ClientOutputBufferLimitIsParsedPerClassAndPrintedLikeRedis()
    {
        var config = new ServerConfig();
        ConfigParameter limit = config.Registry.Find("client-output-buffer-limit")!;
        Assert.Equal("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", limit.Get());
        Assert.Null(limit.Set(["normal", "1mb", "512kb", "10", "pubsub", "64mb", "16mb", "90"]));
        Assert.Equal(new OutputBufferLimit(1024 * 1024, 512 * 1024, 10), config.OutputBufferLimitNormal);
        Assert.Equal("normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 67108864 16777216 90", limit.Get());
    }

    [Fact]
    public void HiddenParametersAnswerOnlyToTheirExactName()
    {
        var config = new ServerConfig();
        Assert.Equal([("loop-mode", "inline")], config.Registry.GetMatching(["loop-mode"]));
        Assert.Empty(config.Registry.GetMatching(["loop-*"]));
    }

    [Fact]
    public void LoopModeDirectiveSelectsTheEventLoopMode()
    {
        var config = new ServerConfig();
        ConfigFile.LoadString(config.Registry, "loop-mode dedicated\n");
        Assert.Equal(LoopMode.Dedicated, config.LoopMode);
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'loop-mode') - can't set immutable config",
            config.Registry.SetMany([("loop-mode", "inline")], allowProtected: true));
    }
}
