using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// String commands (Redis 7.0's t_string.c): GET, SET and its variants, MGET/MSET, GETEX/GETDEL/GETSET here;
/// counters in StringCommands.Numbers.cs; APPEND, STRLEN, GETRANGE, SETRANGE and LCS in StringCommands.Ranges.cs.
/// </summary>
internal static partial class StringCommands
{
    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("get", 2, ReadOnly | Fast, 1, 1, 1, Get, "string");
        t.Add("set", -3, Write | DenyOom, 1, 1, 1, Set, "string");
        t.Add("setnx", 3, Write | DenyOom | Fast, 1, 1, 1, SetNx, "string");
        t.Add("setex", 4, Write | DenyOom, 1, 1, 1, SetEx, "string");
        t.Add("psetex", 4, Write | DenyOom, 1, 1, 1, PSetEx, "string");
        t.Add("mget", -2, ReadOnly | Fast, 1, -1, 1, MGet, "string");
        t.Add("mset", -3, Write | DenyOom, 1, -1, 2, MSet, "string");
        t.Add("msetnx", -3, Write | DenyOom, 1, -1, 2, MSetNx, "string");
        t.Add("getset", 3, Write | DenyOom | Fast, 1, 1, 1, GetSet, "string");
        t.Add("getdel", 2, Write | Fast, 1, 1, 1, GetDel, "string");
        t.Add("getex", -2, Write | Fast, 1, 1, 1, GetEx, "string");
        t.Add("append", 3, Write | DenyOom | Fast, 1, 1, 1, Append, "string");
        t.Add("strlen", 2, ReadOnly | Fast, 1, 1, 1, StrLen, "string");
        t.Add("incr", 2, Write | DenyOom | Fast, 1, 1, 1, Incr, "string");
        t.Add("decr", 2, Write | DenyOom | Fast, 1, 1, 1, Decr, "string");
        t.Add("incrby", 3, Write | DenyOom | Fast, 1, 1, 1, IncrBy, "string");
        t.Add("decrby", 3, Write | DenyOom | Fast, 1, 1, 1, DecrBy, "string");
        t.Add("incrbyfloat", 3, Write | DenyOom | Fast, 1, 1, 1, IncrByFloat, "string");
        t.Add("getrange", 4, ReadOnly, 1, 1, 1, GetRange, "string");
        t.Add("substr", 4, ReadOnly, 1, 1, 1, GetRange, "string");
        t.Add("setrange", 4, Write | DenyOom, 1, 1, 1, SetRange, "string");
        t.Add("lcs", -3, ReadOnly, 1, 2, 1, Lcs, "string");
    }

    // Option flags of SET and GETEX (t_string.c OBJ_SET_NX ... OBJ_PERSIST).
    private const int OptNx = 1 << 0;
    private const int OptXx = 1 << 1;
    private const int OptEx = 1 << 2;
    private const int OptPx = 1 << 3;
    private const int OptKeepTtl = 1 << 4;
    private const int OptGet = 1 << 5;
    private const int OptExAt = 1 << 6;
    private const int OptPxAt = 1 << 7;
    private const int OptPersist = 1 << 8;
    private const int AnyExpire = OptEx | OptPx | OptExAt | OptPxAt;

    /// <summary>GET key</summary>
    public static void Get(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        WriteStringOrWrongType(c, db, index);
    }

    /// <summary>
    /// getGenericCommand after the lookup: replies the string, or WRONGTYPE (returning false) for another type.
    /// </summary>
    private static bool WriteStringOrWrongType(Client c, Database db, int index)
    {
        ref KeyEntry e = ref db.Table.Peek(index);
        if (e.Kind == ValueKind.StringInt) c.Reply.WriteBulk(e.Number);
        else if (Database.IsString(e.Kind)) c.Reply.WriteBulk(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length));
        else
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        return true;
    }

    /// <summary>SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]</summary>
    public static void Set(Client c)
    {
        if (c.Argc == 3)
        {
            Database db = c.Db;
            int index = db.LookupOrAdd(c.Args[1], out _);
            db.SetString(index, c.Args[2], keepTtl: false);
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.String, "set"u8, c.Args[1]);
            c.Reply.WriteOk();
            return;
        }
        int flags = 0, expireArg = 0;
        if (!TryParseOptions(c, forSet: true, ref flags, ref expireArg)) return;
        SetGeneric(c, flags, 1, 2, expireArg, "ERR invalid expire time in 'set' command"u8, setNxReplies: false);
    }

    /// <summary>SETNX key value: 1 when set, 0 when the key exists.</summary>
    public static void SetNx(Client c) => SetGeneric(c, OptNx, 1, 2, 0, default, setNxReplies: true);

    /// <summary>SETEX key seconds value</summary>
    public static void SetEx(Client c) => SetGeneric(c, OptEx, 1, 3, 2, "ERR invalid expire time in 'setex' command"u8, setNxReplies: false);

    /// <summary>PSETEX key milliseconds value</summary>
    public static void PSetEx(Client c) => SetGeneric(c, OptPx, 1, 3, 2, "ERR invalid expire time in 'psetex' command"u8, setNxReplies: false);

    /// <summary>
    /// t_string.c setGenericCommand: expire validated first, then GET's reply (WRONGTYPE stops everything), then
    /// NX/XX, then the write. An expire time already past still sets the key (it expires on next access), as in 7.0.
    /// </summary>
    private static void SetGeneric(Client c, int flags, int keyArg, int valueArg, int expireArg,
        ReadOnlySpan<byte> invalidExpire, bool setNxReplies)
    {
        long expireAt = KeyTable.NoExpiry;
        if (expireArg != 0 && !TryGetExpireAt(c, c.Args[expireArg], flags, invalidExpire, out expireAt)) return;
        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[keyArg];
        if ((flags & OptGet) != 0)
        {
            int old = db.LookupRead(key);
            if (old < 0) c.Reply.WriteNull();
            else if (!WriteStringOrWrongType(c, db, old)) return;
        }
        bool found = db.Lookup(key) >= 0;
        if (((flags & OptNx) != 0 && found) || ((flags & OptXx) != 0 && !found))
        {
            if ((flags & OptGet) == 0)
            {
                if (setNxReplies) c.Reply.WriteRaw(":0\r\n"u8);
                else c.Reply.WriteNull();
            }
            return;
        }
        int index = db.LookupOrAdd(key, out _);
        db.SetString(index, c.Args[valueArg], keepTtl: (flags & OptKeepTtl) != 0);
        if (expireAt != KeyTable.NoExpiry) db.Table.SetExpire(index, expireAt);
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.String, "set"u8, key);
        if (expireAt != KeyTable.NoExpiry) c.Notify(KeyspaceEvents.Generic, "expire"u8, key);
        // t_string.c setGenericCommand: any expiry is logged as SET key value PXAT ms (other options dropped); GET
        // without an expiry is logged without the GET argument.
        if (expireArg != 0)
        {
            if (c.PropagateAs(5) is { } p) p.Add("SET"u8).Add(key).Add(c.Args[valueArg]).Add("PXAT"u8).Add(expireAt);
        }
        else if ((flags & OptGet) != 0) PropagateWithoutGet(c);
        if ((flags & OptGet) == 0)
        {
            if (setNxReplies) c.Reply.WriteRaw(":1\r\n"u8);
            else c.Reply.WriteOk();
        }
    }

    /// <summary>SET ... GET is logged without its GET arguments (every one of them, as Redis filters argv).</summary>
    private static void PropagateWithoutGet(Client c)
    {
        int gets = 0;
        for (int i = 3; i < c.Argc; i++)
            if (Is(CString.Of(c.Args[i]), "GET"u8)) gets++;
        if (c.PropagateAs(c.Argc - gets) is not { } p) return;
        for (int i = 0; i < c.Argc; i++)
            if (i < 3 || !Is(CString.Of(c.Args[i]), "GET"u8)) p.Add(c.Args[i]);
    }

    /// <summary>
    /// t_string.c parseExtendedStringArgumentsOrReply for SET (<paramref name="forSet"/>) and GETEX: options from
    /// argument 3 (SET) or 2 (GETEX); a conflicting or unknown option is "ERR syntax error". Options compare as C
    /// strings (up to an embedded NUL), as Redis's strcasecmp does.
    /// </summary>
    private static bool TryParseOptions(Client c, bool forSet, ref int flags, ref int expireArg)
    {
        for (int j = forSet ? 3 : 2; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> opt = CString.Of(c.Args[j]);
            bool hasNext = j < c.Argc - 1;
            int expireFlag = 0;
            if (forSet && Is(opt, "NX"u8) && (flags & OptXx) == 0) flags |= OptNx;
            else if (forSet && Is(opt, "XX"u8) && (flags & OptNx) == 0) flags |= OptXx;
            else if (forSet && Is(opt, "GET"u8)) flags |= OptGet;
            else if (forSet && Is(opt, "KEEPTTL"u8) && (flags & (OptPersist | AnyExpire)) == 0) flags |= OptKeepTtl;
            else if (!forSet && Is(opt, "PERSIST"u8) && (flags & (AnyExpire | OptKeepTtl)) == 0) flags |= OptPersist;
            else if (Is(opt, "EX"u8)) expireFlag = OptEx;
            else if (Is(opt, "PX"u8)) expireFlag = OptPx;
            else if (Is(opt, "EXAT"u8)) expireFlag = OptExAt;
            else if (Is(opt, "PXAT"u8)) expireFlag = OptPxAt;
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return false;
            }
            if (expireFlag != 0)
            {
                // Repeating the same expire option is allowed (the last wins); mixing kinds is not.
                if ((flags & (OptKeepTtl | OptPersist | (AnyExpire & ~expireFlag))) != 0 || !hasNext)
                {
                    c.Reply.WriteError(Errors.Syntax);
                    return false;
                }
                flags |= expireFlag;
                expireArg = ++j;
            }
        }
        return true;
    }

    /// <summary>
    /// t_string.c getExpireMillisecondsOrReply: the absolute expiry in unix ms. Non-positive values, seconds that
    /// overflow when multiplied by 1000, and relative times that overflow when added to now are refused with
    /// <paramref name="invalidExpire"/>.
    /// </summary>
    private static bool TryGetExpireAt(Client c, ReadOnlySpan<byte> arg, int flags, ReadOnlySpan<byte> invalidExpire, out long at)
    {
        if (!Protocol.NumberParser.TryParseInt64(arg, out at))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return false;
        }
        bool seconds = (flags & (OptEx | OptExAt)) != 0;
        if (at <= 0 || (seconds && at > long.MaxValue / 1000))
        {
            c.Reply.WriteError(invalidExpire);
            return false;
        }
        if (seconds) at *= 1000;
        // Redis adds in C and checks for a wrapped (non-positive) result: do the same unchecked add.
        if ((flags & (OptEx | OptPx)) != 0) at = unchecked(at + c.Db.Now);
        if (at <= 0)
        {
            c.Reply.WriteError(invalidExpire);
            return false;
        }
        return true;
    }

    /// <summary>MGET key [key ...]: a null for a missing key or a key of another type.</summary>
    public static void MGet(Client c)
    {
        Database db = c.Db;
        int argc = c.Argc;
        c.Reply.WriteArrayHeader(argc - 1);
        for (int j = 1; j < argc; j++)
        {
            int index = db.LookupRead(c.Args[j]);
            if (index < 0)
            {
                c.Reply.WriteNull();
                continue;
            }
            ref KeyEntry e = ref db.Table[index];
            if (e.Kind == ValueKind.StringInt) c.Reply.WriteBulk(e.Number);
            else if (Database.IsString(e.Kind)) c.Reply.WriteBulk(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length));
            else c.Reply.WriteNull();
        }
    }

    /// <summary>MSET key value [key value ...]</summary>
    public static void MSet(Client c) => MSetGeneric(c, nx: false);

    /// <summary>MSETNX key value [key value ...]: sets all or none (1/0).</summary>
    public static void MSetNx(Client c) => MSetGeneric(c, nx: true);

    private static void MSetGeneric(Client c, bool nx)
    {
        if (c.Argc % 2 == 0)
        {
            c.Reply.WriteError(nx ? "ERR wrong number of arguments for 'msetnx' command"u8 : "ERR wrong number of arguments for 'mset' command"u8);
            return;
        }
        Database db = c.Db;
        if (nx)
        {
            for (int j = 1; j < c.Argc; j += 2)
            {
                if (db.Lookup(c.Args[j]) >= 0)
                {
                    c.Reply.WriteRaw(":0\r\n"u8);
                    return;
                }
            }
        }
        for (int j = 1; j < c.Argc; j += 2)
        {
            int index = db.LookupOrAdd(c.Args[j], out _);
            db.SetString(index, c.Args[j + 1], keepTtl: false);
            db.KeyModified(c.Args[j]);
            c.Notify(KeyspaceEvents.String, "set"u8, c.Args[j]);
        }
        if (nx) c.Reply.WriteRaw(":1\r\n"u8);
        else c.Reply.WriteOk();
    }

    /// <summary>GETSET key value: the old value (or null), then a plain SET (the TTL goes).</summary>
    public static void GetSet(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0) c.Reply.WriteNull();
        else if (!WriteStringOrWrongType(c, db, index)) return;
        index = db.LookupOrAdd(c.Args[1], out _);
        db.SetString(index, c.Args[2], keepTtl: false);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.String, "set"u8, c.Args[1]);
        // t_string.c getsetCommand: logged as SET.
        if (c.PropagateAs(3) is { } p) p.Add("SET"u8).Add(c.Args[1]).Add(c.Args[2]);
    }

    /// <summary>GETDEL key</summary>
    public static void GetDel(Client c)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!WriteStringOrWrongType(c, db, index)) return;
        db.Delete(index);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
        // t_string.c getdelCommand: logged as DEL.
        if (c.PropagateAs(2) is { } p) p.Add("DEL"u8).Add(c.Args[1]);
    }

    /// <summary>
    /// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST].
    /// Order as t_string.c getexCommand: syntax, lookup (a missing key answers null even with a bad expire), type,
    /// expire value, reply, then the change; an EXAT/PXAT already past deletes the key.
    /// </summary>
    public static void GetEx(Client c)
    {
        int flags = 0, expireArg = 0;
        if (!TryParseOptions(c, forSet: false, ref flags, ref expireArg)) return;
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!Database.IsString(db.Table[index].Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        long at = KeyTable.NoExpiry;
        if (expireArg != 0 && !TryGetExpireAt(c, c.Args[expireArg], flags, "ERR invalid expire time in 'getex' command"u8, out at)) return;
        WriteStringOrWrongType(c, db, index);
        ReadOnlySpan<byte> key = c.Args[1];
        // t_string.c getexCommand propagates DEL, PEXPIREAT key ms or PERSIST key for what it did.
        if ((flags & (OptExAt | OptPxAt)) != 0 && at <= db.Now)
        {
            db.Delete(index);
            db.KeyModified(key);
            c.Notify(KeyspaceEvents.Generic, "del"u8, key);
            if (c.PropagateAs(2) is { } p) p.Add("DEL"u8).Add(key);
        }
        else if (expireArg != 0)
        {
            db.Table.SetExpire(index, at);
            db.KeyModified(key);
            c.Notify(KeyspaceEvents.Generic, "expire"u8, key);
            if (c.PropagateAs(3) is { } p) p.Add("PEXPIREAT"u8).Add(key).Add(at);
        }
        else if ((flags & OptPersist) != 0 && db.Table[index].ExpireAt != KeyTable.NoExpiry)
        {
            db.Table.SetExpire(index, KeyTable.NoExpiry);
            db.KeyModified(key);
            c.Notify(KeyspaceEvents.Generic, "persist"u8, key);
            if (c.PropagateAs(2) is { } p) p.Add("PERSIST"u8).Add(key);
        }
    }

    /// <summary>ASCII case-insensitive equality against an upper-case literal.</summary>
    private static bool Is(ReadOnlySpan<byte> arg, ReadOnlySpan<byte> upper)
    {
        if (arg.Length != upper.Length) return false;
        for (int i = 0; i < arg.Length; i++)
            if ((arg[i] & 0xDF) != upper[i]) return false;
        return true;
    }
}
