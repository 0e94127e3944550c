using System.Runtime.CompilerServices;
using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>
/// The allocation budget of the request path (STYLE.md: no allocation per command for GET, SET, INCR, PING,
/// MGET): parse in place, look up, run the handler, write the reply, all on one thread through a detached
/// connection, counted with <see cref="GC.GetAllocatedBytesForCurrentThread"/>. Bytes do not depend on the
/// machine, so unlike speed this may be asserted. perf/RedisFast.Benchmarks (EmbeddedCommandBenchmarks, with
/// MemoryDiagnoser) measures the same path and shows where a regression allocates.
/// </summary>
public sealed class AllocationBudgetTests : IDisposable
{
    private const int WarmupCommands = 2_000;
    private const int MeasuredCommands = 10_000;
    private const int PipelineDepth = 16;

    /// <summary>16 bytes and not an integer: SET keeps it as bytes, and an overwrite reuses the buffer.</summary>
    private const string Value = "value-0123456789";

    /// <summary>
    /// The budget: zero bytes per command. The total allowed over <see cref="MeasuredCommands"/> is zero too:
    /// after the warm-up every method on the path has been jitted, and tier-1 recompilation happens on the
    /// runtime's background thread, so a one-off allocation would be a real one (a lazily created buffer,
    /// a grown ring), which is worth knowing about rather than absorbing.
    /// </summary>
    private const long AllowedTotalBytes = 0;

    private readonly RedisServer _server;
    private readonly Connection _connection;

    public AllocationBudgetTests()
    {
        // The slowlog off: on a loaded machine a command preempted for more than 10 ms is logged, and a slowlog entry
        // allocates (seen in a fresh-clone CI run next to another test run: a few KB per window in every window).
        _server = new RedisServer(new ServerConfig
        {
            Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning", SlowlogLogSlowerThan = -1,
        });
        _connection = new Connection(_server, null);
        string[][] setup =
        [
            ["SET", "budget:string", Value],
            ["SET", "budget:counter", "0"],
            ["SET", "budget:m0", Value],
            ["SET", "budget:m1", Value],
            ["SET", "budget:m2", Value],
            ["SET", "budget:m3", Value],
            ["SET", "budget:m4", Value],
        ];
        foreach (string[] command in setup)
        {
            string reply = Encoding.UTF8.GetString(_connection.ExecuteDetachedWithReply(RawClient.Encode(command)));
            Assert.Equal("+OK\r\n", reply);
        }
    }

    public void Dispose() => _server.Dispose();

    [Theory]
    [InlineData("PING")]
    [InlineData("GET")]
    [InlineData("SET")]
    [InlineData("INCR")]
    [InlineData("MGET")]
    public void CommandSentAloneAllocatesNothingOnTheRequestPath(string command)
    {
        AssertAllocatesNothing(command, Request(command), commandsPerRequest: 1);
    }

    [Theory]
    [InlineData("PING")]
    [InlineData("GET")]
    [InlineData("SET")]
    [InlineData("INCR")]
    [InlineData("MGET")]
    public void CommandPipelinedSixteenDeepAllocatesNothingOnTheRequestPath(string command)
    {
        byte[] single = Request(command);
        var pipeline = new byte[single.Length * PipelineDepth];
        for (int i = 0; i < PipelineDepth; i++) single.CopyTo(pipeline, i * single.Length);
        AssertAllocatesNothing(command, pipeline, commandsPerRequest: PipelineDepth);
    }

    [Theory]
    [InlineData("EVAL")]
    [InlineData("EVALSHA")]
    [InlineData("FCALL")]
    public void AScriptCallAllocatesNothingOnTheManagedHeap(string command)
    {
        // A one-SET script: the call, its redis.call and both replies go through the managed heap without allocating
        // (the Lua state allocates in its own heap). Each call counts as two commands: the script's and its SET.
        const string Body = "return redis.call('set', KEYS[1], ARGV[1])";
        string sha = Encoding.UTF8.GetString(_connection.ExecuteDetachedWithReply(RawClient.Encode("SCRIPT", "LOAD", Body))).Split("\r\n")[1];
        _connection.ExecuteDetachedWithReply(RawClient.Encode("FUNCTION", "LOAD",
            "#!lua name=budget\nredis.register_function('budget_set', function(keys, args) return redis.call('set', keys[1], args[1]) end)"));
        byte[] request = command switch
        {
            "EVAL" => RawClient.Encode("EVAL", Body, "1", "budget:string", Value),
            "EVALSHA" => RawClient.Encode("EVALSHA", sha, "1", "budget:string", Value),
            _ => RawClient.Encode("FCALL", "budget_set", "1", "budget:string", Value),
        };
        AssertAllocatesNothing(command, request, commandsPerRequest: 1, processedPerRequest: 2);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("SET")]
    public void UnderAMaxmemoryNotReachedACommandAllocatesNothing(string command)
    {
        // The check before every command (performEvictions finding the memory used within the limit) and the byte
        // count kept as the SET's slot changes (KeyspaceMemory) allocate nothing; an eviction may (a key re-created).
        _connection.ExecuteDetached(RawClient.Encode("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        _connection.ExecuteDetached(RawClient.Encode("CONFIG", "SET", "maxmemory", "1gb"));
        AssertAllocatesNothing(command, Request(command), commandsPerRequest: 1);
        Assert.Equal(0, _server.Stats.EvictedKeys);
    }

    private static byte[] Request(string command) => command switch
    {
        "PING" => RawClient.Encode("PING"),
        "GET" => RawClient.Encode("GET", "budget:string"),
        "SET" => RawClient.Encode("SET", "budget:string", Value),
        "INCR" => RawClient.Encode("INCR", "budget:counter"),
        "MGET" => RawClient.Encode("MGET", "budget:m0", "budget:m1", "budget:m2", "budget:m3", "budget:m4"),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    /// <summary>
    /// The measured loop. Fully optimized from the first call: a tier-0 loop this long is moved to optimized
    /// code by on-stack replacement mid-loop, and that transition alone shows up as 32 bytes on this thread
    /// (measured: the first test of a run, and gone with DOTNET_TC_OnStackReplacement=0 or DOTNET_TieredPGO=0).
    /// That is the test's own loop, not the server's; the server code it calls still tiers up normally.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private long Run(byte[] request, int requests)
    {
        long replyBytes = 0;
        for (int i = 0; i < requests; i++) replyBytes += _connection.ExecuteDetached(request);
        return replyBytes;
    }

    private void AssertAllocatesNothing(string command, byte[] request, int commandsPerRequest, int processedPerRequest = 0)
    {
        if (processedPerRequest == 0) processedPerRequest = commandsPerRequest;
        // An unimplemented command replies "-ERR unknown command" and its error path allocates (the message is
        // formatted): measuring that would say nothing about the command, so refuse loudly.
        string replies = Encoding.UTF8.GetString(_connection.ExecuteDetachedWithReply(request));
        string first = replies[..(replies.IndexOf("\r\n", StringComparison.Ordinal) + 2)];
        if (first.StartsWith("-ERR unknown command", StringComparison.Ordinal)) Assert.Fail($"{command}: command not implemented (it replied {first.TrimEnd()})");
        Assert.False(first.StartsWith('-'), $"{command} replied an error: {first}");

        Run(request, WarmupCommands / commandsPerRequest);

        // Up to three windows of MeasuredCommands each; one must allocate nothing. A per-command allocation of even
        // one byte shows in every window (>= MeasuredCommands bytes); what a window can catch once is the runtime
        // itself: under load, tier-1 code for a server method can arrive late, and the on-stack replacement that
        // stands in for it allocates 32 bytes on this thread one time (seen once in a full run right after a build).
        int requests = MeasuredCommands / commandsPerRequest;
        long allocated = 0;
        for (int window = 0; window < 3; window++)
        {
            long errorsBefore = _connection.Client.Reply.ErrorCount;
            long processedBefore = _server.Stats.CommandsProcessed;
            long before = GC.GetAllocatedBytesForCurrentThread();
            long replyBytes = Run(request, requests);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // The loop measured what it claims: every command ran, none replied an error, and replies were written.
            Assert.Equal(processedBefore + (long)requests * processedPerRequest, _server.Stats.CommandsProcessed);
            Assert.Equal(errorsBefore, _connection.Client.Reply.ErrorCount);
            Assert.True(replyBytes > 0);
            if (allocated == 0) break;
            Assert.True(allocated < MeasuredCommands, $"{command}: {allocated} bytes over {requests * commandsPerRequest} commands: that is per command");
        }
        Assert.True(
            allocated <= AllowedTotalBytes,
            $"{command} (x{commandsPerRequest} per request): {allocated} bytes allocated over {requests * commandsPerRequest} commands " +
            $"({(double)allocated / (requests * commandsPerRequest):F2} B per command); the budget is 0 B per command");
    }
}
