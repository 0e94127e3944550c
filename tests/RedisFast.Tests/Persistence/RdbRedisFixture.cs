using System.Diagnostics;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;
using static RedisFast.Tests.Persistence.RdbLoaderTestSupport;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// A redis-server 7.0 child process (DEBUG enabled, no automatic saves) that writes the dump.rdb files the loader
/// tests read, and answers for what they must contain. Tests sharing it start with FLUSHALL and the default config.
/// </summary>
public sealed class RdbRedisFixture : IDisposable
{
    private readonly Process _process;

    public RdbRedisFixture()
    {
        Dir = Directory.CreateTempSubdirectory("redisfast-rdb-ref-").FullName;
        Port = RealRedisFixture.FreePort();
        _process = AofTestSupport.StartRedis(Port, "--dir", Dir, "--appendonly", "no", "--enable-debug-command", "yes");
    }

    public string Dir { get; }

    public int Port { get; }

    public RawClient Connect() => new("127.0.0.1", Port);

    /// <summary>FLUSHALL and the settings tests change back to their defaults.</summary>
    public RawClient Fresh()
    {
        RawClient c = Connect();
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
        return File.ReadAllBytes(Path.Combine(Dir, "dump.rdb"));
    }

    /// <summary>
    /// Every key of every database of the reference and of <paramref name="fast"/>: the same keys, types and values
    /// (sets and hashes compared sorted), and TTLs within a second of each other.
    /// </summary>
    public static void AssertSameData(RawClient real, RedisServer fast)
    {
        var c = new Connection(fast, null);
        try
        {
            for (int db = 0; db < fast.Config.Databases; db++)
            {
                string select = db.ToString();
                Assert.Equal("+OK\r\n", real.Call("SELECT", select));
                Assert.Equal("+OK\r\n", Call(c, "SELECT", select));
                List<string> keys = Sorted(ParseArray(Call(real, B("KEYS"), B("*"))));
                Assert.Equal(keys, Sorted(ParseArray(Call(c, "KEYS", "*"))));
                foreach (string key in keys)
                {
                    byte[] k = B(key);
                    string type = Call(real, B("TYPE"), k);
                    Assert.Equal($"{db}/{key}: {type}", $"{db}/{key}: {Call(c, B("TYPE"), k)}");
                    Assert.Equal(Value(type, key, a => Call(real, a)), Value(type, key, a => Call(c, a)));
                    long realTtl = long.Parse(Call(real, B("PTTL"), k).Trim(':', '\r', '\n'));
                    long fastTtl = long.Parse(Call(c, B("PTTL"), k).Trim(':', '\r', '\n'));
                    if (realTtl < 0) Assert.Equal($"{db}/{key}: {realTtl}", $"{db}/{key}: {fastTtl}");
                    else Assert.True(Math.Abs(realTtl - fastTtl) <= 1000, $"{db}/{key}: PTTL {realTtl} on redis-server, {fastTtl} on RedisFast");
                }
            }
        }
        finally
        {
            c.Close();
        }
    }

    /// <summary>The value as a list of strings, the key first, so a difference names it.</summary>
    private static List<string> Value(string type, string key, Func<byte[][], string> call)
    {
        byte[] k = B(key);
        List<string> value = [key];
        switch (type)
        {
            case "+string\r\n":
                value.Add(call([B("GET"), k]));
                break;
            case "+list\r\n":
                value.Add(call([B("LRANGE"), k, B("0"), B("-1")]));
                break;
            case "+set\r\n":
                value.AddRange(Sorted(ParseArray(call([B("SMEMBERS"), k]))));
                break;
            case "+hash\r\n":
                List<string?> flat = ParseArray(call([B("HGETALL"), k]));
                value.AddRange(Enumerable.Range(0, flat.Count / 2).Select(i => flat[2 * i] + "\0=\0" + flat[2 * i + 1]).Order(StringComparer.Ordinal));
                break;
            case "+zset\r\n":
                value.Add(call([B("ZRANGE"), k, B("0"), B("-1"), B("WITHSCORES")]));
                break;
            default:
                throw new InvalidOperationException($"unexpected type {type} of {key}");
        }
        return value;
    }

    private static List<string> Sorted(List<string?> items) => [.. items.Select(i => i!).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        AofTestSupport.Shutdown(Port, _process);
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}
