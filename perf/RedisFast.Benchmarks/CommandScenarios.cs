namespace RedisFast.Benchmarks;

/// <summary>
/// The commands measured, each against keys that <see cref="Setup"/> creates: GET of an existing key, SET
/// overwriting a value of the same size, INCR of an existing counter, MGET of five existing keys.
/// </summary>
internal static class CommandScenarios
{
    /// <summary>16 bytes and not an integer, so SET stores it as bytes and an overwrite reuses the buffer.</summary>
    public const string Value = "value-0123456789";

    public const int PipelineDepth = 16;

    /// <summary>Requests that create the keys the scenarios read and overwrite.</summary>
    public static byte[][] Setup() =>
    [
        Resp.Command("SET", "bench:string", Value),
        Resp.Command("SET", "bench:counter", "0"),
        Resp.Command("SET", "bench:m0", Value),
        Resp.Command("SET", "bench:m1", Value),
        Resp.Command("SET", "bench:m2", Value),
        Resp.Command("SET", "bench:m3", Value),
        Resp.Command("SET", "bench:m4", Value),
    ];

    public static byte[] Request(string command) => command switch
    {
        "PING" => Resp.Command("PING"),
        "GET" => Resp.Command("GET", "bench:string"),
        "SET" => Resp.Command("SET", "bench:string", Value),
        "INCR" => Resp.Command("INCR", "bench:counter"),
        "MGET" => Resp.Command("MGET", "bench:m0", "bench:m1", "bench:m2", "bench:m3", "bench:m4"),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "no such scenario"),
    };

    /// <summary>
    /// Refuses to measure an error path: a command another branch has not delivered yet replies
    /// "-ERR unknown command", which would be timed (and allocates) instead of the command.
    /// </summary>
    public static void EnsureSucceeded(string command, byte[] reply)
    {
        if (reply.Length == 0 || reply[0] != (byte)'-') return;
        string text = Resp.Show(reply);
        if (text.StartsWith("-ERR unknown command", StringComparison.Ordinal))
            throw new InvalidOperationException($"{command}: command not implemented in this build ({text})");
        throw new InvalidOperationException($"{command}: the server replied an error ({text})");
    }
}
