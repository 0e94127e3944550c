using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using static RedisFast.Scripting.LuaApi;

namespace RedisFast.Scripting;

/// <summary>
/// The cmsgpack library Redis gives scripts (deps/lua/src/lua_cmsgpack.c, lua-cmsgpack 0.4.0): pack, unpack,
/// unpack_one, unpack_limit, with its choices of encoding (tables with keys 1..n are arrays, integral numbers the
/// smallest integer type, other numbers a float when exact, else a double; nesting beyond 16 packs nil) and its errors.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    private const int PackMaxNesting = 16; // LUACMSGPACK_MAX_NESTING
    private const int UnpackMaxDepth = 1000;

    private readonly ArrayBufferWriter<byte> _pack = new();

    [UnmanagedCallersOnly]
    private static int MsgPackPack(nint l, nint unused) => Enter(l, static (e, l) => e.Pack(l));

    [UnmanagedCallersOnly]
    private static int MsgPackUnpack(nint l, nint unused) => Enter(l, static (e, l) => e.Unpack(l, "unpack", 0, 0));

    [UnmanagedCallersOnly]
    private static int MsgPackUnpackOne(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        if (!OptInteger(l, 2, "unpack_one", out int offset)) return -1;
        SetTop(l, 1);
        return e.Unpack(l, "unpack_one", 1, offset);
    });

    [UnmanagedCallersOnly]
    private static int MsgPackUnpackLimit(nint l, nint unused) => Enter(l, static (e, l) =>
    {
        if (!CheckInt(l, 2, "unpack_limit", out int limit) || !OptInteger(l, 3, "unpack_limit", out int offset)) return -1;
        SetTop(l, 1);
        return e.Unpack(l, "unpack_limit", limit, offset);
    });

    private int Pack(nint l)
    {
        int count = GetTop(l);
        if (count == 0) return ArgumentError(l, 0, "pack", "MessagePack pack needs input.");
        _pack.ResetWrittenCount();
        for (int i = 1; i <= count; i++)
        {
            PushValue(l, i);
            Encode(l, 0);
        }
        PushString(l, _pack.WrittenSpan);
        if (_pack.Capacity > 1 << 20) _pack.ResetWrittenCount();
        return 1;
    }

    /// <summary>mp_encode_lua_type for the value on top (popped).</summary>
    private void Encode(nint l, int level)
    {
        int type = Type(l, -1);
        if (type == TTable && level == PackMaxNesting) type = TNil;
        switch (type)
        {
            case TString:
                EncodeBytes(ToSpan(l, -1));
                break;
            case TBoolean:
                Put(ToBoolean(l, -1) != 0 ? (byte)0xc3 : (byte)0xc2);
                break;
            case TNumber:
                EncodeNumber(ToNumber(l, -1));
                break;
            case TTable:
                EncodeTable(l, level);
                break;
            default:
                Put(0xc0);
                break;
        }
        Pop(l, 1);
    }

    private void EncodeNumber(double n)
    {
        // IS_INT64_EQUIVALENT: not infinite and unchanged by a cast to int64_t (2^63 overflows the cast in C).
        if (!double.IsInfinity(n) && n >= -9.2233720368547758E18 && n < 9.2233720368547758E18 && (long)n == n)
        {
            EncodeInteger((long)n);
            return;
        }
        float f = (float)n;
        Span<byte> b = _pack.GetSpan(9);
        if (n == f)
        {
            b[0] = 0xca;
            BinaryPrimitives.WriteSingleBigEndian(b[1..], f);
            _pack.Advance(5);
        }
        else
        {
            b[0] = 0xcb;
            BinaryPrimitives.WriteDoubleBigEndian(b[1..], n);
            _pack.Advance(9);
        }
    }

    private void EncodeInteger(long n)
    {
        Span<byte> b = _pack.GetSpan(9);
        int length;
        if (n >= 0)
        {
            if (n <= 127) { b[0] = (byte)n; length = 1; }
            else if (n <= 0xff) { b[0] = 0xcc; b[1] = (byte)n; length = 2; }
            else if (n <= 0xffff) { b[0] = 0xcd; BinaryPrimitives.WriteUInt16BigEndian(b[1..], (ushort)n); length = 3; }
            else if (n <= 0xffffffffL) { b[0] = 0xce; BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)n); length = 5; }
            else { b[0] = 0xcf; BinaryPrimitives.WriteUInt64BigEndian(b[1..], (ulong)n); length = 9; }
        }
        else
        {
            if (n >= -32) { b[0] = (byte)(sbyte)n; length = 1; }
            else if (n >= -128) { b[0] = 0xd0; b[1] = (byte)(sbyte)n; length = 2; }
            else if (n >= -32768) { b[0] = 0xd1; BinaryPrimitives.WriteInt16BigEndian(b[1..], (short)n); length = 3; }
            else if (n >= -2147483648L) { b[0] = 0xd2; BinaryPrimitives.WriteInt32BigEndian(b[1..], (int)n); length = 5; }
            else { b[0] = 0xd3; BinaryPrimitives.WriteInt64BigEndian(b[1..], n); length = 9; }
        }
        _pack.Advance(length);
    }

    private void EncodeBytes(ReadOnlySpan<byte> s)
    {
        Span<byte> b = _pack.GetSpan(5);
        int length;
        if (s.Length < 32) { b[0] = (byte)(0xa0 | s.Length); length = 1; }
        else if (s.Length <= 0xff) { b[0] = 0xd9; b[1] = (byte)s.Length; length = 2; }
        else if (s.Length <= 0xffff) { b[0] = 0xda; BinaryPrimitives.WriteUInt16BigEndian(b[1..], (ushort)s.Length); length = 3; }
        else { b[0] = 0xdb; BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)s.Length); length = 5; }
        _pack.Advance(length);
        _pack.Write(s);
    }

    /// <summary>A header of an array (0x90 / 0xdc / 0xdd) or map (0x80 / 0xde / 0xdf) of <paramref name="count"/> items.</summary>
    private void EncodeHeader(int count, bool map)
    {
        Span<byte> b = _pack.GetSpan(5);
        if (count <= 15)
        {
            b[0] = (byte)((map ? 0x80 : 0x90) | count);
            _pack.Advance(1);
        }
        else if (count <= 0xffff)
        {
            b[0] = map ? (byte)0xde : (byte)0xdc;
            BinaryPrimitives.WriteUInt16BigEndian(b[1..], (ushort)count);
            _pack.Advance(3);
        }
        else
        {
            b[0] = map ? (byte)0xdf : (byte)0xdd;
            BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)count);
            _pack.Advance(5);
        }
    }

    /// <summary>
    /// mp_encode_lua_table: an array when the keys are exactly 1..n (table_is_an_array), else a map in lua_next order.
    /// </summary>
    private void EncodeTable(nint l, int level)
    {
        int count = 0, max = 0;
        bool array = true;
        PushNil(l);
        while (Next(l, -2) != 0)
        {
            Pop(l, 1);
            double n;
            if (array && (Type(l, -1) != TNumber || (n = ToNumber(l, -1)) <= 0 || n > int.MaxValue || (int)n != n)) array = false;
            else if (array) max = Math.Max(max, (int)ToNumber(l, -1));
            count++;
        }
        if (array && max == count)
        {
            EncodeHeader(count, map: false);
            for (int j = 1; j <= count; j++)
            {
                RawGetI(l, -1, j);
                Encode(l, level + 1);
            }
            return;
        }
        EncodeHeader(count, map: true);
        PushNil(l);
        while (Next(l, -2) != 0)
        {
            PushValue(l, -2);
            Encode(l, level + 1);
            Encode(l, level + 1);
        }
    }

    private void Put(byte value)
    {
        _pack.GetSpan(1)[0] = value;
        _pack.Advance(1);
    }

    // ---- unpack ----

    private enum DecodeError
    {
        None,
        Eof,
        BadFormat,
        Raised,
    }

    /// <summary>mp_unpack_full: decodes up to <paramref name="limit"/> values (all when limit and offset are 0).</summary>
    private int Unpack(nint l, string function, int limit, int offset)
    {
        // The input is copied: pushing results may run Lua's collector, which must not move what is being read.
        if (!CheckString(l, 1, function, out byte[] input)) return -1;
        bool all = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0)
            return RaiseString(l, $"Invalid request to unpack with offset of {offset} and limit of {input.Length}.");
        if (offset > input.Length) return RaiseString(l, $"Start offset {offset} greater than input length {input.Length}.");
        if (all) limit = int.MaxValue;
        int position = offset, count = 0;
        for (; position < input.Length && count < limit; count++)
        {
            DecodeError error = Decode(l, input, ref position, 0);
            if (error == DecodeError.Eof) return RaiseString(l, "Missing bytes in input.");
            if (error == DecodeError.BadFormat) return RaiseString(l, "Bad data format in input.");
            if (error == DecodeError.Raised) return -1;
        }
        if (!all)
        {
            CheckStack(l, 1);
            PushNumber(l, position == input.Length ? -1 : position);
            Insert(l, 2);
            count++;
        }
        return count;
    }

    /// <summary>mp_decode_to_lua_type: pushes the value at <paramref name="position"/>, or reports why it cannot.</summary>
    private static DecodeError Decode(nint l, byte[] input, ref int position, int depth)
    {
        if (position >= input.Length) return DecodeError.Eof;
        if (CheckStack(l, 2) == 0 || depth > UnpackMaxDepth)
        {
            RaiseString(l, "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)");
            return DecodeError.Raised;
        }
        ReadOnlySpan<byte> p = input.AsSpan(position);
        byte kind = p[0];
        switch (kind)
        {
            case 0xcc: return Number(l, p, 2, ref position, static b => b[1]);
            case 0xd0: return Number(l, p, 2, ref position, static b => (sbyte)b[1]);
            case 0xcd: return Number(l, p, 3, ref position, static b => BinaryPrimitives.ReadUInt16BigEndian(b[1..]));
            case 0xd1: return Number(l, p, 3, ref position, static b => BinaryPrimitives.ReadInt16BigEndian(b[1..]));
            case 0xce: return Number(l, p, 5, ref position, static b => BinaryPrimitives.ReadUInt32BigEndian(b[1..]));
            case 0xd2: return Number(l, p, 5, ref position, static b => BinaryPrimitives.ReadInt32BigEndian(b[1..]));
            case 0xcf: return Number(l, p, 9, ref position, static b => BinaryPrimitives.ReadUInt64BigEndian(b[1..]));
            case 0xd3: return Number(l, p, 9, ref position, static b => BinaryPrimitives.ReadInt64BigEndian(b[1..]));
            case 0xca: return Number(l, p, 5, ref position, static b => BinaryPrimitives.ReadSingleBigEndian(b[1..]));
            case 0xcb: return Number(l, p, 9, ref position, static b => BinaryPrimitives.ReadDoubleBigEndian(b[1..]));
            case 0xc0:
                PushNil(l);
                position++;
                return DecodeError.None;
            case 0xc3:
            case 0xc2:
                PushBoolean(l, kind == 0xc3 ? 1 : 0);
                position++;
                return DecodeError.None;
            case 0xd9:
                return p.Length < 2 ? DecodeError.Eof : Bytes(l, p, 2, p[1], ref position);
            case 0xda:
                return p.Length < 3 ? DecodeError.Eof : Bytes(l, p, 3, BinaryPrimitives.ReadUInt16BigEndian(p[1..]), ref position);
            case 0xdb:
                return p.Length < 5 ? DecodeError.Eof : Bytes(l, p, 5, BinaryPrimitives.ReadUInt32BigEndian(p[1..]), ref position);
            case 0xdc:
            case 0xde:
                if (p.Length < 3) return DecodeError.Eof;
                position += 3;
                return Aggregate(l, input, ref position, BinaryPrimitives.ReadUInt16BigEndian(p[1..]), kind == 0xde, depth);
            case 0xdd:
            case 0xdf:
                if (p.Length < 5) return DecodeError.Eof;
                position += 5;
                return Aggregate(l, input, ref position, BinaryPrimitives.ReadUInt32BigEndian(p[1..]), kind == 0xdf, depth);
        }
        if ((kind & 0x80) == 0 || (kind & 0xe0) == 0xe0)
        {
            PushNumber(l, (sbyte)kind);
            position++;
            return DecodeError.None;
        }
        if ((kind & 0xe0) == 0xa0) return Bytes(l, p, 1, (uint)(kind & 0x1f), ref position);
        if ((kind & 0xf0) is 0x90 or 0x80)
        {
            position++;
            return Aggregate(l, input, ref position, (uint)(kind & 0x0f), (kind & 0xf0) == 0x80, depth);
        }
        return DecodeError.BadFormat;
    }

    private delegate double NumberReader(ReadOnlySpan<byte> p);

    private static DecodeError Number(nint l, ReadOnlySpan<byte> p, int size, ref int position, NumberReader read)
    {
        if (p.Length < size) return DecodeError.Eof;
        PushNumber(l, read(p));
        position += size;
        return DecodeError.None;
    }

    private static DecodeError Bytes(nint l, ReadOnlySpan<byte> p, int header, uint length, ref int position)
    {
        if ((ulong)p.Length < (ulong)header + length) return DecodeError.Eof;
        PushString(l, p.Slice(header, (int)length));
        position += header + (int)length;
        return DecodeError.None;
    }

    /// <summary>mp_decode_to_lua_array / _hash: a table of <paramref name="count"/> elements or pairs.</summary>
    private static DecodeError Aggregate(nint l, byte[] input, ref int position, uint count, bool map, int depth)
    {
        CreateTable(l, 0, 0);
        for (uint i = 1; i <= count; i++)
        {
            if (map)
            {
                DecodeError keyError = Decode(l, input, ref position, depth + 1);
                if (keyError != DecodeError.None) return keyError;
            }
            else
            {
                PushNumber(l, i);
            }
            DecodeError error = Decode(l, input, ref position, depth + 1);
            if (error != DecodeError.None) return error;
            // lua_settable refuses these keys with an error raised from C (no position).
            if (Type(l, -2) == TNil || (Type(l, -2) == TNumber && double.IsNaN(ToNumber(l, -2))))
            {
                string which = Type(l, -2) == TNil ? "nil" : "NaN";
                Pop(l, 2);
                PushString(l, Encoding.ASCII.GetBytes($"table index is {which}"));
                return DecodeError.Raised;
            }
            RawSet(l, -3);
        }
        return DecodeError.None;
    }

    /// <summary>luaL_optinteger: 0 when absent or nil, else a number (truncated) or Lua's argument error pushed.</summary>
    private static bool OptInteger(nint l, int argument, string function, out int value)
    {
        value = 0;
        return Type(l, argument) <= TNil || CheckInt(l, argument, function, out value);
    }
}
