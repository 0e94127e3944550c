using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// What maxmemory costs the request path when the limit is not reached (embedded, as
/// <see cref="EmbeddedCommandBenchmarks"/>, 16 commands per read): GET and SET of one key with no limit and with one
/// (the check before every command, and the memory count settled for it). Reported per command; 0 B allocated.
/// <see cref="EvictionBenchmarks"/> measures SETs that evict.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class MaxMemoryBenchmarks
{
    private RedisServer _server = null!;
    private Connection _connection = null!;
    private byte[] _pipeline = [];

    [Params("none", "not-reached")]
    public string Limit { get; set; } = "none";

    [Params("GET", "SET")]
    public string Command { get; set; } = "GET";

    [GlobalSetup]
    public void Setup()
    {
        _server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning", Dir = Path.GetTempPath(), SlowlogLogSlowerThan = -1 });
        _connection = new Connection(_server, null);
        foreach (byte[] request in CommandScenarios.Setup()) Run(request);
        if (Limit == "not-reached") Run(Resp.Command("CONFIG", "SET", "maxmemory", "1gb"));
        _pipeline = Resp.Repeat(CommandScenarios.Request(Command), CommandScenarios.PipelineDepth);
        CommandScenarios.EnsureSucceeded(Command, _connection.ExecuteDetachedWithReply(_pipeline));
    }

    private void Run(byte[] request) => CommandScenarios.EnsureSucceeded("setup", _connection.ExecuteDetachedWithReply(request));

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    /// <summary>GET or SET of one key, 16 per read.</summary>
    [Benchmark(OperationsPerInvoke = CommandScenarios.PipelineDepth)]
    public int Pipeline16() => _connection.ExecuteDetached(_pipeline);
}
