using Microsoft.Win32.SafeHandles;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Storage;
using RedisFast.Tests.Commands;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Persistence;

/// <summary>Runs <see cref="RdbWriter"/> over the keyspace of an in-process RedisFast, on its loop, into a file.</summary>
internal static class RdbWriterHarness
{
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
            int index = db.Table.Find(B(key));
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
}
