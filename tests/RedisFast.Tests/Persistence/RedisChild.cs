using System.Diagnostics;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// A redis-server 7.0 child on a port of its own with persistence off, started and shut down by
/// <see cref="AofTestSupport.StartRedis"/> and <see cref="AofTestSupport.Shutdown"/>, logging to a file whose text
/// assertion messages can show.
/// </summary>
internal sealed class RedisChild : IDisposable
{
    private readonly Process _process;
    private readonly string _log;

    private RedisChild(Process process, int port, string log)
    {
        _process = process;
        Port = port;
        _log = log;
    }

    public int Port { get; }

    /// <summary>The server's log so far.</summary>
    public string Log => ReadLog(_log);

    /// <summary>Starts redis-server on <paramref name="dir"/>/<paramref name="dbFile"/> (absent: empty) and waits until it serves commands.</summary>
    public static RedisChild Start(string dir, string dbFile, params string[] extra)
    {
        int port = RealRedisFixture.FreePort();
        string log = Path.Combine(dir, $"redis-{port}.log");
        try
        {
            Process process = AofTestSupport.StartRedis(port, ["--appendonly", "no", "--dir", dir, "--dbfilename", dbFile, "--logfile", log, .. extra]);
            return new RedisChild(process, port, log);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException($"redis-server did not start on {dbFile}: {e.Message}\n{ReadLog(log)}", e);
        }
    }

    public RawClient Connect() => new("127.0.0.1", Port);

    private static string ReadLog(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    public void Dispose()
    {
        if (_process.HasExited) _process.Dispose();
        else AofTestSupport.Shutdown(Port, _process);
    }
}
