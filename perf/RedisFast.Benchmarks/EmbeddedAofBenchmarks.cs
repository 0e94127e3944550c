using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// What the AOF adds to the request path of a write (<see cref="EmbeddedCommandBenchmarks"/>, with appendonly):
/// SET with the AOF off, and with appendfsync everysec, where the loop copies the command into the ring and
/// publishes it for the AOF thread (which runs, writing a temporary directory). The difference of the two means is
/// the loop's propagation cost per write; Allocated must stay 0 B.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class EmbeddedAofBenchmarks
{
    private RedisServer _server = null!;
    private Connection _connection = null!;
    private string _dir = "";
    private byte[] _single = [];
    private byte[] _pipeline = [];

    [Params("off", "everysec")]
    public string Aof { get; set; } = "off";

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("redisfast-bench-aof-").FullName;
        var config = new ServerConfig { Port = 0, LogLevel = "warning", Dir = _dir, AppendOnly = Aof != "off" };
        if (config.AppendOnly) config.AppendFsync = Aof;
        _server = new RedisServer(config);
        if (config.AppendOnly) _server.Aof.LoadAndOpen();
        _connection = new Connection(_server, null);
        foreach (byte[] request in CommandScenarios.Setup()) CommandScenarios.EnsureSucceeded("setup", _connection.ExecuteDetachedWithReply(request));
        _single = CommandScenarios.Request("SET");
        _pipeline = Resp.Repeat(_single, CommandScenarios.PipelineDepth);
        CommandScenarios.EnsureSucceeded("SET", _connection.ExecuteDetachedWithReply(_single));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>One SET per read.</summary>
    [Benchmark(Baseline = true)]
    public int Single() => _connection.ExecuteDetached(_single);

    /// <summary>16 SETs in one read (redis-benchmark -P 16); reported per command.</summary>
    [Benchmark(OperationsPerInvoke = CommandScenarios.PipelineDepth)]
    public int Pipeline16() => _connection.ExecuteDetached(_pipeline);
}
