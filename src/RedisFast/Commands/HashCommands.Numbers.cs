using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>HINCRBY and HINCRBYFLOAT (t_hash.c hincrbyCommand, hincrbyfloatCommand).</summary>
internal static partial class HashCommands
{
    /// <summary>
    /// HINCRBY key field increment: the increment is checked first, a missing field counts as 0, a stored value
    /// must be a string2ll integer ("ERR hash value is not an integer"), and overflow is refused.
    /// </summary>
    public static void HIncrBy(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[3], out long increment))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        RedisHash? hash = GetOrCreateForWrite(c, ListpackBytes(c, 2) + 20);
        if (hash is null) return;
        long value = 0;
        int position = hash.Find(c.Args[2]);
        if (position >= 0 && !NumberParser.TryParseInt64(hash.ValueAt(position), out value))
        {
            c.Reply.WriteError("ERR hash value is not an integer"u8);
            return;
        }
        if ((increment < 0 && value < 0 && increment < long.MinValue - value) ||
            (increment > 0 && value > 0 && increment > long.MaxValue - value))
        {
            c.Reply.WriteError(Errors.Overflow);
            return;
        }
        value += increment;
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(value, digits, out int length);
        var config = c.Server.Config;
        hash.Set(c.Args[2], digits[..length], config.HashMaxListpackEntries, config.HashMaxListpackValue);
        c.Db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.Hash, "hincrby"u8, c.Args[1]);
        c.Reply.WriteInteger(value);
    }

    /// <summary>
    /// HINCRBYFLOAT key field increment, in 80-bit long double like INCRBYFLOAT: the increment must be a finite
    /// float, the stored value a float ("ERR hash value is not a float"), the sum finite; the result is stored
    /// as its "%.17Lf" text (a result longer than hash-max-listpack-value converts the hash, as hashTypeSet does).
    /// </summary>
    public static void HIncrByFloat(Client c)
    {
        if (!LongDouble.TryParse(c.Args[3], out LongDouble increment))
        {
            c.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (increment.IsInfinity)
        {
            c.Reply.WriteError("ERR value is NaN or Infinity"u8);
            return;
        }
        RedisHash? hash = GetOrCreateForWrite(c, ListpackBytes(c, 2) + 20);
        if (hash is null) return;
        LongDouble value = default;
        int position = hash.Find(c.Args[2]);
        if (position >= 0 && !LongDouble.TryParse(hash.ValueAt(position), out value))
        {
            c.Reply.WriteError("ERR hash value is not a float"u8);
            return;
        }
        if (value.IsInfinity || !LongDouble.TryAdd(value, increment, out LongDouble sum) || sum.IsInfinity)
        {
            c.Reply.WriteError("ERR increment would produce NaN or Infinity"u8);
            return;
        }
        byte[] text = sum.FormatHuman();
        var config = c.Server.Config;
        hash.Set(c.Args[2], text, config.HashMaxListpackEntries, config.HashMaxListpackValue);
        c.Db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.Hash, "hincrbyfloat"u8, c.Args[1]);
        c.Reply.WriteBulk(text);
    }
}
