using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Benchmarks;

/// <summary>
/// The full path over loopback TCP: an in-process server on port 0 and one raw blocking socket client that sends
/// a request (or 16 pipelined in one write) and reads until the whole expected reply has arrived. Mean is per
/// command and includes both kernels' loopback work, the socket engine hand-off and the client's own syscalls,
/// so it is a latency figure for one connection, not a throughput figure (run-bench.sh measures that).
/// Allocated counts every thread of the process (BenchmarkDotNet reads the process-wide allocation counter):
/// the client (span-based Send/Receive: nothing), the server's request path, and the runtime's socket engine
/// and thread-pool hand-offs. Anything above 0 B here that the embedded benchmark does not show is in the
/// socket layer.
/// Socket completions run on the thread pool by default; the engine-thread variant from DESIGN.md is
/// <c>--envVars DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:1 DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT:1</c>.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class SocketBenchmarks
{
    private RedisServer _server = null!;
    private Socket _client = null!;
    private byte[] _single = [];
    private byte[] _pipeline = [];
    private byte[] _receive = [];
    private int _replyLength;

    [Params("GET", "SET")]
    public string Command { get; set; } = "GET";

    [Params(LoopMode.Inline, LoopMode.Dedicated)]
    public LoopMode Loop { get; set; } = LoopMode.Inline;

    [GlobalSetup]
    public void Setup()
    {
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], LogLevel = "warning", Dir = Path.GetTempPath(), LoopMode = Loop };
        _server = new RedisServer(config);
        _server.Start();
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        _client.Connect(new IPEndPoint(IPAddress.Loopback, _server.Port));
        _receive = new byte[64 * 1024];
        foreach (byte[] request in CommandScenarios.Setup())
        {
            _client.Send(request);
            _replyLength = "+OK\r\n".Length;
            ReceiveReplies(1);
            CommandScenarios.EnsureSucceeded("setup", _receive.AsSpan(0, _replyLength).ToArray());
        }
        _single = CommandScenarios.Request(Command);
        _pipeline = Resp.Repeat(_single, CommandScenarios.PipelineDepth);
        // Fixed-length replies, so the client knows when a reply is complete without parsing.
        byte[] expected = Command switch
        {
            "GET" => Encoding.UTF8.GetBytes($"${CommandScenarios.Value.Length}\r\n{CommandScenarios.Value}\r\n"),
            "SET" => "+OK\r\n"u8.ToArray(),
            _ => throw new InvalidOperationException($"{Command}: no fixed reply known"),
        };
        _replyLength = expected.Length;
        _client.Send(_single);
        ReceiveReplies(1);
        byte[] actual = _receive.AsSpan(0, _replyLength).ToArray();
        CommandScenarios.EnsureSucceeded(Command, actual);
        if (!actual.AsSpan().SequenceEqual(expected))
            throw new InvalidOperationException($"{Command}: expected {Resp.Show(expected)}, got {Resp.Show(actual)}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.Dispose();
    }

    /// <summary>Send one request, wait for its reply.</summary>
    [Benchmark(Baseline = true)]
    public int RequestResponse()
    {
        _client.Send(_single);
        return ReceiveReplies(1);
    }

    /// <summary>Send 16 requests in one write, wait for all 16 replies; reported per command.</summary>
    [Benchmark(OperationsPerInvoke = CommandScenarios.PipelineDepth)]
    public int Pipeline16()
    {
        _client.Send(_pipeline);
        return ReceiveReplies(CommandScenarios.PipelineDepth);
    }

    private int ReceiveReplies(int count)
    {
        int expected = _replyLength * count;
        int received = 0;
        while (received < expected)
        {
            int n = _client.Receive(_receive.AsSpan(received, expected - received));
            if (n == 0) throw new InvalidOperationException("the server closed the connection");
            received += n;
        }
        return received;
    }
}
