using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// SETs under a maxmemory reached, with allkeys-lru (embedded, 16 commands per read): 10,000 keys fill the limit,
/// then each SET writes one of 65,536 names in turn; only about 10,000 fit, and LRU evicts the oldest, which are the
/// next in turn, so every SET adds a key and the next command evicts one (sampling, the pool, the delete, the memory
/// count). Reported per command; a new key allocates its name and value.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class EvictionBenchmarks
{
    private const int FilledKeys = 10_000;
    private const int Pipelines = 4096;

    private RedisServer _server = null!;
    private Connection _connection = null!;
    private byte[][] _pipelines = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning", Dir = Path.GetTempPath(), SlowlogLogSlowerThan = -1 });
        _connection = new Connection(_server, null);
        for (int i = 0; i < FilledKeys; i++) Run(Resp.Command("SET", "filled:" + i, CommandScenarios.Value));
        Run(Resp.Command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        Run(Resp.Command("CONFIG", "SET", "maxmemory", _server.UsedMemory.ToString()));
        _pipelines = new byte[Pipelines][];
        for (int p = 0; p < Pipelines; p++)
        {
            var commands = new byte[CommandScenarios.PipelineDepth][];
            for (int i = 0; i < commands.Length; i++) commands[i] = Resp.Command("SET", $"new:{p}:{i}", CommandScenarios.Value);
            _pipelines[p] = commands.SelectMany(c => c).ToArray();
        }
        // One turn through the names: the filled keys are gone, every SET from now on evicts.
        for (int p = 0; p < Pipelines; p++) EvictingSet16();
    }

    private void Run(byte[] request) => CommandScenarios.EnsureSucceeded("setup", _connection.ExecuteDetachedWithReply(request));

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_server.Stats.EvictedKeys == 0) throw new InvalidOperationException("nothing was evicted: the benchmark measured plain SETs");
        _server.Dispose();
    }

    [Benchmark(OperationsPerInvoke = CommandScenarios.PipelineDepth)]
    public int EvictingSet16()
    {
        byte[] pipeline = _pipelines[_next];
        _next = (_next + 1) % Pipelines;
        return _connection.ExecuteDetached(pipeline);
    }
}
