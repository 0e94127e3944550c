using System.Diagnostics;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>Inline (telnet-style) commands and redis-cli as a real client.</summary>
[Collection(ServerCollection.Name)]
public sealed class InlineCommandTests(ServerFixture f)
{
    [Fact]
    public void TelnetStyleLinesWithCrLfOrBareLfWork()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        c.Send($"SET {key} b\r\n");
        Assert.Equal("+OK\r\n", c.ReadReply());
        c.Send($"GET {key}\n");
        Assert.Equal("$1\r\nb\r\n", c.ReadReply());
        c.Send("PING\n\nPING\r\n");
        Assert.Equal("+PONG\r\n", c.ReadReply());
        Assert.Equal("+PONG\r\n", c.ReadReply());
    }

    [Fact]
    public void QuotedInlineArgumentsAreUnescapedLikeSdssplitargs()
    {
        using RawClient c = f.Connect();
        string key = f.Key();
        c.Send($"SET \"{key}\" \"a b\\x41\\n\"\r\n");
        Assert.Equal("+OK\r\n", c.ReadReply());
        c.Send($"GET '{key}'\r\n");
        Assert.Equal("$5\r\na bA\n\r\n", c.ReadReply());
        c.Send("ECHO 'it\\'s'\r\n");
        Assert.Equal("$4\r\nit's\r\n", c.ReadReply());
    }

    [Fact]
    public void RedisCliRunsCommandsAgainstTheServer()
    {
        string key = f.Key();
        Assert.Equal("PONG", RedisCli("PING"));
        Assert.Equal("OK", RedisCli("SET", key, "v a l"));
        Assert.Equal("v a l", RedisCli("GET", key));
    }

    private string RedisCli(params string[] args)
    {
        string path = RealRedisFixture.FindOnPath("redis-cli") ?? throw new InvalidOperationException("redis-cli is not installed (apt-get install redis-tools)");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(f.Port.ToString());
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10_000));
        Assert.Equal(0, process.ExitCode);
        return output.TrimEnd('\n');
    }
}
