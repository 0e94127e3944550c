using RedisFast.Server;
using System.Buffers;
using RedisFast.Persistence.Rdb;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

internal static partial class KeyCommands
{
    /// <summary>
    /// DUMP key (cluster.c dumpCommand): the value serialized as in an RDB file, then the RDB version and a CRC-64;
    /// null for a missing key. The bytes equal redis-server 7.0's for the same value and config.
    /// </summary>
    public static void Dump(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        var payload = new ArrayBufferWriter<byte>(256);
        var writer = new RdbWriter(payload, c.Server.Config.RdbCompression) { ListMaxListpackSize = c.Server.Config.ListMaxListpackSize };
        writer.DumpPayload(db.Table.Peek(index));
        c.Reply.WriteBulk(payload.WrittenSpan);
    }

    /// <summary>
    /// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] (cluster.c
    /// restoreCommand), with its checks in Redis's order: options, an existing key without REPLACE (BUSYKEY), the TTL,
    /// the payload's version and checksum, then its value. A TTL already past stores nothing (and deletes the key it
    /// replaces). A relative TTL is logged as an absolute one with ABSTTL, as Redis propagates it.
    /// </summary>
    public static void Restore(Client c)
    {
        bool replace = false, absTtl = false;
        long idle = -1, freq = -1;
        for (int j = 4; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> option = c.Args[j];
            bool more = j + 1 < c.Argc;
            if (System.Text.Ascii.EqualsIgnoreCase(option, "replace"u8))
            {
                replace = true;
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "absttl"u8))
            {
                absTtl = true;
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "idletime"u8) && more && freq == -1)
            {
                if (!NumberParser.TryParseInt64(c.Args[++j], out idle))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (idle < 0)
                {
                    c.Reply.WriteError("ERR Invalid IDLETIME value, must be >= 0"u8);
                    return;
                }
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "freq"u8) && more && idle == -1)
            {
                if (!NumberParser.TryParseInt64(c.Args[++j], out freq))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (freq is < 0 or > 255)
                {
                    c.Reply.WriteError("ERR Invalid FREQ value, must be >= 0 and <= 255"u8);
                    return;
                }
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[1];
        if (!replace && db.Lookup(key) >= 0)
        {
            c.Reply.WriteError("BUSYKEY Target key name already exists."u8);
            return;
        }
        if (!NumberParser.TryParseInt64(c.Args[2], out long ttl))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (ttl < 0)
        {
            c.Reply.WriteError("ERR Invalid TTL value, must be >= 0"u8);
            return;
        }
        ReadOnlySpan<byte> payload = c.Args[3];
        if (!RdbLoader.VerifyDumpPayload(payload))
        {
            c.Reply.WriteError("ERR DUMP payload version or checksum are wrong"u8);
            return;
        }
        var scratch = new Database(c.Server.Keyspace, db.Id, counted: false);
        int decoded = RdbLoader.LoadDumpValue(c.Server, payload, key, scratch);
        if (decoded < 0)
        {
            c.Reply.WriteError("ERR Bad data format"u8);
            return;
        }

        int existing = replace ? db.Lookup(key) : -1;
        if (existing >= 0) db.Delete(existing);
        if (ttl != 0 && !absTtl) ttl += db.Now;
        if (ttl != 0 && ttl <= db.Now)
        {
            // Already expired: nothing is stored; the key it replaced is gone (logged as DEL).
            if (existing >= 0)
            {
                if (c.PropagateAs(2) is { } del) del.Add("DEL"u8).Add(key);
                db.KeyModified(key);
                c.Notify(KeyspaceEvents.Generic, "del"u8, key);
            }
            c.Reply.WriteOk();
            return;
        }
        KeyEntry value = scratch.Table.Peek(decoded);
        int index = db.Table.AddNew(c.Args.ToArray(1));
        db.KeyAdded(key);
        StoreValue(db.Table, index, in value, value.Value);
        if (ttl != 0)
        {
            db.Table.SetExpire(index, ttl);
            if (!absTtl && c.PropagateAs(c.Argc + 1) is { } p)
            {
                p.Add("RESTORE"u8).Add(key).Add(ttl);
                for (int j = 3; j < c.Argc; j++) p.Add(c.Args[j]);
                p.Add("ABSTTL"u8);
            }
        }
        ref KeyEntry stored = ref db.Table.Peek(index);
        c.Server.Keyspace.Stamp(ref stored);
        c.Server.Keyspace.SetAccess(ref stored, idle, freq);
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.Generic, "restore"u8, key);
        c.Reply.WriteOk();
    }
}
