using System.Text;
using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// Loading an RDB image into an empty keyspace, warmed up (start-up also pays the JIT; perf/rdb-save-load.sh
/// measures that end to end against redis-server). Data sets: 200,000 strings (key:N -> value:N, every tenth an
/// integer), or one list, set, hash and sorted set of 50,000 elements each. Reported per key or element.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class RdbLoadBenchmarks
{
    private const int Strings = 200_000;
    private const int Elements = 50_000;

    private RedisServer _server = null!;
    private Connection _connection = null!;
    private string _dir = "";
    private byte[] _image = [];

    [Params("strings", "collections")]
    public string Data { get; set; } = "strings";

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("redisfast-bench-rdb-").FullName;
        _server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning", Dir = _dir, Save = "" });
        _connection = new Connection(_server, null);
        var request = new MemoryStream();
        if (Data == "strings")
        {
            for (int i = 0; i < Strings; i++)
                request.Write(Resp.Command("SET", "key:" + i, i % 10 == 0 ? i.ToString() : "value:" + i));
        }
        else
        {
            for (int i = 0; i < Elements; i += 100)
            {
                var list = new List<string> { "RPUSH", "list" };
                var set = new List<string> { "SADD", "set" };
                var hash = new List<string> { "HSET", "hash" };
                var zset = new List<string> { "ZADD", "zset" };
                for (int j = i; j < i + 100; j++)
                {
                    list.Add("e" + j);
                    set.Add("m" + j);
                    hash.AddRange(["f" + j, "v" + j]);
                    zset.AddRange([(j * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), "z" + j]);
                }
                foreach (List<string> command in new[] { list, set, hash, zset }) request.Write(Resp.Command([.. command]));
            }
        }
        _connection.ExecuteDetached(request.ToArray());
        CommandScenarios.EnsureSucceeded("SAVE", _connection.ExecuteDetachedWithReply(Resp.Command("SAVE")));
        _image = File.ReadAllBytes(Path.Combine(_dir, "dump.rdb"));
        if (!Encoding.ASCII.GetString(_image, 0, 5).Equals("REDIS", StringComparison.Ordinal))
            throw new InvalidOperationException("SAVE wrote no RDB image");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>FLUSHALL, then the whole image; per key (strings) or element (collections).</summary>
    [Benchmark(OperationsPerInvoke = Strings)]
    public long Load()
    {
        _connection.ExecuteDetached(Resp.Command("FLUSHALL"));
        return RdbLoader.Load(_server, _image, "bench.rdb").KeysLoaded;
    }
}
