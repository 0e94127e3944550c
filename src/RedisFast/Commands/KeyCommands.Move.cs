using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

internal static partial class KeyCommands
{
    /// <summary>
    /// MOVE key db (db.c moveCommand): moves the value and its TTL to another database; 1 when moved, 0 when the
    /// key is absent here or already present there. Errors in Redis's order: not an integer, outside the int range,
    /// no such database, same database; all before any lookup.
    /// </summary>
    public static void Move(Client c)
    {
        Database src = c.Db;
        if (!TryParseDatabase(c, c.Args[2], out Database dst)) return;
        if (dst == src)
        {
            c.Reply.WriteError("ERR source and destination objects are the same"u8);
            return;
        }
        // lookupKeyWrite on both sides: an expired key is deleted (and logged as DEL) in either database first.
        int from = src.Lookup(c.Args[1]);
        if (from < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (dst.Lookup(c.Args[1]) >= 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        // dbAdd of the same object (no copy), setExpire, then dbDelete on the source: the value keeps its
        // encoding, access time and TTL. The tables differ, so adding to dst leaves the source slot in place.
        KeyEntry moved = src.Table[from];
        int to = dst.Table.AddNew(c.Args.ToArray(1));
        StoreValue(dst.Table, to, in moved, moved.Value);
        dst.Table.SetExpire(to, moved.ExpireAt);
        src.Table.RemoveAt(from);
        // moveCommand signals the key in both databases: a WATCH on either fails, and a client blocked on the key
        // in the target database is served.
        dst.KeyAdded(c.Args[1]);
        src.KeyModified(c.Args[1]);
        dst.KeyModified(c.Args[1]);
        KeyspaceEvents.Notify(c.Server, KeyspaceEvents.Generic, "move_from"u8, c.Args[1], src.Id);
        KeyspaceEvents.Notify(c.Server, KeyspaceEvents.Generic, "move_to"u8, c.Args[1], dst.Id);
        c.Reply.WriteInteger(1);
    }

    /// <summary>
    /// The database a DB argument names (COPY ... DB n, MOVE key n), or false after replying with Redis's error:
    /// getIntFromObjectOrReply's (a 64-bit integer, then the int range with its own message), then
    /// "DB index is out of range".
    /// </summary>
    internal static bool TryParseDatabase(Client c, ReadOnlySpan<byte> argument, out Database db)
    {
        db = null!;
        if (!NumberParser.TryParseInt64(argument, out long id))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (id < int.MinValue || id > int.MaxValue)
        {
            c.Reply.WriteError("ERR value is out of range, value must between -2147483648 and 2147483647"u8);
            return false;
        }
        Database[] databases = c.Server.Keyspace.Databases;
        if (id < 0 || id >= databases.Length)
        {
            c.Reply.WriteError(Errors.DbIndexOutOfRange);
            return false;
        }
        db = databases[id];
        return true;
    }
}
