using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using RedisFast.Tests.Infrastructure;
using RedisFast.Tests.Persistence;

namespace RedisFast.Tests.Server;

/// <summary>
/// supervised systemd / auto / no: the sd_notify datagrams a redis-server 7.0 and the RedisFast host send to
/// $NOTIFY_SOCKET over a start and a SHUTDOWN, both run as child processes with the same arguments.
/// </summary>
public sealed class SupervisedSystemdTests
{
    [Theory]
    [InlineData("systemd")]
    [InlineData("auto")]
    [InlineData("no")]
    public void NotifiesSystemdLikeRedis(string mode)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "RedisFast.Server.dll");
        List<string> real = Messages("redis-server", [], mode);
        List<string> fast = Messages("dotnet", [dll], mode);
        Assert.Equal(mode == "no" ? [] : ["STATUS=Redis is loading...\n", "STATUS=Ready to accept connections\n", "READY=1\n", "STOPPING=1\n"], real);
        Assert.Equal(real, fast);
    }

    private static List<string> Messages(string program, string[] prefix, string mode)
    {
        string dir = Directory.CreateTempSubdirectory("redisfast-notify-").FullName;
        string path = Path.Combine(dir, "notify.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.ReceiveTimeout = 300;
        int port = RealRedisFixture.FreePort();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        start.Environment["NOTIFY_SOCKET"] = path;
        foreach (string a in (string[])[.. prefix, "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--supervised", mode])
            start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AofTestSupport.WaitForPort(port, process);
        using (var c = new RawClient("127.0.0.1", port)) c.Send(RawClient.Encode("SHUTDOWN", "NOSAVE"));
        Assert.True(process.WaitForExit(30_000), $"{program} did not exit");
        var messages = new List<string>();
        var buffer = new byte[4096];
        while (true)
        {
            try
            {
                messages.Add(Encoding.ASCII.GetString(buffer, 0, listener.Receive(buffer)));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                return messages;
            }
        }
    }
}
