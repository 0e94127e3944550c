using System.Diagnostics;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Storage;
using RedisFast.Tests.Commands;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// For the RDB tests: an in-process RedisFast, the keyspace written with <see cref="RdbWriter"/>, a redis-server 7.0
/// child on a file, and raw commands with binary-safe (Latin-1) arguments and parsed replies.
/// </summary>
internal static class RdbTestSupport
{
    public static string TempDir() => Directory.CreateTempSubdirectory("redisfast-rdb-").FullName;

    /// <summary>A started in-process RedisFast whose files go to <paramref name="dir"/>.</summary>
    public static RedisServer StartFast(string dir)
    {
        var server = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = dir, LogLevel = "warning", Save = "" });
        server.Start();
        return server;
    }

    /// <summary>Options of <see cref="WriteRdb"/>.</summary>
    public sealed record Options(
        bool Compress = true, bool Checksum = true, long FsyncEveryBytes = 0, int PackedThreshold = 1 << 30, int ListMaxListpackSize = -2,
        long UsedMemory = 1_234_567);

    /// <summary>
    /// Writes every live key of every database to <paramref name="path"/>, on the loop, walking the keyspace as
    /// AofRewriter.WriteBase does (empty databases and expired keys skipped). Returns Finish's file size.
    /// </summary>
    public static long WriteRdb(RedisServer server, string path, Options? options = null)
    {
        options ??= new Options();
        return StringTestHelpers.OnLoop(server, keyspace =>
        {
            using SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
            RdbWriter w = NewWriter(file, options);
            w.Header(aofBase: false, options.UsedMemory);
            long now = keyspace.Now;
            foreach (Database db in keyspace.Databases)
            {
                KeyTable table = db.Table;
                if (table.Count == 0) continue;
                w.SelectDb(db.Id, table.Count, table.VolatileCount);
                for (int i = 0; i < table.SlotCount; i++)
                {
                    KeyEntry e = table.Peek(i);
                    if (e.Key is null || e.Kind == ValueKind.None) continue;
                    if (e.ExpireAt != KeyTable.NoExpiry && e.ExpireAt < now) continue;
                    w.Key(e);
                }
            }
            return w.Finish();
        });
    }

    /// <summary>
    /// What <see cref="RdbWriter.Key"/> writes for <paramref name="key"/> of db 0, without the key and the TTL, in the
    /// layout of a DUMP payload before its trailer: the type byte, then the value.
    /// </summary>
    public static byte[] TypeAndValue(RedisServer server, string key, string dir, Options options)
    {
        string path = Path.Combine(dir, "one-key.rdb");
        StringTestHelpers.OnLoop(server, keyspace =>
        {
            Database db = keyspace.Databases[0];
            int index = db.Table.Find(Bytes(key));
            Assert.True(index >= 0, $"no key {key}");
            KeyEntry e = db.Table.Peek(index);
            e.Key = [];
            e.ExpireAt = KeyTable.NoExpiry;
            using SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
            RdbWriter w = NewWriter(file, options);
            w.Key(e);
            return w.Finish();
        });
        // type, 0x00 (the empty key), value, EOF, 8 bytes of checksum.
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(0, file[1]);
        Assert.Equal(0xFF, file[^9]);
        return [file[0], .. file.AsSpan(2, file.Length - 11)];
    }

    private static RdbWriter NewWriter(SafeFileHandle file, Options o) =>
        new(file, o.FsyncEveryBytes, o.Compress, o.Checksum) { PackedThreshold = o.PackedThreshold, ListMaxListpackSize = o.ListMaxListpackSize };

    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Sends a command whose arguments are Latin-1 (any byte value) and returns the parsed reply.</summary>
    public static object? Exec(RawClient c, params string[] args)
    {
        c.Send(RawClient.Encode(args.Select(Bytes).ToArray()));
        return Parse(c.ReadReplyBytes());
    }

    /// <summary>Like <see cref="Exec"/>, for a reply that must be a bulk string: its text (Latin-1).</summary>
    public static string? Bulk(RawClient c, params string[] args) => Exec(c, args) is byte[] b ? Text(b) : null;

    /// <summary>Like <see cref="Exec"/>, for an array of bulk strings.</summary>
    public static List<string> Strings(RawClient c, params string[] args) =>
        ((List<object?>)Exec(c, args)!).Select(o => Text((byte[])o!)).ToList();

    /// <summary>
    /// A RESP2 reply as values: simple string → string, error → <see cref="RespError"/>, integer → long, bulk → byte[]
    /// or null, array → List of those or null.
    /// </summary>
    public static object? Parse(byte[] reply)
    {
        int p = 0;
        object? value = Parse(reply, ref p);
        Assert.Equal(reply.Length, p);
        return value;
    }

    private static object? Parse(byte[] d, ref int p)
    {
        byte type = d[p];
        int end = p;
        while (d[end] != '\r') end++;
        string line = Encoding.Latin1.GetString(d, p + 1, end - p - 1);
        p = end + 2;
        switch (type)
        {
            case (byte)'+':
                return line;
            case (byte)'-':
                return new RespError(line);
            case (byte)':':
                return long.Parse(line);
            case (byte)'$':
            {
                int n = int.Parse(line);
                if (n < 0) return null;
                byte[] bulk = d.AsSpan(p, n).ToArray();
                p += n + 2;
                return bulk;
            }
            case (byte)'*':
            {
                int n = int.Parse(line);
                if (n < 0) return null;
                var items = new List<object?>(n);
                for (int i = 0; i < n; i++) items.Add(Parse(d, ref p));
                return items;
            }
            default:
                throw new InvalidDataException($"unexpected reply type {(char)type}");
        }
    }

    /// <summary>An error reply.</summary>
    public sealed record RespError(string Message);
}

/// <summary>A redis-server 7.0 child on a port of its own, logging to a file; disposing kills it if still running.</summary>
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

    /// <summary>The server's log so far (for assertion messages).</summary>
    public string Log => File.Exists(_log) ? File.ReadAllText(_log) : "";

    /// <summary>Starts redis-server loading <paramref name="dir"/>/<paramref name="dbFile"/> (absent: empty), with no save points.</summary>
    public static RedisChild Start(string dir, string dbFile, params string[] extra)
    {
        int port = RealRedisFixture.FreePort();
        string log = Path.Combine(dir, $"redis-{port}.log");
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", dir, "--dbfilename", dbFile, "--logfile", log, .. extra])
            start.ArgumentList.Add(a);
        var child = new RedisChild(Process.Start(start)!, port, log);
        child._process.OutputDataReceived += (_, _) => { };
        child._process.ErrorDataReceived += (_, _) => { };
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        try
        {
            child.WaitUntilServing();
        }
        catch (Exception e)
        {
            string text = child.Log;
            child.Dispose();
            throw new InvalidOperationException($"redis-server did not start on {dbFile}: {e.Message}\n{text}", e);
        }
        return child;
    }

    public RawClient Connect() => new("127.0.0.1", Port);

    private void WaitUntilServing()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"exited with code {_process.ExitCode}");
            try
            {
                using RawClient c = Connect();
                while (c.Call("PING").StartsWith("-LOADING") && DateTime.UtcNow < deadline) Thread.Sleep(20);
                return;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or EndOfStreamException)
            {
                if (DateTime.UtcNow > deadline) throw;
                Thread.Sleep(20);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
