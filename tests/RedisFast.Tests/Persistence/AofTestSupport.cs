using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>Temp directories, in-process servers with the AOF on, child processes (RedisFast host, redis-server) for AOF tests.</summary>
internal static class AofTestSupport
{
    public static string TempDir() => Directory.CreateTempSubdirectory("redisfast-aof-").FullName;

    /// <summary>
    /// An in-process server with appendonly yes in <paramref name="dir"/> (not started), writing base files in the AOF
    /// format (aof-use-rdb-preamble no, what these tests compare byte for byte); RDB base files have tests of their own.
    /// </summary>
    public static RedisServer NewServer(string dir, string fsync = "everysec", Action<ServerConfig>? configure = null)
    {
        var config = new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = dir, LogLevel = "warning", Save = "", AofUseRdbPreamble = false };
        config.AppendOnly = true;
        config.AppendFsync = fsync;
        configure?.Invoke(config);
        return new RedisServer(config);
    }

    /// <summary>Waits until no AOF rewrite runs or is scheduled (INFO persistence), as redis tests' waitForBgrewriteaof.</summary>
    public static void WaitForRewrite(RawClient c)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            string info = c.Call("INFO", "persistence");
            if (info.Contains("aof_rewrite_in_progress:0") && info.Contains("aof_rewrite_scheduled:0")) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("AOF rewrite still running: " + info);
            Thread.Sleep(10);
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> on RedisFast and on redis-server 7.0, each with appendfsync always (every reply
    /// means its bytes are in the file), and asserts the same replies and the same first incr file.
    /// </summary>
    public static void AssertSameIncrAsRedis(string[][] script)
    {
        string fastDir = TempDir();
        var fastReplies = new List<string>();
        using (var server = NewServer(fastDir, "always"))
        {
            server.Start();
            using var c = new RawClient("127.0.0.1", server.Port);
            foreach (string[] command in script) fastReplies.Add(c.Call(command));
        }
        string realDir = TempDir();
        int port = RealRedisFixture.FreePort();
        var redis = StartRedis(port, "--dir", realDir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--appendfsync", "always");
        var realReplies = new List<string>();
        using (var c = new RawClient("127.0.0.1", port))
        {
            foreach (string[] command in script) realReplies.Add(c.Call(command));
        }
        Shutdown(port, redis);
        Assert.Equal(realReplies, fastReplies);
        Assert.Equal(File.ReadAllText(IncrFile(realDir)), File.ReadAllText(IncrFile(fastDir)));
    }

    public static string IncrFile(string dir, int seq = 1) => Path.Combine(dir, "appendonlydir", $"appendonly.aof.{seq}.incr.aof");

    /// <summary>Runs a program to completion and returns (exit code, stdout + stderr).</summary>
    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000)) p.Kill();
        return (p.ExitCode, output);
    }

    public static void WaitForPort(int port, Process? process = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var s = new TcpClient("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                if (process is { HasExited: true }) throw new InvalidOperationException("process exited before listening");
                if (DateTime.UtcNow > deadline) throw;
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Starts redis-server 7.0 as a child process with the given arguments and waits until it listens.</summary>
    public static Process StartRedis(int port, params string[] args)
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString());
        start.ArgumentList.Add("--bind");
        start.ArgumentList.Add("127.0.0.1");
        start.ArgumentList.Add("--save");
        start.ArgumentList.Add("");
        foreach (string a in args) start.ArgumentList.Add(a);
        var p = Process.Start(start)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            WaitForPort(port, p);
        }
        catch
        {
            // Alive but never listening: do not leave it running after the test.
            if (!p.HasExited) p.Kill();
            p.Dispose();
            throw;
        }
        // Listening comes before loading the AOF: wait until commands are served (no -LOADING).
        using (var c = new RawClient("127.0.0.1", port))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (c.Call("PING").StartsWith("-LOADING") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        }
        return p;
    }

    /// <summary>SHUTDOWN through a raw client, then waits for the process.</summary>
    public static void Shutdown(int port, Process p)
    {
        using (var c = new RawClient("127.0.0.1", port)) c.Send(RawClient.Encode("SHUTDOWN"));
        if (!p.WaitForExit(30_000)) p.Kill();
        p.Dispose();
    }
}

/// <summary>The RedisFast host (RedisFast.Server.dll) as a child process, for crash tests (kill -9).</summary>
internal sealed class AofHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AofHostProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static AofHostProcess Start(int port, string dir, params string[] extra)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "RedisFast.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.ArgumentList.Add(dll);
        foreach (string a in (string[])["--port", port.ToString(), "--dir", dir, "--save", "", "--appendonly", "yes"]) start.ArgumentList.Add(a);
        foreach (string a in extra) start.ArgumentList.Add(a);
        var host = new AofHostProcess(Process.Start(start)!);
        host._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (host._output) host._output.Append(e.Data).Append('\n');
        };
        host._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (host._output) host._output.Append(e.Data).Append('\n');
        };
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            AofTestSupport.WaitForPort(port, host._process);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"host did not start: {host.Output}", e);
        }
        return host;
    }

    /// <summary>kill -9: no chance to flush anything.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(30_000)) throw new TimeoutException(Output);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
