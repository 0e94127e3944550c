using RedisFast.Server;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// List commands (Redis 7.0's t_list.c): pushes, pops, ranges and edits here; LPOS, LMOVE and LMPOP in
/// ListCommands.Moves.cs; the blocking forms in ListCommands.Blocking.cs. Values are <see cref="RedisList"/>s;
/// a list that becomes empty is deleted.
/// </summary>
internal static partial class ListCommands
{
    public static void Register(CommandLookup t)
    {
        KeyCommands.RegisterValueKind(ValueKind.List, static o => ((RedisList)o).Clone(), static _ => RedisList.EncodingName);
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("lpush", -3, Write | DenyOom | Fast, 1, 1, 1, LPush, "list");
        t.Add("rpush", -3, Write | DenyOom | Fast, 1, 1, 1, RPush, "list");
        t.Add("lpushx", -3, Write | DenyOom | Fast, 1, 1, 1, LPushX, "list");
        t.Add("rpushx", -3, Write | DenyOom | Fast, 1, 1, 1, RPushX, "list");
        t.Add("lpop", -2, Write | Fast, 1, 1, 1, LPop, "list");
        t.Add("rpop", -2, Write | Fast, 1, 1, 1, RPop, "list");
        t.Add("llen", 2, ReadOnly | Fast, 1, 1, 1, LLen, "list");
        t.Add("lrange", 4, ReadOnly, 1, 1, 1, LRange, "list");
        t.Add("lindex", 3, ReadOnly, 1, 1, 1, LIndex, "list");
        t.Add("lset", 4, Write | DenyOom, 1, 1, 1, LSet, "list");
        t.Add("lrem", 4, Write, 1, 1, 1, LRem, "list");
        t.Add("ltrim", 4, Write, 1, 1, 1, LTrim, "list");
        t.Add("linsert", 5, Write | DenyOom, 1, 1, 1, LInsert, "list");
        t.Add("lpos", -3, ReadOnly, 1, 1, 1, LPos, "list");
        t.Add("lmove", 5, Write | DenyOom, 1, 2, 1, LMove, "list");
        t.Add("rpoplpush", 3, Write | DenyOom, 1, 2, 1, RPopLPush, "list");
        t.Add("lmpop", -4, Write | MovableKeys, 0, 0, 0, LMPop, "list");
        t.Add("blpop", -3, Write | NoScript | Blocking, 1, -2, 1, BLPop, "list");
        t.Add("brpop", -3, Write | NoScript | Blocking, 1, -2, 1, BRPop, "list");
        t.Add("blmove", 6, Write | DenyOom | NoScript | Blocking, 1, 2, 1, BLMove, "list");
        t.Add("brpoplpush", 4, Write | DenyOom | NoScript | Blocking, 1, 2, 1, BRPopLPush, "list");
        t.Add("blmpop", -5, Write | Blocking | MovableKeys, 0, 0, 0, BLMPop, "list");
    }

    /// <summary>
    /// The list at <paramref name="index"/> (which must be a live slot), or null after replying WRONGTYPE
    /// (checkType).
    /// </summary>
    private static RedisList? AsList(Client c, Database db, int index)
    {
        ref KeyEntry e = ref db.Table[index];
        if (e.Kind == ValueKind.List) return (RedisList)e.Value!;
        c.Reply.WriteError(Errors.WrongType);
        return null;
    }

    /// <summary>Creates an empty list at <paramref name="key"/>, which must be absent.</summary>
    private static RedisList CreateList(Database db, ReadOnlySpan<byte> key)
    {
        int index = db.LookupOrAdd(key, out _);
        var list = new RedisList();
        db.SetObject(index, ValueKind.List, list);
        return list;
    }

    /// <summary>Deletes the key of a list that became empty (Redis never keeps empty lists).</summary>
    /// <summary>Deletes a list its command emptied; returns whether it did.</summary>
    private static bool DeleteIfEmpty(Database db, int index, RedisList list)
    {
        if (list.Count != 0) return false;
        db.Delete(index);
        return true;
    }

    /// <summary>The events of a pop (notify-keyspace-events): lpop or rpop, then del when the list was emptied.</summary>
    private static void NotifyPop(Client c, ReadOnlySpan<byte> key, bool head, bool emptied)
    {
        c.Notify(KeyspaceEvents.List, head ? "lpop"u8 : "rpop"u8, key);
        if (emptied) c.Notify(KeyspaceEvents.Generic, "del"u8, key);
    }

    /// <summary>LPUSH key element [element ...]</summary>
    public static void LPush(Client c) => PushGeneric(c, head: true, onlyIfExists: false);

    /// <summary>RPUSH key element [element ...]</summary>
    public static void RPush(Client c) => PushGeneric(c, head: false, onlyIfExists: false);

    /// <summary>LPUSHX key element [element ...]</summary>
    public static void LPushX(Client c) => PushGeneric(c, head: true, onlyIfExists: true);

    /// <summary>RPUSHX key element [element ...]</summary>
    public static void RPushX(Client c) => PushGeneric(c, head: false, onlyIfExists: true);

    /// <summary>pushGenericCommand: replies the new length; the X forms do nothing (0) on a missing key.</summary>
    private static void PushGeneric(Client c, bool head, bool onlyIfExists)
    {
        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[1];
        int index = db.Lookup(key);
        RedisList? list;
        if (index >= 0)
        {
            list = AsList(c, db, index);
            if (list is null) return;
        }
        else if (onlyIfExists)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        else
        {
            list = CreateList(db, key);
        }
        CommandArguments args = c.Args;
        for (int j = 2; j < args.Count; j++) list.Push(args.ToArray(j), head);
        c.Reply.WriteInteger(list.Count);
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.List, head ? "lpush"u8 : "rpush"u8, key);
    }

    /// <summary>LPOP key [count]</summary>
    public static void LPop(Client c) => PopGeneric(c, head: true);

    /// <summary>RPOP key [count]</summary>
    public static void RPop(Client c) => PopGeneric(c, head: false);

    /// <summary>
    /// popGenericCommand: without a count, the element or a null bulk; with one, an array of up to count
    /// elements, a null array for a missing key, and an empty array for COUNT 0 on an existing key.
    /// </summary>
    private static void PopGeneric(Client c, bool head)
    {
        if (c.Argc > 3)
        {
            c.Reply.WriteError(ArityError(c));
            return;
        }
        bool hasCount = c.Argc == 3;
        long count = 0;
        if (hasCount && !TryParsePositive(c, c.Args[2], "ERR value is out of range, must be positive"u8, out count)) return;
        Database db = c.Db;
        int index = db.Lookup(c.Args[1]);
        if (index < 0)
        {
            if (hasCount) c.Reply.WriteNullArray();
            else c.Reply.WriteNull();
            return;
        }
        RedisList? list = AsList(c, db, index);
        if (list is null) return;
        if (hasCount && count == 0)
        {
            c.Reply.WriteRaw("*0\r\n"u8);
            return;
        }
        if (!hasCount) c.Reply.WriteBulk(list.Pop(head));
        else PopRangeAndReply(c, list, head, count);
        bool emptied = DeleteIfEmpty(db, index, list);
        db.KeyModified(c.Args[1]);
        NotifyPop(c, c.Args[1], head, emptied);
    }

    /// <summary>listPopRangeAndReply: pops up to <paramref name="count"/> elements and replies them as an array.</summary>
    private static void PopRangeAndReply(Client c, RedisList list, bool head, long count)
    {
        int n = (int)Math.Min(count, list.Count);
        c.Reply.WriteArrayHeader(n);
        for (int i = 0; i < n; i++) c.Reply.WriteBulk(list.Pop(head));
    }

    /// <summary>LLEN key</summary>
    public static void LLen(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        RedisList? list = AsList(c, db, index);
        if (list is not null) c.Reply.WriteInteger(list.Count);
    }

    /// <summary>LRANGE key start stop: the indexes are parsed before the key is looked up.</summary>
    public static void LRange(Client c)
    {
        if (!TryParseLong(c, c.Args[2], out long start) || !TryParseLong(c, c.Args[3], out long end)) return;
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteRaw("*0\r\n"u8);
            return;
        }
        RedisList? list = AsList(c, db, index);
        if (list is null) return;
        // addListRangeReply's normalization.
        long length = list.Count;
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (start > end || start >= length)
        {
            c.Reply.WriteRaw("*0\r\n"u8);
            return;
        }
        if (end >= length) end = length - 1;
        int from = (int)start, to = (int)end;
        c.Reply.WriteArrayHeader(to - from + 1);
        for (int i = from; i <= to; i++) c.Reply.WriteBulk(list[i]);
    }

    /// <summary>LINDEX key index: the key is looked up first, then the index parsed.</summary>
    public static void LIndex(Client c)
    {
        Database db = c.Db;
        int slot = db.LookupRead(c.Args[1]);
        if (slot < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        RedisList? list = AsList(c, db, slot);
        if (list is null || !TryParseLong(c, c.Args[2], out long index)) return;
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count) c.Reply.WriteNull();
        else c.Reply.WriteBulk(list[(int)index]);
    }

    /// <summary>LSET key index element</summary>
    public static void LSet(Client c)
    {
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1]);
        if (slot < 0)
        {
            c.Reply.WriteError(Errors.NoSuchKey);
            return;
        }
        RedisList? list = AsList(c, db, slot);
        if (list is null || !TryParseLong(c, c.Args[2], out long index)) return;
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count)
        {
            c.Reply.WriteError(Errors.OutOfRange);
            return;
        }
        list[(int)index] = c.Args.ToArray(3);
        c.Reply.WriteOk();
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.List, "lset"u8, c.Args[1]);
    }

    /// <summary>LREM key count element: count &gt; 0 from the head, &lt; 0 from the tail, 0 all.</summary>
    public static void LRem(Client c)
    {
        if (!TryParseLong(c, c.Args[2], out long count)) return;
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1]);
        if (slot < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        RedisList? list = AsList(c, db, slot);
        if (list is null) return;
        // -count of long.MinValue overflows; any limit beyond the length means "all from the tail" anyway.
        long limit = count < 0 ? (count == long.MinValue ? long.MaxValue : -count) : count;
        int removed = list.Remove(c.Args[3], limit, fromTail: count < 0);
        c.Reply.WriteInteger(removed);
        if (removed == 0) return;
        bool emptied = DeleteIfEmpty(db, slot, list);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.List, "lrem"u8, c.Args[1]);
        if (emptied) c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
    }

    /// <summary>LTRIM key start stop</summary>
    public static void LTrim(Client c)
    {
        if (!TryParseLong(c, c.Args[2], out long start) || !TryParseLong(c, c.Args[3], out long end)) return;
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1]);
        if (slot < 0)
        {
            c.Reply.WriteOk();
            return;
        }
        RedisList? list = AsList(c, db, slot);
        if (list is null) return;
        long length = list.Count;
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        long fromHead, fromTail;
        if (start > end || start >= length)
        {
            // Out of range: the list is emptied (ltrimCommand).
            fromHead = length;
            fromTail = 0;
        }
        else
        {
            if (end >= length) end = length - 1;
            fromHead = start;
            fromTail = length - end - 1;
        }
        list.Trim((int)fromHead, (int)fromTail);
        c.Reply.WriteOk();
        // ltrimCommand notifies even when nothing was trimmed.
        c.Notify(KeyspaceEvents.List, "ltrim"u8, c.Args[1]);
        if (fromHead + fromTail == 0) return;
        bool emptied = DeleteIfEmpty(db, slot, list);
        db.KeyModified(c.Args[1]);
        if (emptied) c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
    }

    /// <summary>LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key.</summary>
    public static void LInsert(Client c)
    {
        bool after;
        if (Ascii.EqualsIgnoreCase(c.Args[2], "after"u8)) after = true;
        else if (Ascii.EqualsIgnoreCase(c.Args[2], "before"u8)) after = false;
        else
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        Database db = c.Db;
        int slot = db.Lookup(c.Args[1]);
        if (slot < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        RedisList? list = AsList(c, db, slot);
        if (list is null) return;
        ReadOnlySpan<byte> pivot = c.Args[3];
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].AsSpan().SequenceEqual(pivot)) continue;
            list.Insert(after ? i + 1 : i, c.Args.ToArray(4));
            c.Reply.WriteInteger(list.Count);
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.List, "linsert"u8, c.Args[1]);
            return;
        }
        c.Reply.WriteInteger(-1);
    }

    /// <summary>getLongFromObjectOrReply with the default message.</summary>
    private static bool TryParseLong(Client c, ReadOnlySpan<byte> arg, out long value)
    {
        if (NumberParser.TryParseInt64(arg, out value)) return true;
        c.Reply.WriteError(Errors.NotInteger);
        return false;
    }

    /// <summary>getPositiveLongFromObjectOrReply: a non-negative integer; anything else replies <paramref name="error"/>.</summary>
    private static bool TryParsePositive(Client c, ReadOnlySpan<byte> arg, ReadOnlySpan<byte> error, out long value)
    {
        if (NumberParser.TryParseInt64(arg, out value) && value >= 0) return true;
        c.Reply.WriteError(error);
        return false;
    }

    /// <summary>getListPositionFromObjectOrReply: LEFT (head) or RIGHT, any case; otherwise a syntax error.</summary>
    private static bool TryParseWhere(Client c, ReadOnlySpan<byte> arg, out bool head)
    {
        head = Ascii.EqualsIgnoreCase(arg, "left"u8);
        if (head || Ascii.EqualsIgnoreCase(arg, "right"u8)) return true;
        c.Reply.WriteError(Errors.Syntax);
        return false;
    }

    private static string ArityError(Client c) => $"ERR wrong number of arguments for '{c.LastCommand!.FullName}' command";
}
