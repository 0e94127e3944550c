using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Storage;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Helpers for the string command tests: run code on a server's event loop (the keyspace belongs to it), and
/// create a non-string key on both servers of a differential pair before list commands exist in this tree.
/// </summary>
internal static class StringTestHelpers
{
    /// <summary>Runs <paramref name="action"/> on the server's event loop and waits for it.</summary>
    public static T OnLoop<T>(RedisServer server, Func<Keyspace, T> action)
    {
        var work = new Work<T>(server, action);
        server.Loop.Schedule(work);
        if (!work.Done.Wait(10_000)) throw new TimeoutException("The event loop did not run the posted work.");
        if (work.Error is not null) throw work.Error;
        return work.Result!;
    }

    /// <summary>A list key named <paramref name="key"/> in db 0: RPUSH on redis-server, a bare list slot on RedisFast.</summary>
    public static void MakeList(DifferentialFixture f, string key)
    {
        using RawClient real = f.Real.Connect();
        Assert.Equal(":1\r\n", real.Call("RPUSH", key, "x"));
        MakeList(f.Fast.Server, key);
    }

    /// <summary>Puts a list-kind value at <paramref name="key"/> in db 0 of <paramref name="server"/>.</summary>
    public static void MakeList(RedisServer server, string key)
    {
        OnLoop(server, ks =>
        {
            Database db = ks.Databases[0];
            int index = db.LookupOrAdd(System.Text.Encoding.UTF8.GetBytes(key), out _);
            db.SetObject(index, ValueKind.List, new List<byte[]> { "x"u8.ToArray() });
            return 0;
        });
    }

    /// <summary>The slot of <paramref name="key"/> in db 0 as (kind, expireAt), or null when absent or expired.</summary>
    public static (ValueKind Kind, long ExpireAt)? Inspect(RedisServer server, string key) =>
        OnLoop<(ValueKind, long)?>(server, ks =>
        {
            Database db = ks.Databases[0];
            int index = db.Table.Find(System.Text.Encoding.UTF8.GetBytes(key));
            if (index < 0 || db.IsExpired(index)) return null;
            return (db.Table[index].Kind, db.Table[index].ExpireAt);
        });

    private sealed class Work<T>(RedisServer server, Func<Keyspace, T> action) : ILoopWork
    {
        public ManualResetEventSlim Done { get; } = new();
        public T? Result { get; private set; }
        public Exception? Error { get; private set; }

        public void Run()
        {
            try
            {
                Result = action(server.Keyspace);
            }
            catch (Exception e)
            {
                Error = e;
            }
            Done.Set();
        }
    }
}
