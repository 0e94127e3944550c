using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>The expiry commands (Redis 7.0's expire.c): EXPIRE family, TTL family, PERSIST.</summary>
internal static partial class KeyCommands
{
    [Flags]
    private enum ExpireCondition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    /// <summary>EXPIRE key seconds [NX|XX|GT|LT]</summary>
    public static void Expire(Client c) => ExpireGeneric(c, relative: true, seconds: true);

    /// <summary>PEXPIRE key milliseconds [NX|XX|GT|LT]</summary>
    public static void PExpire(Client c) => ExpireGeneric(c, relative: true, seconds: false);

    /// <summary>EXPIREAT key unix-time-seconds [NX|XX|GT|LT]</summary>
    public static void ExpireAt(Client c) => ExpireGeneric(c, relative: false, seconds: true);

    /// <summary>PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]</summary>
    public static void PExpireAt(Client c) => ExpireGeneric(c, relative: false, seconds: false);

    /// <summary>
    /// expire.c expireGenericCommand: options are checked before the number, the number before the key; a time
    /// already past deletes the key (and still replies 1).
    /// </summary>
    private static void ExpireGeneric(Client c, bool relative, bool seconds)
    {
        if (!TryParseExpireCondition(c, out ExpireCondition condition)) return;
        if (!NumberParser.TryParseInt64(c.Args[2], out long when))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        Database db = c.Db;
        long now = c.Server.Keyspace.Now;
        long basetime = relative ? now : 0;
        // Overflow in the unit conversion or the addition is an error, as in Redis; negative values are allowed.
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                WriteInvalidExpireTime(c);
                return;
            }
            when *= 1000;
        }
        if (when > long.MaxValue - basetime)
        {
            WriteInvalidExpireTime(c);
            return;
        }
        when += basetime;

        int index = db.Lookup(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (condition != ExpireCondition.None)
        {
            long current = db.Table[index].ExpireAt;
            bool persistent = current == KeyTable.NoExpiry;
            // A key without expiry counts as an infinite TTL: GT never passes, LT always does.
            bool refused = ((condition & ExpireCondition.Nx) != 0 && !persistent)
                || ((condition & ExpireCondition.Xx) != 0 && persistent)
                || ((condition & ExpireCondition.Gt) != 0 && (persistent || when <= current))
                || ((condition & ExpireCondition.Lt) != 0 && !persistent && when >= current);
            if (refused)
            {
                c.Reply.WriteInteger(0);
                return;
            }
        }
        if (when <= now)
        {
            // checkAlreadyExpired: deleted as by DEL (not counted in expired_keys), and logged as DEL.
            db.Delete(index);
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
            if (c.PropagateAs(2) is { } p) p.Add("DEL"u8).Add(c.Args[1]);
        }
        else
        {
            db.Table.SetExpire(index, when);
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Generic, "expire"u8, c.Args[1]);
            // expire.c expireGenericCommand: logged as PEXPIREAT key absolute-ms, the NX/XX/GT/LT options kept.
            if (c.PropagateAs(c.Argc) is { } p)
            {
                p.Add("PEXPIREAT"u8).Add(c.Args[1]).Add(when);
                for (int i = 3; i < c.Argc; i++) p.Add(c.Args[i]);
            }
        }
        c.Reply.WriteInteger(1);
    }

    /// <summary>expire.c parseExtendedExpireArgumentsOrReply.</summary>
    private static bool TryParseExpireCondition(Client c, out ExpireCondition condition)
    {
        condition = ExpireCondition.None;
        for (int j = 3; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> option = c.Args[j];
            if (System.Text.Ascii.EqualsIgnoreCase(option, "nx"u8)) condition |= ExpireCondition.Nx;
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "xx"u8)) condition |= ExpireCondition.Xx;
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "gt"u8)) condition |= ExpireCondition.Gt;
            else if (System.Text.Ascii.EqualsIgnoreCase(option, "lt"u8)) condition |= ExpireCondition.Lt;
            else
            {
                WriteUnsupportedOption(c, option);
                return false;
            }
        }
        if ((condition & ExpireCondition.Nx) != 0 && (condition & (ExpireCondition.Xx | ExpireCondition.Gt | ExpireCondition.Lt)) != 0)
        {
            c.Reply.WriteError("ERR NX and XX, GT or LT options at the same time are not compatible"u8);
            return false;
        }
        if ((condition & (ExpireCondition.Gt | ExpireCondition.Lt)) == (ExpireCondition.Gt | ExpireCondition.Lt))
        {
            c.Reply.WriteError("ERR GT and LT options at the same time are not compatible"u8);
            return false;
        }
        return true;
    }

    private static void WriteUnsupportedOption(Client c, ReadOnlySpan<byte> option)
    {
        // addReplyErrorFormat("Unsupported option %s"): the option as sent, up to a NUL byte as %s would stop.
        option = CString.Of(option);
        byte[] message = new byte["ERR Unsupported option "u8.Length + option.Length];
        "ERR Unsupported option "u8.CopyTo(message);
        option.CopyTo(message.AsSpan("ERR Unsupported option "u8.Length));
        c.Reply.WriteError(SanitizeError(message));
    }

    /// <summary>addReplyErrorLength turns CR and LF in an error into spaces so the reply stays one line.</summary>
    private static byte[] SanitizeError(byte[] message)
    {
        for (int i = 0; i < message.Length; i++)
        {
            if (message[i] is (byte)'\r' or (byte)'\n') message[i] = (byte)' ';
        }
        return message;
    }

    private static void WriteInvalidExpireTime(Client c) =>
        c.Reply.WriteError("ERR invalid expire time in '" + c.LastCommand!.FullName + "' command");

    /// <summary>TTL key</summary>
    public static void Ttl(Client c) => TtlGeneric(c, milliseconds: false, absolute: false);

    /// <summary>PTTL key</summary>
    public static void PTtl(Client c) => TtlGeneric(c, milliseconds: true, absolute: false);

    /// <summary>EXPIRETIME key</summary>
    public static void ExpireTime(Client c) => TtlGeneric(c, milliseconds: false, absolute: true);

    /// <summary>PEXPIRETIME key</summary>
    public static void PExpireTime(Client c) => TtlGeneric(c, milliseconds: true, absolute: true);

    /// <summary>expire.c ttlGenericCommand: -2 for a missing key, -1 for no expiry; seconds are rounded.</summary>
    private static void TtlGeneric(Client c, bool milliseconds, bool absolute)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteInteger(-2);
            return;
        }
        long expire = db.Table[index].ExpireAt;
        if (expire == KeyTable.NoExpiry)
        {
            c.Reply.WriteInteger(-1);
            return;
        }
        long ttl = absolute ? expire : expire - c.Server.Keyspace.Now;
        if (ttl < 0) ttl = 0;
        // (ttl+500)/1000, rounded to the nearest second; written so it cannot overflow near LLONG_MAX, where
        // redis-server 7.0.15 also replies the mathematically rounded value (EXPIRETIME 9223372036854776).
        c.Reply.WriteInteger(milliseconds ? ttl : ttl / 1000 + (ttl % 1000 + 500) / 1000);
    }

    /// <summary>PERSIST key</summary>
    public static void Persist(Client c)
    {
        Database db = c.Db;
        int index = db.Lookup(c.Args[1]);
        if (index < 0 || db.Table[index].ExpireAt == KeyTable.NoExpiry)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        db.Table.SetExpire(index, KeyTable.NoExpiry);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.Generic, "persist"u8, c.Args[1]);
        c.Reply.WriteInteger(1);
    }
}
