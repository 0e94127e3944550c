using RedisFast.Commands;

namespace RedisFast.Server;

/// <summary>
/// Log lines in Redis's format (<c>pid:M 21 Nov 2026 05:25:00.123 * message</c>) to stdout or the logfile.
/// Levels as in Redis: debug ".", verbose "-", notice "*", warning "#".
/// </summary>
public sealed class ServerLog
{
    private readonly object _gate = new();
    private readonly TextWriter _writer;
    private readonly int _level;

    public ServerLog(ServerConfig config)
    {
        _level = config.LogLevel switch { "debug" => 0, "verbose" => 1, "notice" => 2, "warning" => 3, "nothing" => 4, _ => 2 };
        _writer = string.IsNullOrEmpty(config.LogFile)
            ? Console.Out
            : new StreamWriter(new FileStream(config.LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void Debug(string message) => Write(0, '.', message);
    public void Verbose(string message) => Write(1, '-', message);
    public void Notice(string message) => Write(2, '*', message);
    public void Warning(string message) => Write(3, '#', message);

    internal void ProtocolError(Client client, string error) =>
        Verbose($"Protocol error ({error}) from client: {client.Describe()}");

    private void Write(int level, char mark, string message)
    {
        if (level < _level) return;
        string line = $"{Environment.ProcessId}:M {DateTime.Now:dd MMM yyyy HH:mm:ss.fff} {mark} {message}";
        lock (_gate) _writer.WriteLine(line);
    }
}
