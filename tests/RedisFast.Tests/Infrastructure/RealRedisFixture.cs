using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// A real redis-server 7.0 (the reference) started on 127.0.0.1 and a free port, with persistence off, for
/// differential tests. .ci/run installs it; a machine without it fails these tests with a clear message.
/// </summary>
public sealed class RealRedisFixture : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    public RealRedisFixture()
    {
        string? path = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed: run `apt-get install -y redis-server` (.ci/run does).");
        Port = FreePort();
        _dir = Directory.CreateTempSubdirectory("redisfast-ref-").FullName;
        var start = new ProcessStartInfo(path)
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir, "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilReady();
    }

    public int Port { get; }

    public RawClient Connect() => new("127.0.0.1", Port);

    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var c = Connect();
                if (c.Call("PING") == "+PONG\r\n") return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new InvalidOperationException($"redis-server did not start on port {Port}");
    }

    public static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static int _nextPort = 20_000 + Random.Shared.Next(5_000);

    /// <summary>
    /// A port for a server a test starts as a child process: below the kernel's ephemeral range (32768 and up on
    /// Linux), where the in-process servers bound to port 0 get theirs, and never the same one twice in this process.
    /// A port that was merely free when asked (the old way) could be taken by a port-0 bind before the child bound
    /// it, and the child's readiness check then talked to the wrong server.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            int port = Interlocked.Increment(ref _nextPort);
            if (port > 32_000)
            {
                Interlocked.CompareExchange(ref _nextPort, 20_000, port);
                continue;
            }
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something outside this process: the next one.
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A RedisFast server and a real redis-server, side by side, for differential tests.</summary>
public sealed class DifferentialFixture : IDisposable
{
    public ServerFixture Fast { get; } = new();
    public RealRedisFixture Real { get; } = new();

    public void Dispose()
    {
        Fast.Dispose();
        Real.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DifferentialCollection : ICollectionFixture<DifferentialFixture>
{
    public const string Name = "differential";
}
