using RedisFast.Server;
using System.Numerics;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Bit operations on strings (Redis 7.0's bitops.c): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO. Bit 0
/// is the most significant bit of the first byte; a missing key reads as an infinite run of zero bits; a string a
/// command writes into becomes "raw" and grows zero-padded to the highest bit written.
/// </summary>
internal static class BitmapCommands
{
    private const string BitOffsetError = "ERR bit offset is not an integer or out of range";
    private const string BitfieldTypeError = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private enum Overflow
    {
        Wrap,
        Sat,
        Fail,
    }

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("setbit", 4, Write | DenyOom, 1, 1, 1, SetBit, "bitmap");
        t.Add("getbit", 3, ReadOnly | Fast, 1, 1, 1, GetBit, "bitmap");
        t.Add("bitcount", -2, ReadOnly, 1, 1, 1, BitCount, "bitmap");
        t.Add("bitpos", -3, ReadOnly, 1, 1, 1, BitPos, "bitmap");
        t.Add("bitop", -4, Write | DenyOom, 2, -1, 1, BitOp, "bitmap");
        t.Add("bitfield", -2, Write | DenyOom, 1, 1, 1, BitField, "bitmap");
        t.Add("bitfield_ro", -2, ReadOnly | Fast, 1, 1, 1, BitFieldReadOnly, "bitmap");
    }

    /// <summary>
    /// getBitOffsetFromArgument: a bit offset, or with <paramref name="bits"/> &gt; 0 also "#N" meaning N times the
    /// field width; below 0 or at proto-max-bulk-len bytes and beyond is an error.
    /// </summary>
    private static bool TryParseBitOffset(Client c, ReadOnlySpan<byte> arg, int bits, out long offset)
    {
        bool hash = bits > 0 && arg.Length > 0 && arg[0] == '#';
        if (!NumberParser.TryParseInt64(hash ? arg[1..] : arg, out offset))
        {
            c.Reply.WriteError(BitOffsetError);
            return false;
        }
        if (hash) offset = unchecked(offset * bits);
        // .NET arrays stop at Array.MaxLength: the same error beyond it, whatever proto-max-bulk-len says.
        if (offset < 0 || (offset >> 3) >= Math.Min(c.Server.Config.ProtoMaxBulkLen, Array.MaxLength))
        {
            c.Reply.WriteError(BitOffsetError);
            return false;
        }
        return true;
    }

    /// <summary>
    /// lookupStringForBitCommand: the string at argument 1 as raw bytes, created or zero-grown to hold bit
    /// <paramref name="maxBit"/>; -1 after an error reply (WRONGTYPE, or beyond what an array holds). <paramref name="grew"/>: created or made longer.
    /// </summary>
    private static int StringForWrite(Client c, long maxBit, out bool grew)
    {
        Database db = c.Db;
        grew = false;
        if ((maxBit >> 3) >= Array.MaxLength)
        {
            c.Reply.WriteError("ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8);
            return -1;
        }
        int needed = (int)(maxBit >> 3) + 1;
        int index = db.LookupOrAdd(c.Args[1], out bool added);
        grew = added;
        if (added)
        {
            db.SetStringNoInteger(index, ReadOnlySpan<byte>.Empty);
        }
        else if (!Database.IsString(db.Table[index].Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return -1;
        }
        int length = db.StringLength(index);
        if (needed > length) grew = true;
        db.GrowRawString(index, Math.Max(needed, length));
        return index;
    }

    /// <summary>The string at argument 1 for reading (0 length when missing), or false after a WRONGTYPE reply.</summary>
    private static bool TryReadString(Client c, Span<byte> scratch, out ReadOnlySpan<byte> value, out bool exists)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        exists = index >= 0;
        value = default;
        if (index < 0) return true;
        if (!Database.IsString(db.Table[index].Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        value = db.GetStringBytes(index, scratch);
        return true;
    }

    /// <summary>SETBIT key offset value: the bit's previous value. A bit set to what it was changes nothing.</summary>
    public static void SetBit(Client c)
    {
        if (!TryParseBitOffset(c, c.Args[2], 0, out long offset)) return;
        if (!NumberParser.TryParseInt64(c.Args[3], out long on) || (on & ~1L) != 0)
        {
            c.Reply.WriteError("ERR bit is not an integer or out of range"u8);
            return;
        }
        int index = StringForWrite(c, offset, out bool grew);
        if (index < 0) return;
        Database db = c.Db;
        Span<byte> bytes = db.GrowRawString(index, db.StringLength(index));
        int bit = 7 - (int)(offset & 7);
        ref byte b = ref bytes[(int)(offset >> 3)];
        int old = (b >> bit) & 1;
        if (grew || old != on)
        {
            b = (byte)((b & ~(1 << bit)) | ((int)on << bit));
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.String, "setbit"u8, c.Args[1]);
        }
        c.Reply.WriteInteger(old);
    }

    /// <summary>GETBIT key offset: 0 past the end of the string or for a missing key.</summary>
    public static void GetBit(Client c)
    {
        if (!TryParseBitOffset(c, c.Args[2], 0, out long offset)) return;
        Span<byte> scratch = stackalloc byte[20];
        if (!TryReadString(c, scratch, out ReadOnlySpan<byte> value, out _)) return;
        long at = offset >> 3;
        c.Reply.WriteInteger(at < value.Length ? (value[(int)at] >> (7 - (int)(offset & 7))) & 1 : 0);
    }

    /// <summary>
    /// A start/end range of BITCOUNT or BITPOS over <paramref name="length"/> bytes, in bytes or (BIT) in bits, as
    /// bit positions [first, last]; empty when first &gt; last. Negative indexes count from the end.
    /// </summary>
    private static (long First, long Last) BitRange(long start, long end, long length, bool bit)
    {
        long total = bit ? length << 3 : length;
        if (start < 0) start = total + start;
        if (end < 0) end = total + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        return bit ? (start, end) : (start << 3, (end << 3) + 7);
    }

    /// <summary>BYTE or BIT (case-insensitive), or false after a syntax error reply.</summary>
    private static bool TryParseUnit(Client c, ReadOnlySpan<byte> arg, out bool bit)
    {
        bit = Ascii.EqualsIgnoreCase(arg, "bit"u8);
        if (bit || Ascii.EqualsIgnoreCase(arg, "byte"u8)) return true;
        c.Reply.WriteError(Errors.Syntax);
        return false;
    }

    /// <summary>BITCOUNT key [start end [BYTE|BIT]]: the set bits of the string or of the range.</summary>
    public static void BitCount(Client c)
    {
        Span<byte> scratch = stackalloc byte[20];
        if (!TryReadString(c, scratch, out ReadOnlySpan<byte> value, out bool exists)) return;
        if (!exists)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long first = 0, last = ((long)value.Length << 3) - 1;
        if (c.Argc is 4 or 5)
        {
            if (!NumberParser.TryParseInt64(c.Args[2], out long start) || !NumberParser.TryParseInt64(c.Args[3], out long end))
            {
                c.Reply.WriteError(Errors.NotInteger);
                return;
            }
            if (start < 0 && end < 0 && start > end)
            {
                c.Reply.WriteInteger(0);
                return;
            }
            bool bit = false;
            if (c.Argc == 5 && !TryParseUnit(c, c.Args[4], out bit)) return;
            (first, last) = BitRange(start, end, value.Length, bit);
        }
        else if (c.Argc != 2)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        c.Reply.WriteInteger(first > last ? 0 : CountBits(value, first, last));
    }

    /// <summary>The set bits from bit <paramref name="first"/> to <paramref name="last"/> (both within the string).</summary>
    private static long CountBits(ReadOnlySpan<byte> s, long first, long last)
    {
        int a = (int)(first >> 3), z = (int)(last >> 3);
        byte headMask = (byte)(0xFF >> (int)(first & 7)), tailMask = (byte)(0xFF << (7 - (int)(last & 7)));
        if (a == z) return BitOperations.PopCount((uint)(s[a] & headMask & tailMask));
        long count = BitOperations.PopCount((uint)(s[a] & headMask)) + BitOperations.PopCount((uint)(s[z] & tailMask));
        ReadOnlySpan<byte> middle = s[(a + 1)..z];
        int i = 0;
        for (; i + 8 <= middle.Length; i += 8) count += BitOperations.PopCount(BitConverter.ToUInt64(middle[i..]));
        for (; i < middle.Length; i++) count += BitOperations.PopCount(middle[i]);
        return count;
    }

    /// <summary>
    /// BITPOS key bit [start [end [BYTE|BIT]]]: the first bit set to <c>bit</c>. A missing key is all zeros (0 for a
    /// clear bit, -1 for a set one). Looking for a clear bit without an end finds the zero padding after the string;
    /// with an end given, a range without one is -1.
    /// </summary>
    public static void BitPos(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[2], out long bit))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (bit is not (0 or 1))
        {
            c.Reply.WriteError("ERR The bit argument must be 1 or 0."u8);
            return;
        }
        Span<byte> scratch = stackalloc byte[20];
        if (!TryReadString(c, scratch, out ReadOnlySpan<byte> value, out bool exists)) return;
        if (!exists)
        {
            c.Reply.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        long first = 0, last = ((long)value.Length << 3) - 1;
        bool endGiven = false;
        if (c.Argc is 4 or 5 or 6)
        {
            if (!NumberParser.TryParseInt64(c.Args[3], out long start))
            {
                c.Reply.WriteError(Errors.NotInteger);
                return;
            }
            bool unitBit = false;
            if (c.Argc == 6 && !TryParseUnit(c, c.Args[5], out unitBit)) return;
            long end = value.Length - 1;
            if (c.Argc >= 5)
            {
                if (!NumberParser.TryParseInt64(c.Args[4], out end))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                endGiven = true;
            }
            (first, last) = BitRange(start, end, value.Length, unitBit);
        }
        else if (c.Argc != 3)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (first > last)
        {
            c.Reply.WriteInteger(-1);
            return;
        }
        long found = FindBit(value, first, last, bit == 1);
        if (found < 0 && bit == 0 && !endGiven) found = last + 1;
        c.Reply.WriteInteger(found);
    }

    /// <summary>The first bit from <paramref name="first"/> to <paramref name="last"/> equal to <paramref name="set"/>, or -1.</summary>
    private static long FindBit(ReadOnlySpan<byte> s, long first, long last, bool set)
    {
        int a = (int)(first >> 3), z = (int)(last >> 3);
        byte skip = set ? (byte)0x00 : (byte)0xFF;
        for (int i = a; i <= z;)
        {
            if (i > a && i < z)
            {
                // Whole bytes in between: skip the ones without the bit at vector speed.
                int next = s[i..z].IndexOfAnyExcept(skip);
                if (next < 0)
                {
                    i = z;
                    continue;
                }
                i += next;
            }
            int b = set ? s[i] : ~s[i] & 0xFF;
            if (i == a) b &= 0xFF >> (int)(first & 7);
            if (i == z) b &= (0xFF << (7 - (int)(last & 7))) & 0xFF;
            if (b != 0) return ((long)i << 3) + BitOperations.LeadingZeroCount((uint)b) - 24;
            i++;
        }
        return -1;
    }

    /// <summary>
    /// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result, as long as the longest source (missing keys and short
    /// strings read as zeros), stored as a raw string without TTL, or destkey deleted when every source is empty.
    /// Returns the length.
    /// </summary>
    public static void BitOp(Client c)
    {
        ReadOnlySpan<byte> name = c.Args[1];
        int op;
        if (Ascii.EqualsIgnoreCase(name, "and"u8)) op = 0;
        else if (Ascii.EqualsIgnoreCase(name, "or"u8)) op = 1;
        else if (Ascii.EqualsIgnoreCase(name, "xor"u8)) op = 2;
        else if (Ascii.EqualsIgnoreCase(name, "not"u8)) op = 3;
        else
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (op == 3 && c.Argc != 4)
        {
            c.Reply.WriteError("ERR BITOP NOT must be called with a single source key."u8);
            return;
        }
        Database db = c.Db;
        int sources = c.Argc - 3;
        var slots = new int[sources];
        int maxLength = 0;
        for (int j = 0; j < sources; j++)
        {
            int index = slots[j] = db.LookupRead(c.Args[j + 3]);
            if (index < 0) continue;
            if (!Database.IsString(db.Table[index].Kind))
            {
                c.Reply.WriteError(Errors.WrongType);
                return;
            }
            maxLength = Math.Max(maxLength, db.StringLength(index));
        }
        ReadOnlySpan<byte> dest = c.Args[2];
        if (maxLength == 0)
        {
            KeyCommands.DeleteStoreDestination(c, dest);
            c.Reply.WriteInteger(0);
            return;
        }
        // Computed aside first: destkey may be one of the sources.
        byte[] result = new byte[maxLength];
        Span<byte> scratch = stackalloc byte[20];
        for (int j = 0; j < sources; j++)
        {
            ReadOnlySpan<byte> s = slots[j] >= 0 ? db.GetStringBytes(slots[j], scratch) : default;
            if (j == 0)
            {
                s.CopyTo(result);
                if (op == 3) for (int i = 0; i < result.Length; i++) result[i] = (byte)~result[i];
                continue;
            }
            Combine(result, s, op);
        }
        int target = db.LookupOrAdd(dest, out _);
        db.SetString(target, ReadOnlySpan<byte>.Empty, keepTtl: false);
        result.CopyTo(db.GrowRawString(target, maxLength));
        db.KeyModified(dest);
        c.Notify(KeyspaceEvents.String, "set"u8, dest);
        c.Reply.WriteInteger(maxLength);
    }

    /// <summary>result = result op s, bytes of s past its end being zeros.</summary>
    private static void Combine(Span<byte> result, ReadOnlySpan<byte> s, int op)
    {
        int n = s.Length;
        switch (op)
        {
            case 0:
                for (int i = 0; i < n; i++) result[i] &= s[i];
                result[n..].Clear();
                break;
            case 1:
                for (int i = 0; i < n; i++) result[i] |= s[i];
                break;
            default:
                for (int i = 0; i < n; i++) result[i] ^= s[i];
                break;
        }
    }

    private readonly record struct FieldOp(bool Get, bool Incr, bool Signed, int Bits, long Offset, long Value, Overflow Overflow);

    /// <summary>BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ...</summary>
    public static void BitField(Client c) => BitFieldGeneric(c, readOnly: false);

    /// <summary>BITFIELD_RO key [GET type offset ...]</summary>
    public static void BitFieldReadOnly(Client c) => BitFieldGeneric(c, readOnly: true);

    /// <summary>
    /// bitfieldGeneric: every operation is parsed first (a bad one fails the whole command), then run in order. SET
    /// replies the old value, INCRBY the new one; OVERFLOW applies to the operations after it, and FAIL replies null
    /// and writes nothing for that operation.
    /// </summary>
    private static void BitFieldGeneric(Client c, bool readOnly)
    {
        // Two passes over the arguments rather than a list of operations: the first checks them all (any error
        // fails the whole command before anything runs), the second runs them. Nothing is allocated.
        int count = 0;
        bool writes = false;
        long highestBit = 0;
        Overflow overflow = Overflow.Wrap;
        for (int j = 2; j < c.Argc;)
        {
            if (!TryParseFieldOp(c, ref j, ref overflow, out FieldOp op, out bool isOp)) return;
            if (!isOp) continue;
            count++;
            if (op.Get) continue;
            writes = true;
            highestBit = Math.Max(highestBit, op.Offset + op.Bits - 1);
        }

        Database db = c.Db;
        int index, changes = 0;
        bool grew = false;
        if (!writes)
        {
            index = db.LookupRead(c.Args[1]);
            if (index >= 0 && !Database.IsString(db.Table[index].Kind))
            {
                c.Reply.WriteError(Errors.WrongType);
                return;
            }
        }
        else
        {
            if (readOnly)
            {
                c.Reply.WriteError("ERR BITFIELD_RO only supports the GET subcommand"u8);
                return;
            }
            index = StringForWrite(c, highestBit, out grew);
            if (index < 0) return;
        }

        c.Reply.WriteArrayHeader(count);
        Span<byte> scratch = stackalloc byte[20];
        Span<byte> window = stackalloc byte[9];
        overflow = Overflow.Wrap;
        for (int j = 2; j < c.Argc;)
        {
            TryParseFieldOp(c, ref j, ref overflow, out FieldOp op, out bool isOp);
            if (!isOp) continue;
            if (op.Get)
            {
                // Up to 9 bytes copied and zero-padded, so a field may run past the end of the string.
                window.Clear();
                long at = op.Offset >> 3;
                if (index >= 0)
                {
                    ReadOnlySpan<byte> s = db.GetStringBytes(index, scratch);
                    if (at < s.Length) s[(int)at..Math.Min(s.Length, (int)at + 9)].CopyTo(window);
                }
                ulong raw = GetField(window, op.Offset - (at << 3), op.Bits);
                c.Reply.WriteInteger(op.Signed ? SignExtend(raw, op.Bits) : (long)raw);
                continue;
            }
            Span<byte> bytes = db.GrowRawString(index, db.StringLength(index));
            ulong old = GetField(bytes, op.Offset, op.Bits);
            bool overflowed;
            ulong stored;
            long reply;
            if (op.Signed)
            {
                long oldValue = SignExtend(old, op.Bits);
                overflowed = SignedOverflow(op.Incr ? oldValue : op.Value, op.Incr ? op.Value : 0, op.Bits, op.Overflow, out long limited);
                long newValue = overflowed ? limited : op.Incr ? unchecked(oldValue + op.Value) : op.Value;
                stored = (ulong)newValue;
                reply = op.Incr ? newValue : oldValue;
            }
            else
            {
                overflowed = UnsignedOverflow(op.Incr ? old : (ulong)op.Value, op.Incr ? op.Value : 0, op.Bits, op.Overflow, out ulong limited);
                ulong newValue = overflowed ? limited : op.Incr ? unchecked(old + (ulong)op.Value) : (ulong)op.Value;
                stored = newValue;
                reply = op.Incr ? (long)newValue : (long)old;
            }
            if (overflowed && op.Overflow == Overflow.Fail)
            {
                c.Reply.WriteNull();
            }
            else
            {
                c.Reply.WriteInteger(reply);
                SetField(bytes, op.Offset, op.Bits, stored);
                changes++;
            }
        }
        // Operations refused by OVERFLOW FAIL change nothing (redis-server logs nothing for them); creating or growing
        // the string is a change though, or a restart from the AOF would lack it.
        if (changes > 0 || grew) db.KeyModified(c.Args[1]);
        if (changes > 0) c.Notify(KeyspaceEvents.String, "setbit"u8, c.Args[1]);
    }

    /// <summary>
    /// One BITFIELD operation from argument <paramref name="j"/> on, moving <paramref name="j"/> past it: GET, SET or
    /// INCRBY (<paramref name="isOp"/>), or an OVERFLOW that changes <paramref name="overflow"/> for the ones after it.
    /// False after an error reply.
    /// </summary>
    private static bool TryParseFieldOp(Client c, ref int j, ref Overflow overflow, out FieldOp op, out bool isOp)
    {
        op = default;
        isOp = false;
        int remaining = c.Argc - j - 1;
        ReadOnlySpan<byte> sub = c.Args[j];
        bool get = Ascii.EqualsIgnoreCase(sub, "get"u8) && remaining >= 2;
        bool set = !get && Ascii.EqualsIgnoreCase(sub, "set"u8) && remaining >= 3;
        bool incr = !get && !set && Ascii.EqualsIgnoreCase(sub, "incrby"u8) && remaining >= 3;
        if (!get && !set && !incr)
        {
            if (!Ascii.EqualsIgnoreCase(sub, "overflow"u8) || remaining < 1)
            {
                c.Reply.WriteError(Errors.Syntax);
                return false;
            }
            ReadOnlySpan<byte> kind = c.Args[j + 1];
            if (Ascii.EqualsIgnoreCase(kind, "wrap"u8)) overflow = Overflow.Wrap;
            else if (Ascii.EqualsIgnoreCase(kind, "sat"u8)) overflow = Overflow.Sat;
            else if (Ascii.EqualsIgnoreCase(kind, "fail"u8)) overflow = Overflow.Fail;
            else
            {
                c.Reply.WriteError("ERR Invalid OVERFLOW type specified"u8);
                return false;
            }
            j += 2;
            return true;
        }
        if (!TryParseFieldType(c.Args[j + 1], out bool signed, out int bits))
        {
            c.Reply.WriteError(BitfieldTypeError);
            return false;
        }
        if (!TryParseBitOffset(c, c.Args[j + 2], bits, out long offset)) return false;
        long value = 0;
        if (!get && !NumberParser.TryParseInt64(c.Args[j + 3], out value))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return false;
        }
        op = new FieldOp(get, incr, signed, bits, offset, value, overflow);
        isOp = true;
        j += get ? 3 : 4;
        return true;
    }

    /// <summary>getBitfieldTypeFromArgument: i1..i64 or u1..u63.</summary>
    private static bool TryParseFieldType(ReadOnlySpan<byte> arg, out bool signed, out int bits)
    {
        signed = arg.Length > 0 && arg[0] == 'i';
        bits = 0;
        if (arg.Length == 0 || (arg[0] != 'i' && arg[0] != 'u')) return false;
        if (!NumberParser.TryParseInt64(arg[1..], out long n) || n < 1 || n > (signed ? 64 : 63)) return false;
        bits = (int)n;
        return true;
    }

    /// <summary>getUnsignedBitfield: <paramref name="bits"/> bits from bit <paramref name="offset"/>, most significant first.</summary>
    private static ulong GetField(ReadOnlySpan<byte> p, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++, offset++)
            value = (value << 1) | (uint)((p[(int)(offset >> 3)] >> (7 - (int)(offset & 7))) & 1);
        return value;
    }

    /// <summary>setUnsignedBitfield: the low <paramref name="bits"/> bits of <paramref name="value"/> from bit <paramref name="offset"/>.</summary>
    private static void SetField(Span<byte> p, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++, offset++)
        {
            int bitValue = (int)((value >> (bits - 1 - j)) & 1);
            int shift = 7 - (int)(offset & 7);
            ref byte b = ref p[(int)(offset >> 3)];
            b = (byte)((b & ~(1 << shift)) | (bitValue << shift));
        }
    }

    private static long SignExtend(ulong raw, int bits) =>
        bits < 64 && (raw & (1UL << (bits - 1))) != 0 ? (long)(raw | (ulong.MaxValue << bits)) : (long)raw;

    /// <summary>checkUnsignedBitfieldOverflow: whether value + incr leaves 0..2^bits-1, and the WRAP or SAT result.</summary>
    private static bool UnsignedOverflow(ulong value, long incr, int bits, Overflow overflow, out ulong limited)
    {
        ulong max = (1UL << bits) - 1;
        long maxIncr = unchecked((long)(max - value)), minIncr = unchecked(-(long)value);
        limited = 0;
        bool high = value > max || (incr > 0 && incr > maxIncr);
        bool low = !high && incr < 0 && incr < minIncr;
        if (!high && !low) return false;
        if (overflow == Overflow.Wrap) limited = unchecked(value + (ulong)incr) & max;
        else if (overflow == Overflow.Sat) limited = high ? max : 0;
        return true;
    }

    /// <summary>checkSignedBitfieldOverflow: whether value + incr leaves the range of a signed field, and the WRAP or SAT result.</summary>
    private static bool SignedOverflow(long value, long incr, int bits, Overflow overflow, out long limited)
    {
        long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = unchecked((long)((ulong)max - (ulong)value)), minIncr = unchecked(min - value);
        limited = 0;
        bool high = value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr);
        bool low = !high && (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr));
        if (!high && !low) return false;
        if (overflow == Overflow.Wrap)
        {
            ulong sum = unchecked((ulong)value + (ulong)incr);
            if (bits < 64)
            {
                ulong mask = ulong.MaxValue << bits;
                sum = (sum & (1UL << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
            }
            limited = (long)sum;
        }
        else if (overflow == Overflow.Sat)
        {
            limited = high ? max : min;
        }
        return true;
    }
}
