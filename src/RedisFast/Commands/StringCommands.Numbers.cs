using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT (t_string.c incrDecrCommand, incrbyfloatCommand).</summary>
internal static partial class StringCommands
{
    /// <summary>INCR key</summary>
    public static void Incr(Client c) => IncrDecr(c, 1);

    /// <summary>DECR key</summary>
    public static void Decr(Client c) => IncrDecr(c, -1);

    /// <summary>INCRBY key increment: the increment is checked before the key.</summary>
    public static void IncrBy(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[2], out long increment))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        IncrDecr(c, increment);
    }

    /// <summary>DECRBY key decrement: LLONG_MIN cannot be negated ("ERR decrement would overflow").</summary>
    public static void DecrBy(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[2], out long decrement))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (decrement == long.MinValue)
        {
            c.Reply.WriteError("ERR decrement would overflow"u8);
            return;
        }
        IncrDecr(c, -decrement);
    }

    /// <summary>
    /// incrDecrCommand: a missing key counts as 0; the result is an "int" string and the TTL stays. The common
    /// case (an existing int key) changes the number in place and allocates nothing.
    /// </summary>
    private static void IncrDecr(Client c, long increment)
    {
        Database db = c.Db;
        int index = db.LookupOrAdd(c.Args[1], out bool added);
        if (added)
        {
            db.SetInteger(index, increment);
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.String, "incrby"u8, c.Args[1]);
            c.Reply.WriteInteger(increment);
            return;
        }
        ref KeyEntry e = ref db.Table[index];
        long value;
        if (e.Kind == ValueKind.StringInt)
        {
            value = e.Number;
        }
        else if (!Database.IsString(e.Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        else if (!NumberParser.TryParseInt64(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length), out value))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if ((increment < 0 && value < 0 && increment < long.MinValue - value) ||
            (increment > 0 && value > 0 && increment > long.MaxValue - value))
        {
            c.Reply.WriteError(Errors.Overflow);
            return;
        }
        value += increment;
        db.SetInteger(index, value);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.String, "incrby"u8, c.Args[1]);
        c.Reply.WriteInteger(value);
    }

    /// <summary>
    /// INCRBYFLOAT key increment, in 80-bit long double as Redis computes it on x86-64: the stored value is parsed
    /// first, then the increment (both "ERR value is not a valid float"), a NaN or infinite sum is refused, and the
    /// result is stored as its "%.17Lf" text (embstr/raw, never int) with the TTL kept.
    /// </summary>
    public static void IncrByFloat(Client c)
    {
        Database db = c.Db;
        int index = db.Lookup(c.Args[1]);
        LongDouble value = default;
        if (index >= 0)
        {
            ref KeyEntry e = ref db.Table[index];
            if (!Database.IsString(e.Kind))
            {
                c.Reply.WriteError(Errors.WrongType);
                return;
            }
            if (e.Kind == ValueKind.StringInt) value = LongDouble.FromInt64(e.Number);
            else if (!LongDouble.TryParse(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length), out value))
            {
                c.Reply.WriteError(Errors.NotFloat);
                return;
            }
        }
        if (!LongDouble.TryParse(c.Args[2], out LongDouble increment))
        {
            c.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (value.IsInfinity || !LongDouble.TryAdd(value, increment, out LongDouble sum))
        {
            c.Reply.WriteError("ERR increment would produce NaN or Infinity"u8);
            return;
        }
        byte[] text = sum.FormatHuman();
        if (index < 0) index = db.LookupOrAdd(c.Args[1], out _);
        db.SetStringNoInteger(index, text);
        db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.String, "incrbyfloat"u8, c.Args[1]);
        // t_string.c incrbyfloatCommand: logged as SET key result KEEPTTL, so float formatting never replays differently.
        if (c.PropagateAs(4) is { } p) p.Add("SET"u8).Add(c.Args[1]).Add(text).Add("KEEPTTL"u8);
        c.Reply.WriteBulk(text);
    }
}
