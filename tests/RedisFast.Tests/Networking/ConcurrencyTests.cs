using System.Net.Sockets;
using System.Text;
using RedisFast.Commands;
using RedisFast.Networking;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>Many client threads at once: the event loop must serialize every command, in both loop modes.</summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 20;
    private const int IncrsPerThread = 2000;
    private const int Batch = 100;

    [Theory]
    [InlineData(LoopMode.Inline)]
    [InlineData(LoopMode.Dedicated)]
    public void TwentyThreadsPipeliningIncrsOnOneKeyEndWithTheExactTotal(LoopMode mode)
    {
        using var server = new TestServer(c => c.LoopMode = mode);
        EnsureIncr(server);
        var failures = new List<string>();
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            threads[t] = new Thread(() =>
            {
                try
                {
                    IncrMany(server.Port);
                }
                catch (Exception e)
                {
                    lock (failures) failures.Add(e.ToString());
                }
            });
            threads[t].Start();
        }
        foreach (Thread t in threads) Assert.True(t.Join(60_000));
        Assert.Empty(failures);
        using RawClient c = server.Connect();
        string total = (Threads * IncrsPerThread).ToString();
        Assert.Equal($"${total.Length}\r\n{total}\r\n", c.Call("GET", "counter"));
    }

    private static void IncrMany(int port)
    {
        using var c = new RawClient("127.0.0.1", port);
        var batch = new StringBuilder();
        for (int i = 0; i < Batch; i++) batch.Append("*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n");
        byte[] bytes = Encoding.ASCII.GetBytes(batch.ToString());
        long last = 0;
        for (int sent = 0; sent < IncrsPerThread; sent += Batch)
        {
            c.Send(bytes);
            for (int i = 0; i < Batch; i++)
            {
                string reply = c.ReadReply();
                if (reply[0] != ':') throw new InvalidDataException("INCR replied " + reply);
                long value = long.Parse(reply.AsSpan(1, reply.Length - 3));
                // Replies to one connection are in order, so the values it sees only go up.
                if (value <= last) throw new InvalidDataException($"INCR went from {last} to {value}");
                last = value;
            }
        }
    }

    /// <summary>
    /// INCR belongs to the string commands; until that group is merged, register a minimal stand-in with the
    /// same reply so the test exercises the loop, not the command.
    /// </summary>
    private static void EnsureIncr(TestServer server)
    {
        if (server.Server.Commands.Find("incr") is not null) return;
        server.Server.Commands.Add("incr", 2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, StandInIncr, "string");
    }

    private static void StandInIncr(Client c)
    {
        var db = c.Db;
        int index = db.LookupOrAdd(c.Args[1], out bool added);
        long value = 0;
        if (!added)
        {
            Span<byte> scratch = stackalloc byte[24];
            value = long.Parse(Encoding.ASCII.GetString(db.GetStringBytes(index, scratch)));
        }
        db.SetInteger(index, value + 1);
        c.Reply.WriteInteger(value + 1);
    }
}
