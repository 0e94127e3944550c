using System.Diagnostics;
using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Server;

/// <summary>The RedisFast.Server host run as a child process (dotnet RedisFast.Server.dll ...), like redis-server.</summary>
public sealed class HostProcessTests
{
    [Fact]
    public void HostStartsLogsReadyAndShutdownStopsItWithExitCodeZero()
    {
        int port = RealRedisFixture.FreePort();
        using var host = HostProcess.Start("--port", port.ToString(), "--save", "");
        host.WaitForLog("Ready to accept connections");
        // redis-server's order: bound and initialized, then the data set loaded, then ready.
        string output = host.Output;
        int running = output.IndexOf($"Running mode=standalone, port={port}.", StringComparison.Ordinal);
        int initialized = output.IndexOf("Server initialized", StringComparison.Ordinal);
        int ready = output.IndexOf("Ready to accept connections", StringComparison.Ordinal);
        Assert.True(running >= 0 && running < initialized && initialized < ready, output);
        using (var c = new RawClient("127.0.0.1", port))
        {
            Assert.Equal("+PONG\r\n", c.Call("PING"));
            c.Send(RawClient.Encode("SHUTDOWN"));
            // Redis closes the connection without replying to a successful SHUTDOWN.
            Assert.True(c.IsClosedByServer());
        }
        Assert.Equal(0, host.WaitForExit());
        Assert.Contains("User requested shutdown...", host.Output);
        Assert.Contains("Redis is now ready to exit, bye bye...", host.Output);
    }

    [Fact]
    public void LoopModeDirectiveStartsTheHostWithADedicatedLoopThread()
    {
        int port = RealRedisFixture.FreePort();
        using var host = HostProcess.Start("--port", port.ToString(), "--loop-mode", "dedicated");
        host.WaitForLog("Ready to accept connections");
        using (var c = new RawClient("127.0.0.1", port))
        {
            Assert.Equal("*2\r\n$9\r\nloop-mode\r\n$9\r\ndedicated\r\n", c.Call("CONFIG", "GET", "loop-mode"));
            Assert.Equal("+OK\r\n", c.Call("SET", "k", "v"));
            Assert.Equal("$1\r\nv\r\n", c.Call("GET", "k"));
            c.Send(RawClient.Encode("SHUTDOWN", "NOSAVE"));
            Assert.True(c.IsClosedByServer());
        }
        Assert.Equal(0, host.WaitForExit());
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void ASignalStopsTheHostCleanlyWithExitCodeZero(string signal)
    {
        int port = RealRedisFixture.FreePort();
        using var host = HostProcess.Start("--port", port.ToString());
        host.WaitForLog("Ready to accept connections");
        using (var kill = Process.Start("kill", ["-" + signal, host.Id.ToString()])) kill.WaitForExit();
        Assert.Equal(0, host.WaitForExit());
        Assert.Contains($"Received SIG{signal} scheduling shutdown...", host.Output);
        Assert.Contains("Redis is now ready to exit, bye bye...", host.Output);
    }

    [Fact]
    public void ConfigFileIsLoadedAndCommandLineOptionsOverrideIt()
    {
        string dir = Directory.CreateTempSubdirectory("redisfast-host-").FullName;
        string file = Path.Combine(dir, "redis.conf");
        int port = RealRedisFixture.FreePort();
        File.WriteAllText(file, $"""
            # test configuration
            port 1
            maxclients 123
            save ""
            dir "{dir}"
            pidfile "{Path.Combine(dir, "redis.pid")}"
            """);
        using var host = HostProcess.Start(file, "--port", port.ToString(), "--hz", "20");
        host.WaitForLog("Ready to accept connections");
        Assert.Contains("Configuration loaded", host.Output);
        using (var c = new RawClient("127.0.0.1", port))
        {
            Assert.Equal("*2\r\n$10\r\nmaxclients\r\n$3\r\n123\r\n", c.Call("CONFIG", "GET", "maxclients"));
            Assert.Equal($"*2\r\n$4\r\nport\r\n${port.ToString().Length}\r\n{port}\r\n", c.Call("CONFIG", "GET", "port"));
            Assert.Equal("*2\r\n$2\r\nhz\r\n$2\r\n20\r\n", c.Call("CONFIG", "GET", "hz"));
            Assert.Contains($"config_file:{file}\r\n", c.Call("INFO", "server"));
            Assert.Equal(host.Id.ToString() + "\n", File.ReadAllText(Path.Combine(dir, "redis.pid")));
            Assert.Equal("+OK\r\n", c.Call("CONFIG", "SET", "maxclients", "124"));
            Assert.Equal("+OK\r\n", c.Call("CONFIG", "REWRITE"));
            Assert.Contains("\nmaxclients 124\n", File.ReadAllText(file));
            c.Send(RawClient.Encode("SHUTDOWN", "NOSAVE"));
            Assert.True(c.IsClosedByServer());
        }
        Assert.Equal(0, host.WaitForExit());
        Assert.Contains("Removing the pid file.", host.Output);
        Assert.False(File.Exists(Path.Combine(dir, "redis.pid")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void AnUnknownDirectiveExitsWithCodeOneAndRedisFatalErrorBlock()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "port 6399\nnosuch-directive 1 2\n");
        using var host = HostProcess.Start(file);
        Assert.Equal(1, host.WaitForExit());
        Assert.Contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'nosuch-directive 1 2'\nBad directive or wrong number of arguments",
            host.Errors.Replace("\r\n", "\n"));
        File.Delete(file);
    }

    [Fact]
    public void AnInvalidOptionOnTheCommandLineIsReportedLikeRedis()
    {
        using var host = HostProcess.Start("--port", "abc");
        Assert.Equal(1, host.WaitForExit());
        Assert.Contains(">>> 'port \"abc\"'\nargument couldn't be parsed into an integer", host.Errors.Replace("\r\n", "\n"));
    }

    /// <summary>A host child process with its stdout and stderr captured.</summary>
    private sealed class HostProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _errors = new();

        private HostProcess(Process process)
        {
            _process = process;
        }

        public int Id => _process.Id;

        public string Output
        {
            get
            {
                lock (_output) return _output.ToString();
            }
        }

        public string Errors
        {
            get
            {
                lock (_errors) return _errors.ToString();
            }
        }

        public static HostProcess Start(params string[] args)
        {
            // The test project references the host, so its dll is copied next to the test assembly.
            string dll = Path.Combine(AppContext.BaseDirectory, "RedisFast.Server.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = TestDirectory.Create(),
            };
            start.ArgumentList.Add(dll);
            foreach (string a in args) start.ArgumentList.Add(a);
            var host = new HostProcess(Process.Start(start)!);
            host._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (host._output) host._output.Append(e.Data).Append('\n');
            };
            host._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (host._errors) host._errors.Append(e.Data).Append('\n');
            };
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            return host;
        }

        public void WaitForLog(string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!Output.Contains(text))
            {
                if (_process.HasExited) throw new InvalidOperationException($"host exited early:\n{Output}\n{Errors}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"host did not log '{text}':\n{Output}\n{Errors}");
                Thread.Sleep(20);
            }
        }

        public int WaitForExit()
        {
            if (!_process.WaitForExit(30_000)) throw new TimeoutException($"host did not exit:\n{Output}\n{Errors}");
            _process.WaitForExit(); // drains the redirected streams
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }
}
