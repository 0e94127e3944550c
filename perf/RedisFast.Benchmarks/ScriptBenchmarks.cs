using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// Scripts with no socket: EVALSHA and FCALL of a one-SET script, and EVAL of the same body (hashed and looked up each
/// call), through a detached connection as <see cref="EmbeddedCommandBenchmarks"/> runs commands. Mean is per call;
/// Allocated shows what a script call costs the managed heap (the Lua state allocates outside it).
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class ScriptBenchmarks
{
    private const string Body = "return redis.call('set', KEYS[1], ARGV[1])";

    private RedisServer _server = null!;
    private Connection _connection = null!;
    private byte[] _request = [];

    [Params("EVAL", "EVALSHA", "FCALL")]
    public string Command { get; set; } = "EVALSHA";

    [GlobalSetup]
    public void Setup()
    {
        _server = new RedisServer(new ServerConfig { Port = 0, LogLevel = "warning", Dir = Path.GetTempPath() });
        _connection = new Connection(_server, null);
        string sha = Reply(Resp.Command("SCRIPT", "LOAD", Body)).Split("\r\n")[1];
        Reply(Resp.Command("FUNCTION", "LOAD", "#!lua name=bench\nredis.register_function('bench_set', function(keys, args) return redis.call('set', keys[1], args[1]) end)"));
        _request = Command switch
        {
            "EVAL" => Resp.Command("EVAL", Body, "1", "key", "value"),
            "EVALSHA" => Resp.Command("EVALSHA", sha, "1", "key", "value"),
            _ => Resp.Command("FCALL", "bench_set", "1", "key", "value"),
        };
        string reply = Reply(_request);
        if (reply != "+OK\r\n") throw new InvalidOperationException($"{Command}: {reply}");
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    [Benchmark]
    public int Call() => _connection.ExecuteDetached(_request);

    private string Reply(byte[] request) => System.Text.Encoding.UTF8.GetString(_connection.ExecuteDetachedWithReply(request));
}
