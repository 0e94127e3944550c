using System.Diagnostics;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>redis-cli 7.0 used for real against RedisFast, compared with its output against redis-server.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class CommandRedisCliTests(DifferentialFixture f)
{
    [Fact]
    public void RedisCliRunsCommandsFromStdin()
    {
        string output = RunCli(f.Fast.Port, "set clistdin:k hello\nget clistdin:k\nget clistdin:missing\nclient setname cli\nclient getname\nselect 3\nping\n");
        Assert.Equal("OK\nhello\n\nOK\ncli\nOK\nPONG\n", output);
    }

    [Fact]
    public void RedisCliPrintsInfoServer()
    {
        string output = RunCli(f.Fast.Port, "info server\n");
        Assert.StartsWith("# Server\r\nredis_version:7.0.15\r\n", output); // raw output: INFO lines end in CRLF, as from Redis
        Assert.Contains($"tcp_port:{f.Fast.Port}\r\n", output);
    }

    [Theory]
    [InlineData("--no-raw", "COMMAND", "DOCS", "get")]
    [InlineData("--no-raw", "COMMAND", "DOCS", "client|list")]
    [InlineData("--no-raw", "COMMAND", "INFO", "set")]
    [InlineData("-3", "--no-raw", "COMMAND", "DOCS", "echo")]
    [InlineData("-3", "--no-raw", "COMMAND", "INFO", "get")]
    [InlineData("--no-raw", "HELLO", "2")]
    public void RedisCliPrintsTheSameAsAgainstRedis(params string[] args)
    {
        string ours = RunCli(f.Fast.Port, "", args);
        string theirs = RunCli(f.Real.Port, "", args);
        if (args.Contains("HELLO"))
        {
            ours = HelloId(ours);
            theirs = HelloId(theirs);
        }
        Assert.Equal(theirs, ours);
    }

    /// <summary>Masks the client id, the value printed right before the "mode" key.</summary>
    private static string HelloId(string output) =>
        System.Text.RegularExpressions.Regex.Replace(output, "\\(integer\\) \\d+\n( *\\d+\\) \"mode\")", "(integer) ID\n$1");

    private static string RunCli(int port, string stdin, params string[] args)
    {
        string cli = RealRedisFixture.FindOnPath("redis-cli") ?? throw new InvalidOperationException("redis-cli is not installed");
        var start = new ProcessStartInfo(cli)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString());
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "redis-cli did not exit");
        Assert.Equal("", stderr.Result);
        return output;
    }
}
