using System.Collections.Concurrent;
using System.Diagnostics;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// Crash tests: the host as a child process with appendonly yes, several clients writing and recording every
/// acknowledged write, kill -9 mid-load, restart on the same directory, compare. always: no acknowledged write is
/// lost. everysec: only writes acknowledged in the last second before the kill may be missing.
/// </summary>
public sealed class AofCrashTests
{
    private const int Clients = 4;
    private const int WriteMilliseconds = 1500;

    private sealed record Ack(string Key, string Value, long AtMs);

    [Theory]
    [InlineData("always", 0)]
    [InlineData("always", 1)]
    [InlineData("always", 2)]
    public void KillNineLosesNoAcknowledgedWriteWithAppendfsyncAlways(string fsync, int trial)
    {
        (List<Ack> missing, _, _) = CrashAndRestart(fsync, trial);
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("everysec", 0)]
    [InlineData("everysec", 1)]
    [InlineData("everysec", 2)]
    public void KillNineLosesAtMostTheLastSecondWithAppendfsyncEverysec(string fsync, int trial)
    {
        (List<Ack> missing, long killedAtMs, int acked) = CrashAndRestart(fsync, trial);
        Assert.True(acked > 0);
        foreach (Ack ack in missing) Assert.True(killedAtMs - ack.AtMs <= 1000, $"{ack.Key} acknowledged {killedAtMs - ack.AtMs} ms before the kill is lost");
    }

    private static (List<Ack> Missing, long KilledAtMs, int Acked) CrashAndRestart(string fsync, int trial)
    {
        // 1. Start.
        string dir = AofTestSupport.TempDir();
        int port = RealRedisFixture.FreePort();
        var clock = Stopwatch.StartNew();
        var acks = new ConcurrentBag<Ack>();
        using (var host = AofHostProcess.Start(port, dir, "--appendfsync", fsync))
        {
            // 2. Write from several clients, recording what was acknowledged, then kill -9 in the middle of it.
            var stop = new ManualResetEventSlim();
            var writers = new Thread[Clients];
            for (int t = 0; t < Clients; t++)
            {
                int id = t;
                writers[t] = new Thread(() => Write(port, id, trial, acks, clock, stop));
                writers[t].Start();
            }
            Thread.Sleep(WriteMilliseconds);
            host.KillHard();
            long killedAtMs = clock.ElapsedMilliseconds;
            stop.Set();
            foreach (Thread w in writers) w.Join();
            // 3. Restart on the same directory and compare.
            int port2 = RealRedisFixture.FreePort();
            using var again = AofHostProcess.Start(port2, dir, "--appendfsync", fsync);
            var missing = new List<Ack>();
            using (var c = new RawClient("127.0.0.1", port2))
            {
                foreach (Ack ack in acks)
                {
                    string reply = c.Call("GET", ack.Key);
                    if (reply == "$-1\r\n") missing.Add(ack);
                    else Assert.Equal($"${ack.Value.Length}\r\n{ack.Value}\r\n", reply);
                }
            }
            return (missing, killedAtMs, acks.Count);
        }
    }

    private static void Write(int port, int id, int trial, ConcurrentBag<Ack> acks, Stopwatch clock, ManualResetEventSlim stop)
    {
        try
        {
            using var c = new RawClient("127.0.0.1", port);
            for (int i = 0; !stop.IsSet; i++)
            {
                string key = $"t{trial}:c{id}:{i}", value = $"v{i}";
                if (c.Call("SET", key, value) == "+OK\r\n") acks.Add(new Ack(key, value, clock.ElapsedMilliseconds));
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The server was killed: the write in flight was not acknowledged.
        }
    }
}
