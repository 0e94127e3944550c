using RedisFast.Server;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Generic key commands (Redis 7.0's db.c, expire.c and object.c): DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX
/// RANDOMKEY COPY here; MOVE in KeyCommands.Move.cs, DUMP and RESTORE in KeyCommands.Dump.cs; the expiry family,
/// KEYS/SCAN and OBJECT in the partial files.
/// </summary>
internal static partial class KeyCommands
{
    /// <summary>
    /// A *STORE command whose result is empty (BITOP, SORT, SINTERSTORE, ZUNIONSTORE, GEOSEARCHSTORE ...): the
    /// destination is deleted if it exists (dbDelete, signalModifiedKey and the del event), and nothing is stored.
    /// </summary>
    internal static void DeleteStoreDestination(Client c, ReadOnlySpan<byte> key)
    {
        Database db = c.Db;
        int index = db.Lookup(key);
        if (index < 0) return;
        db.Delete(index);
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.Generic, "del"u8, key);
    }

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("del", -2, Write, 1, -1, 1, Del, "generic");
        t.Add("unlink", -2, Write | Fast, 1, -1, 1, Del, "generic");
        t.Add("exists", -2, ReadOnly | Fast, 1, -1, 1, Exists, "generic");
        t.Add("type", 2, ReadOnly | Fast, 1, 1, 1, Type, "generic");
        t.Add("touch", -2, ReadOnly | Fast, 1, -1, 1, Touch, "generic");
        t.Add("keys", 2, ReadOnly, 0, 0, 0, Keys, "generic");
        t.Add("scan", -2, ReadOnly, 0, 0, 0, Scan, "generic");
        t.Add("rename", 3, Write, 1, 2, 1, Rename, "generic");
        t.Add("renamenx", 3, Write | Fast, 1, 2, 1, RenameNx, "generic");
        t.Add("randomkey", 1, ReadOnly, 0, 0, 0, RandomKey, "generic");
        t.Add("copy", -3, Write | DenyOom, 1, 2, 1, Copy, "generic");
        t.Add("move", 3, Write | Fast, 1, 1, 1, Move, "generic");
        t.Add("dump", 2, ReadOnly, 1, 1, 1, Dump, "generic");
        t.Add("restore", -4, Write | DenyOom, 1, 1, 1, Restore, "generic");
        t.Add("expire", -3, Write | Fast, 1, 1, 1, Expire, "generic");
        t.Add("pexpire", -3, Write | Fast, 1, 1, 1, PExpire, "generic");
        t.Add("expireat", -3, Write | Fast, 1, 1, 1, ExpireAt, "generic");
        t.Add("pexpireat", -3, Write | Fast, 1, 1, 1, PExpireAt, "generic");
        t.Add("ttl", 2, ReadOnly | Fast, 1, 1, 1, Ttl, "generic");
        t.Add("pttl", 2, ReadOnly | Fast, 1, 1, 1, PTtl, "generic");
        t.Add("expiretime", 2, ReadOnly | Fast, 1, 1, 1, ExpireTime, "generic");
        t.Add("pexpiretime", 2, ReadOnly | Fast, 1, 1, 1, PExpireTime, "generic");
        t.Add("persist", 2, Write | Fast, 1, 1, 1, Persist, "generic");
        CommandDefinition obj = t.Add("object", -2, None, 0, 0, 0, null, "generic");
        obj.Sub("encoding", 3, ReadOnly, 2, 2, 1, ObjectEncoding);
        obj.Sub("refcount", 3, ReadOnly, 2, 2, 1, ObjectRefCount);
        obj.Sub("idletime", 3, ReadOnly, 2, 2, 1, ObjectIdleTime);
        obj.Sub("freq", 3, ReadOnly, 2, 2, 1, ObjectFreq);
        obj.Sub("help", 2, Loading | Stale, 0, 0, 0, ObjectHelp);
    }

    /// <summary>DEL key [key ...] and UNLINK key [key ...] (values are freed by the GC either way).</summary>
    public static void Del(Client c)
    {
        Database db = c.Db;
        long deleted = 0;
        for (int j = 1; j < c.Argc; j++)
        {
            int index = db.Table.Find(c.Args[j]);
            if (index < 0) continue;
            // db.c delGenericCommand: expireIfNeeded first, so an expired key counts as expired, not deleted.
            if (db.IsExpired(index))
            {
                db.ExpireAt(index);
                continue;
            }
            db.Delete(index);
            db.KeyModified(c.Args[j]);
            c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[j]);
            deleted++;
        }
        c.Reply.WriteInteger(deleted);
    }

    /// <summary>EXISTS key [key ...]: a key named twice counts twice.</summary>
    public static void Exists(Client c)
    {
        Database db = c.Db;
        long count = 0;
        for (int j = 1; j < c.Argc; j++)
        {
            if (db.LookupReadNoTouch(c.Args[j]) >= 0) count++;
        }
        c.Reply.WriteInteger(count);
    }

    /// <summary>TOUCH key [key ...]: like EXISTS but updates the access time.</summary>
    public static void Touch(Client c)
    {
        Database db = c.Db;
        long count = 0;
        for (int j = 1; j < c.Argc; j++)
        {
            if (db.LookupRead(c.Args[j]) >= 0) count++;
        }
        c.Reply.WriteInteger(count);
    }

    /// <summary>TYPE key</summary>
    public static void Type(Client c)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[1]);
        c.Reply.WriteSimpleString(index < 0 ? "none"u8 : TypeName(db.Table[index].Kind));
    }

    /// <summary>getObjectTypeName (object.c) for a stored value.</summary>
    public static ReadOnlySpan<byte> TypeName(ValueKind kind) => kind switch
    {
        ValueKind.StringInt or ValueKind.StringEmbedded or ValueKind.StringRaw => "string"u8,
        ValueKind.List => "list"u8,
        ValueKind.Hash => "hash"u8,
        ValueKind.Set => "set"u8,
        ValueKind.SortedSet => "zset"u8,
        ValueKind.None => "none"u8,
        _ => "unknown"u8,
    };

    /// <summary>RENAME key newkey</summary>
    public static void Rename(Client c) => RenameGeneric(c, nx: false);

    /// <summary>RENAMENX key newkey</summary>
    public static void RenameNx(Client c) => RenameGeneric(c, nx: true);

    /// <summary>db.c renameGenericCommand: moves the value and its expiry; the value object itself is not copied.</summary>
    private static void RenameGeneric(Client c, bool nx)
    {
        Database db = c.Db;
        KeyTable table = db.Table;
        bool sameKey = c.Args[1].SequenceEqual(c.Args[2]);
        int src = db.Lookup(c.Args[1]);
        if (src < 0)
        {
            c.Reply.WriteError(Errors.NoSuchKey);
            return;
        }
        if (sameKey)
        {
            // Redis checks existence first, so renaming a missing key to itself is still "no such key".
            if (nx) c.Reply.WriteInteger(0);
            else c.Reply.WriteOk();
            return;
        }
        int dst = db.Lookup(c.Args[2]);
        if (dst >= 0 && nx)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        // Adding a key may grow the entry array, so the source is read into locals before.
        KeyEntry moved = table[src];
        if (dst < 0) dst = table.AddNew(c.Args.ToArray(2));
        StoreValue(table, dst, in moved, moved.Value);
        table.SetExpire(dst, moved.ExpireAt);
        table.RemoveAt(src);
        // renameGenericCommand: dbAdd of the new name (after deleting what it held), then both names signalled.
        db.KeyAdded(c.Args[2]);
        db.KeyModified(c.Args[1]);
        db.KeyModified(c.Args[2]);
        c.Notify(KeyspaceEvents.Generic, "rename_from"u8, c.Args[1]);
        c.Notify(KeyspaceEvents.Generic, "rename_to"u8, c.Args[2]);
        if (nx) c.Reply.WriteInteger(1);
        else c.Reply.WriteOk();
    }

    /// <summary>Puts a value (kind, object, integer, length, access time) into an existing slot; keeps its key and expiry.</summary>
    private static void StoreValue(KeyTable table, int index, in KeyEntry from, object? value)
    {
        ref KeyEntry e = ref table[index];
        e.Kind = from.Kind;
        e.Value = value;
        e.Number = from.Number;
        e.Length = from.Length;
        e.AccessedAt = from.AccessedAt;
    }

    /// <summary>
    /// RANDOMKEY: a random live key, or null. Like db.c dbRandomKey, an expired key that comes up is deleted and
    /// another one is drawn.
    /// </summary>
    public static void RandomKey(Client c)
    {
        Database db = c.Db;
        KeyTable table = db.Table;
        // Under CLIENT PAUSE expired keys stay: after 100 of them one is returned, as Redis does for a replica.
        int tries = 100;
        while (table.Count > 0)
        {
            int index = table.RandomSlot();
            if (db.IsExpired(index) && !(db.Keyspace.DeletionsPaused && --tries == 0))
            {
                db.ExpireAt(index);
                continue;
            }
            c.Reply.WriteBulk(table.Peek(index).Key);
            return;
        }
        c.Reply.WriteNull();
    }

    /// <summary>COPY source destination [DB destination-db] [REPLACE]</summary>
    public static void Copy(Client c)
    {
        Database src = c.Db;
        Database dst = c.Db;
        bool replace = false;
        for (int j = 3; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> option = c.Args[j];
            if (System.Text.Ascii.EqualsIgnoreCase(option, "replace"u8))
            {
                replace = true;
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "db"u8) && j + 1 < c.Argc)
            {
                if (!TryParseDatabase(c, c.Args[j + 1], out dst)) return;
                j++;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (src == dst && c.Args[1].SequenceEqual(c.Args[2]))
        {
            c.Reply.WriteError("ERR source and destination objects are the same"u8);
            return;
        }
        int from = src.LookupRead(c.Args[1]);
        if (from < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        int to = dst.Lookup(c.Args[2]);
        if (to >= 0 && !replace)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        KeyEntry source = src.Table[from];
        object? copy;
        if (Database.IsString(source.Kind))
        {
            copy = source.Kind == ValueKind.StringInt ? null : ((byte[])source.Value!).AsSpan(0, source.Length).ToArray();
            // dupStringObject makes a new, unshared object, even of a small integer (OBJECT REFCOUNT is then 1).
            if (source.Kind == ValueKind.StringInt) source.Length = PrivateInteger;
        }
        else
        {
            Func<object, object>? deepCopy = s_deepCopy[(int)source.Kind];
            if (deepCopy is null)
            {
                c.Reply.WriteError("ERR unknown type object"u8);
                return;
            }
            copy = deepCopy(source.Value!);
        }
        // dbDelete + dbAdd of an existing destination: reusing its slot is the same to every observer.
        if (to < 0) to = dst.Table.AddNew(c.Args.ToArray(2));
        StoreValue(dst.Table, to, in source, copy);
        c.Server.Keyspace.Stamp(ref dst.Table.Peek(to));
        dst.Table.SetExpire(to, source.ExpireAt);
        // copyCommand: dbAdd of the destination (after deleting what it held), then it alone is signalled.
        dst.KeyAdded(c.Args[2]);
        dst.KeyModified(c.Args[2]);
        KeyspaceEvents.Notify(c.Server, KeyspaceEvents.Generic, "copy_to"u8, c.Args[2], dst.Id);
        c.Reply.WriteInteger(1);
    }
}
