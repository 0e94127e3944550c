using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// A redis-server 7.0 child process (DEBUG enabled, no automatic saves) that writes the dump.rdb files the loader
/// tests read, and answers for what they must contain. Tests sharing it start with FLUSHALL and the default config.
/// </summary>
public sealed class RdbRedisFixture : IDisposable
{
    private readonly string _dir = TestDirectory.Create();
    private readonly RedisChild _redis;

    public RdbRedisFixture() => _redis = RedisChild.Start(_dir, "dump.rdb", "--enable-debug-command", "yes");

    /// <summary>FLUSHALL and the settings tests change back to their defaults.</summary>
    public RawClient Fresh()
    {
        RawClient c = _redis.Connect();
        foreach (string[] command in (string[][])[
            ["FLUSHALL"],
            ["CONFIG", "SET", "list-max-listpack-size", "-2"],
            ["CONFIG", "SET", "list-compress-depth", "0"],
            ["CONFIG", "SET", "rdbcompression", "yes"],
            ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824"],
            ["DEBUG", "SET-ACTIVE-EXPIRE", "1"]])
        {
            Assert.Equal("+OK\r\n", c.Call(command));
        }
        return c;
    }

    /// <summary>SAVE, then the bytes of dump.rdb.</summary>
    public byte[] Save(RawClient c)
    {
        Assert.Equal("+OK\r\n", c.Call("SAVE"));
        return File.ReadAllBytes(Path.Combine(_dir, "dump.rdb"));
    }

    public void Dispose()
    {
        _redis.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
