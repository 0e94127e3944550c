using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static RedisFast.Scripting.LuaApi;

namespace RedisFast.Scripting;

/// <summary>
/// The struct library Redis gives scripts (deps/lua/src/lua_struct.c, Roberto Ierusalimschy's struct 0.2 with Redis's
/// checks): pack, unpack and size over formats of "&lt;&gt;!" options and "bBhHlLTiIfdcsx" items, for x86-64 (short 2,
/// int 4, long and size_t 8 bytes, native little-endian, alignment up to 8), with its errors.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    private const int MaxIntSize = 32; // MAXINTSIZE
    private const int MaxAlign = 8;    // MAXALIGN: the alignment of double

    [UnmanagedCallersOnly]
    private static int StructPack(nint l, nint unused) => Enter(l, static (e, l) => e.PackStruct(l));

    [UnmanagedCallersOnly]
    private static int StructUnpack(nint l, nint unused) => Enter(l, static (_, l) => UnpackStruct(l));

    [UnmanagedCallersOnly]
    private static int StructSize(nint l, nint unused) => Enter(l, static (_, l) => SizeOfStruct(l));

    /// <summary>The state of a format being read: its text and position, the byte order and the alignment.</summary>
    private ref struct Format(ReadOnlySpan<byte> text)
    {
        public ReadOnlySpan<byte> Text = text;
        public int Position;
        public bool Little = true;
        public int Align = 1;

        public readonly bool More => Position < Text.Length && Text[Position] != 0;

        public byte Next() => Text[Position++];
    }

    /// <summary>getnum: the number following an option, or <paramref name="fallback"/>; null after pushing the overflow error.</summary>
    private static int? ReadNumber(nint l, ref Format f, int fallback)
    {
        if (f.Position >= f.Text.Length || !char.IsAsciiDigit((char)f.Text[f.Position])) return fallback;
        int a = 0;
        do
        {
            int digit = f.Text[f.Position] - '0';
            if (a > int.MaxValue / 10 || a * 10 > int.MaxValue - digit)
            {
                RaiseString(l, "integral size overflow");
                return null;
            }
            a = a * 10 + digit;
            f.Position++;
        }
        while (f.Position < f.Text.Length && char.IsAsciiDigit((char)f.Text[f.Position]));
        return a;
    }

    /// <summary>optsize: the size of an item (0 for options); null after pushing an error.</summary>
    private static int? ItemSize(nint l, byte option, ref Format f)
    {
        switch (option)
        {
            case (byte)'B': case (byte)'b': return 1;
            case (byte)'H': case (byte)'h': return 2;
            case (byte)'L': case (byte)'l': case (byte)'T': case (byte)'d': return 8;
            case (byte)'f': return 4;
            case (byte)'x': return 1;
            case (byte)'c': return ReadNumber(l, ref f, 1);
            case (byte)'i':
            case (byte)'I':
                int? size = ReadNumber(l, ref f, 4);
                if (size > MaxIntSize)
                {
                    RaiseString(l, $"integral size {size} is larger than limit of {MaxIntSize}");
                    return null;
                }
                return size;
            default:
                return 0;
        }
    }

    /// <summary>gettoalign: padding before an item of <paramref name="size"/> at <paramref name="position"/>.</summary>
    private static int Padding(long position, ref Format f, byte option, int size)
    {
        if (size == 0 || option == 'c') return 0;
        if (size > f.Align) size = f.Align;
        return (int)((size - (position & (size - 1))) & (size - 1));
    }

    /// <summary>controloptions: byte order, alignment and spaces; false after pushing the error for anything else.</summary>
    private static bool ControlOption(nint l, byte option, ref Format f, string function)
    {
        switch (option)
        {
            case (byte)' ':
                return true;
            case (byte)'>':
                f.Little = false;
                return true;
            case (byte)'<':
                f.Little = true;
                return true;
            case (byte)'!':
                int? a = ReadNumber(l, ref f, MaxAlign);
                if (a is null) return false;
                if (a <= 0 || (a & (a - 1)) != 0)
                {
                    RaiseString(l, $"alignment {a} is not a power of 2");
                    return false;
                }
                f.Align = a.Value;
                return true;
            default:
                ArgumentError(l, 1, function, $"invalid format option '{(char)option}'");
                return false;
        }
    }

    private int PackStruct(nint l)
    {
        if (!CheckString(l, 1, "pack", out byte[] format)) return -1;
        var f = new Format(format);
        // b_pack pushes a nil to mark the end of the arguments: a missing one reads as nil.
        PushNil(l);
        ArrayBufferWriter<byte> output = _pack;
        output.ResetWrittenCount();
        int arg = 2;
        long total = 0;
        while (f.More)
        {
            byte option = f.Next();
            int? itemSize = ItemSize(l, option, ref f);
            if (itemSize is null) return -1;
            int size = itemSize.Value;
            int padding = Padding(total, ref f, option, size);
            total += padding;
            output.GetSpan(padding)[..padding].Clear();
            output.Advance(padding);
            switch (option)
            {
                case (byte)'b': case (byte)'B': case (byte)'h': case (byte)'H':
                case (byte)'l': case (byte)'L': case (byte)'T': case (byte)'i': case (byte)'I':
                {
                    if (!CheckNumber(l, arg++, "pack", out double n)) return -1;
                    // putinteger: through int64 for negatives, uint64 otherwise; bytes past the eighth are zero.
                    ulong value = n < 0 ? (ulong)ToInt64(n) : ToUInt64(n);
                    Span<byte> bytes = output.GetSpan(size)[..size];
                    for (int i = 0; i < size; i++)
                    {
                        bytes[f.Little ? i : size - 1 - i] = (byte)value;
                        value >>= 8;
                    }
                    output.Advance(size);
                    break;
                }
                case (byte)'x':
                    output.GetSpan(1)[0] = 0;
                    output.Advance(1);
                    break;
                case (byte)'f':
                {
                    if (!CheckNumber(l, arg++, "pack", out double n)) return -1;
                    Span<byte> bytes = output.GetSpan(4);
                    if (f.Little) BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)n);
                    else BinaryPrimitives.WriteSingleBigEndian(bytes, (float)n);
                    output.Advance(4);
                    break;
                }
                case (byte)'d':
                {
                    if (!CheckNumber(l, arg++, "pack", out double n)) return -1;
                    Span<byte> bytes = output.GetSpan(8);
                    if (f.Little) BinaryPrimitives.WriteDoubleLittleEndian(bytes, n);
                    else BinaryPrimitives.WriteDoubleBigEndian(bytes, n);
                    output.Advance(8);
                    break;
                }
                case (byte)'c':
                case (byte)'s':
                {
                    if (!CheckString(l, arg++, "pack", out byte[] s)) return -1;
                    if (size == 0) size = s.Length;
                    // luaL_argcheck names the argument after the one read (arg was already incremented).
                    if (s.Length < size) return ArgumentError(l, arg, "pack", "string too short");
                    output.Write(s.AsSpan(0, size));
                    if (option == 's')
                    {
                        output.GetSpan(1)[0] = 0;
                        output.Advance(1);
                        size++;
                    }
                    break;
                }
                default:
                    if (!ControlOption(l, option, ref f, "pack")) return -1;
                    break;
            }
            total += size;
        }
        PushString(l, output.WrittenSpan);
        if (output.Capacity > 1 << 20) output.ResetWrittenCount();
        return 1;
    }

    private static int UnpackStruct(nint l)
    {
        if (!CheckString(l, 1, "unpack", out byte[] format) || !CheckString(l, 2, "unpack", out byte[] data)) return -1;
        long start = 1;
        if (Type(l, 3) > TNil)
        {
            if (!CheckNumber(l, 3, "unpack", out double n)) return -1;
            start = ToInt64(n);
        }
        // size_t arithmetic: a negative offset wraps around and fails the length check below.
        ulong position = (ulong)start;
        if (position == 0) return ArgumentError(l, 3, "unpack", "offset must be 1 or greater");
        position--;
        ulong length = (ulong)data.Length;
        var f = new Format(format);
        int results = 0;
        while (f.More)
        {
            byte option = f.Next();
            int? itemSize = ItemSize(l, option, ref f);
            if (itemSize is null) return -1;
            ulong size = (ulong)itemSize.Value;
            position += (ulong)Padding((long)position, ref f, option, (int)size);
            if (size > length || position > length - size) return ArgumentError(l, 2, "unpack", "data string too short");
            CheckStack(l, 2);
            ReadOnlySpan<byte> at = data.AsSpan((int)position);
            switch (option)
            {
                case (byte)'b': case (byte)'B': case (byte)'h': case (byte)'H':
                case (byte)'l': case (byte)'L': case (byte)'T': case (byte)'i': case (byte)'I':
                {
                    // getinteger: up to 64 bits kept; signed formats extend the sign bit of the item's width.
                    ulong value = 0;
                    for (int i = 0; i < (int)size; i++) value = (value << 8) | at[f.Little ? (int)size - 1 - i : i];
                    if (char.IsAsciiLetterLower((char)option))
                    {
                        ulong mask = ulong.MaxValue << (((int)size * 8 - 1) & 63);
                        if ((value & mask) != 0) value |= mask;
                        PushNumber(l, (long)value);
                    }
                    else
                    {
                        PushNumber(l, value);
                    }
                    results++;
                    break;
                }
                case (byte)'x':
                    break;
                case (byte)'f':
                    PushNumber(l, f.Little ? BinaryPrimitives.ReadSingleLittleEndian(at) : BinaryPrimitives.ReadSingleBigEndian(at));
                    results++;
                    break;
                case (byte)'d':
                    PushNumber(l, f.Little ? BinaryPrimitives.ReadDoubleLittleEndian(at) : BinaryPrimitives.ReadDoubleBigEndian(at));
                    results++;
                    break;
                case (byte)'c':
                    if (size == 0)
                    {
                        if (results == 0 || IsNumber(l, -1) == 0) return RaiseString(l, "format 'c0' needs a previous size");
                        size = (ulong)ToInt64(ToNumber(l, -1));
                        Pop(l, 1);
                        results--;
                        if (size > length || position > length - size) return ArgumentError(l, 2, "unpack", "data string too short");
                    }
                    PushString(l, data.AsSpan((int)position, (int)size));
                    results++;
                    break;
                case (byte)'s':
                    int end = at.IndexOf((byte)0);
                    if (end < 0) return RaiseString(l, "unfinished string in data");
                    size = (ulong)end + 1;
                    PushString(l, at[..end]);
                    results++;
                    break;
                default:
                    if (!ControlOption(l, option, ref f, "unpack")) return -1;
                    break;
            }
            position += size;
        }
        PushNumber(l, position + 1);
        return results + 1;
    }

    private static int SizeOfStruct(nint l)
    {
        if (!CheckString(l, 1, "size", out byte[] format)) return -1;
        var f = new Format(format);
        long position = 0;
        while (f.More)
        {
            byte option = f.Next();
            int? itemSize = ItemSize(l, option, ref f);
            if (itemSize is null) return -1;
            int size = itemSize.Value;
            position += Padding(position, ref f, option, size);
            if (option == 's') return ArgumentError(l, 1, "size", "option 's' has no fixed size");
            if (option == 'c' && size == 0) return ArgumentError(l, 1, "size", "option 'c0' has no fixed size");
            if (!char.IsAsciiLetterOrDigit((char)option) && !ControlOption(l, option, ref f, "size")) return -1;
            position += size;
        }
        PushNumber(l, position);
        return 1;
    }

    /// <summary>luaL_checknumber: a number or numeric string, else Lua's argument error pushed.</summary>
    private static bool CheckNumber(nint l, int argument, string function, out double value)
    {
        value = 0;
        if (IsNumber(l, argument) == 0)
        {
            ArgumentError(l, argument, function, $"number expected, got {TypeName(l, argument)}");
            return false;
        }
        value = ToNumber(l, argument);
        return true;
    }

    /// <summary>luaL_checklstring: a string or number (copied), else Lua's argument error pushed.</summary>
    private static bool CheckString(nint l, int argument, string function, out byte[] value)
    {
        value = [];
        if (Type(l, argument) is not (TString or TNumber))
        {
            ArgumentError(l, argument, function, $"string expected, got {TypeName(l, argument)}");
            return false;
        }
        value = ToSpan(l, argument).ToArray();
        return true;
    }

    /// <summary>luaL_typename, with "no value" for a missing argument.</summary>
    private static string TypeName(nint l, int index) => Type(l, index) switch
    {
        -1 => "no value",
        TNil => "nil",
        TBoolean => "boolean",
        TLightUserData => "userdata",
        TNumber => "number",
        TString => "string",
        TTable => "table",
        TFunction => "function",
        _ => "userdata",
    };

    /// <summary>C's (int64_t) conversion on x86-64: NaN and out-of-range values become INT64_MIN.</summary>
    private static long ToInt64(double n) => double.IsNaN(n) || n >= 9.2233720368547758E18 || n < -9.2233720368547758E18 ? long.MinValue : (long)n;

    /// <summary>C's (uint64_t) conversion of a non-negative double as gcc emits it on x86-64.</summary>
    private static ulong ToUInt64(double n) => n >= 18446744073709551616.0 || double.IsNaN(n) ? 0 : (ulong)n;
}
