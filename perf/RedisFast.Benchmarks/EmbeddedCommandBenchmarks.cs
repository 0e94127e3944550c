using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// The request path with no socket: RESP parse in place, command lookup and arity check, the handler on the
/// keyspace, the reply into the output buffer. A server is constructed but not started (no listener, no cron
/// timer) and a detached connection runs pre-encoded requests through <see cref="Connection.ExecuteDetached"/>,
/// exactly as a receive would. Mean is per command (the pipeline case divides by its 16 commands); Allocated
/// must be 0 B for every case: that is the allocation budget (tests/.../AllocationBudgetTests.cs asserts it).
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class EmbeddedCommandBenchmarks
{
    private RedisServer _server = null!;
    private Connection _connection = null!;
    private byte[] _single = [];
    private byte[] _pipeline = [];

    [Params("PING", "GET", "SET", "INCR", "MGET")]
    public string Command { get; set; } = "PING";

    [GlobalSetup]
    public void Setup()
    {
        _server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning", Dir = Path.GetTempPath() });
        _connection = new Connection(_server, null);
        foreach (byte[] request in CommandScenarios.Setup()) CommandScenarios.EnsureSucceeded("setup", _connection.ExecuteDetachedWithReply(request));
        _single = CommandScenarios.Request(Command);
        _pipeline = Resp.Repeat(_single, CommandScenarios.PipelineDepth);
        CommandScenarios.EnsureSucceeded(Command, _connection.ExecuteDetachedWithReply(_single));
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    /// <summary>One command per read, as a client waiting for each reply sends them.</summary>
    [Benchmark(Baseline = true)]
    public int Single() => _connection.ExecuteDetached(_single);

    /// <summary>16 commands in one read (redis-benchmark -P 16); reported per command.</summary>
    [Benchmark(OperationsPerInvoke = CommandScenarios.PipelineDepth)]
    public int Pipeline16() => _connection.ExecuteDetached(_pipeline);
}
