using System.Runtime.InteropServices;
using System.Text;

namespace RedisFast.Scripting;

/// <summary>
/// The Lua 5.1 C API, bound at run time to the system's liblua5.1.so.0 (Debian's liblua5.1-0: Lua 5.1.5, the release
/// Redis embeds), with Redis's cjson and bit libraries from lua-cjson and lua-bitop. Calls go through function
/// pointers looked up once, so a machine without the library runs the server and answers EVAL with an error.
/// <para>
/// Lua raises errors with longjmp, which must never cross a managed frame (the runtime's transition frames would be
/// skipped). So managed code only calls functions that cannot raise (pushes, raw table access, lua_pcall, which
/// catches), and the C functions and hook Lua calls are <see cref="RaisingThunk"/>s: a few bytes of native code that
/// call the managed function and, when it returns a negative count, call lua_error themselves after the managed
/// frame is gone.
/// </para>
/// </summary>
internal static unsafe class LuaApi
{
    public const int RegistryIndex = -10000;
    public const int GlobalsIndex = -10002;
    public const int MultRet = -1;

    public const int TNil = 0, TBoolean = 1, TLightUserData = 2, TNumber = 3, TString = 4, TTable = 5, TFunction = 6;

    public const int MaskLine = 1 << 2, MaskCount = 1 << 3;

    public const int GcCount = 3, GcCountBytes = 4, GcStep = 5;

    // Calls that return quickly and never call back into managed code skip the GC transition (about 10-20 ns each, and a
    // script call makes some fifty of them); lua_pcall, which runs scripts and the callbacks, and loading and collecting
    // keep it. (Allocating calls may run a step of Lua's collector, whose only finalizers here are C functions.)
    public static delegate* unmanaged<nint> NewState;
    public static delegate* unmanaged<nint, void> Close;
    public static delegate* unmanaged<nint, byte*, nuint, byte*, int> LoadBuffer;
    public static delegate* unmanaged<nint, int, int, int, int> PCall;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int> GetTop;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> SetTop;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> PushValue;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> Remove;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> Insert;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> Replace;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int> CheckStack;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int> Type;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int> IsNumber;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, double> ToNumber;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int> ToBoolean;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, nuint*, byte*> ToLString;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, nuint> ObjLen;
    public static delegate* unmanaged[SuppressGCTransition]<nint, void> PushNil;
    public static delegate* unmanaged[SuppressGCTransition]<nint, double, void> PushNumber;
    public static delegate* unmanaged[SuppressGCTransition]<nint, byte*, nuint, void> PushLString;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> PushBoolean;
    public static delegate* unmanaged[SuppressGCTransition]<nint, nint, int, void> PushCClosure;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> RawGet;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int, void> RawGetI;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int, void> CreateTable;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> RawSet;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int, void> RawSetI;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, int> Next;
    public static delegate* unmanaged[SuppressGCTransition]<nint, nint, int, int, int> SetHook;
    public static delegate* unmanaged<nint, int, int, int> Gc;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int, void> Where;

    /// <summary>lua_error, for the thunks.</summary>
    private static nint s_error;

    /// <summary>luaopen_* functions to run at start (name, function): base, table, string, math, debug, cjson, bit.</summary>
    public static readonly List<(string Name, nint Open)> StandardLibraries = [];

    private static readonly Lazy<string?> s_loadError = new(Load);

    /// <summary>Null when Lua is usable; otherwise why not (the text EVAL answers with).</summary>
    public static string? LoadError => s_loadError.Value;

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen(string file, int mode);

    [DllImport("libc", EntryPoint = "mmap")]
    private static extern nint MMap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect")]
    private static extern int MProtect(nint address, nuint length, int protection);

    private static string? Load()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return "ERR scripting needs Linux on x86-64 (Lua 5.1 from liblua5.1-0) in this build";
        // RTLD_NOW | RTLD_GLOBAL: cjson.so and bit.so leave the lua_* symbols to the process that loads them.
        nint lua = DlOpen("liblua5.1.so.0", 0x102);
        if (lua == 0) return "ERR scripting is not available: liblua5.1.so.0 not found (install the liblua5.1-0 package)";
        nint cjson = DlOpen("liblua5.1-cjson.so.0", 0x2);
        nint bit = DlOpen("liblua5.1-bitop.so.0", 0x2);
        if (cjson == 0 || bit == 0) return "ERR scripting is not available: Lua's cjson or bit library not found (install lua-cjson and lua-bitop)";
        try
        {
            NewState = (delegate* unmanaged<nint>)Export(lua, "luaL_newstate");
            Close = (delegate* unmanaged<nint, void>)Export(lua, "lua_close");
            LoadBuffer = (delegate* unmanaged<nint, byte*, nuint, byte*, int>)Export(lua, "luaL_loadbuffer");
            PCall = (delegate* unmanaged<nint, int, int, int, int>)Export(lua, "lua_pcall");
            GetTop = (delegate* unmanaged[SuppressGCTransition]<nint, int>)Export(lua, "lua_gettop");
            SetTop = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_settop");
            PushValue = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_pushvalue");
            Remove = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_remove");
            Insert = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_insert");
            Replace = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_replace");
            CheckStack = (delegate* unmanaged[SuppressGCTransition]<nint, int, int>)Export(lua, "lua_checkstack");
            Type = (delegate* unmanaged[SuppressGCTransition]<nint, int, int>)Export(lua, "lua_type");
            IsNumber = (delegate* unmanaged[SuppressGCTransition]<nint, int, int>)Export(lua, "lua_isnumber");
            ToNumber = (delegate* unmanaged[SuppressGCTransition]<nint, int, double>)Export(lua, "lua_tonumber");
            ToBoolean = (delegate* unmanaged[SuppressGCTransition]<nint, int, int>)Export(lua, "lua_toboolean");
            ToLString = (delegate* unmanaged[SuppressGCTransition]<nint, int, nuint*, byte*>)Export(lua, "lua_tolstring");
            ObjLen = (delegate* unmanaged[SuppressGCTransition]<nint, int, nuint>)Export(lua, "lua_objlen");
            PushNil = (delegate* unmanaged[SuppressGCTransition]<nint, void>)Export(lua, "lua_pushnil");
            PushNumber = (delegate* unmanaged[SuppressGCTransition]<nint, double, void>)Export(lua, "lua_pushnumber");
            PushLString = (delegate* unmanaged[SuppressGCTransition]<nint, byte*, nuint, void>)Export(lua, "lua_pushlstring");
            PushBoolean = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_pushboolean");
            PushCClosure = (delegate* unmanaged[SuppressGCTransition]<nint, nint, int, void>)Export(lua, "lua_pushcclosure");
            RawGet = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_rawget");
            RawGetI = (delegate* unmanaged[SuppressGCTransition]<nint, int, int, void>)Export(lua, "lua_rawgeti");
            CreateTable = (delegate* unmanaged[SuppressGCTransition]<nint, int, int, void>)Export(lua, "lua_createtable");
            RawSet = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "lua_rawset");
            RawSetI = (delegate* unmanaged[SuppressGCTransition]<nint, int, int, void>)Export(lua, "lua_rawseti");
            Next = (delegate* unmanaged[SuppressGCTransition]<nint, int, int>)Export(lua, "lua_next");
            SetHook = (delegate* unmanaged[SuppressGCTransition]<nint, nint, int, int, int>)Export(lua, "lua_sethook");
            Gc = (delegate* unmanaged<nint, int, int, int>)Export(lua, "lua_gc");
            Where = (delegate* unmanaged[SuppressGCTransition]<nint, int, void>)Export(lua, "luaL_where");
            s_error = Export(lua, "lua_error");
            StandardLibraries.Add(("", Export(lua, "luaopen_base")));
            StandardLibraries.Add(("table", Export(lua, "luaopen_table")));
            StandardLibraries.Add(("string", Export(lua, "luaopen_string")));
            StandardLibraries.Add(("math", Export(lua, "luaopen_math")));
            StandardLibraries.Add(("debug", Export(lua, "luaopen_debug")));
            StandardLibraries.Add(("cjson", Export(cjson, "luaopen_cjson")));
            StandardLibraries.Add(("bit", Export(bit, "luaopen_bit")));
        }
        catch (EntryPointNotFoundException ex)
        {
            return "ERR scripting is not available: " + ex.Message;
        }
        return null;
    }

    private static nint Export(nint library, string name) => NativeLibrary.GetExport(library, name);

    // ---- the stack, in the shapes the engine uses ----

    public static void Pop(nint l, int n) => SetTop(l, -n - 1);

    public static void PushString(nint l, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) PushLString(l, p, (nuint)value.Length);
    }

    public static void PushString(nint l, string value)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> bytes = max <= 256 ? stackalloc byte[max] : new byte[max];
        int n = System.Text.Encoding.UTF8.GetBytes(value, bytes);
        PushString(l, bytes[..n]);
    }

    /// <summary>The string (or number, converted in place as Lua does) at <paramref name="index"/>; empty for other types.</summary>
    public static ReadOnlySpan<byte> ToSpan(nint l, int index)
    {
        nuint length;
        byte* p = ToLString(l, index, &length);
        return p is null ? default : new ReadOnlySpan<byte>(p, checked((int)length));
    }

    /// <summary>Pops the value on top into <c>t[key]</c> (raw) for the table at <paramref name="table"/>: a pseudo-index, or a stack index as seen with the value on top.</summary>
    public static void RawSetField(nint l, int table, ReadOnlySpan<byte> key)
    {
        PushString(l, key);
        Insert(l, -2);
        RawSet(l, table < 0 && table > RegistryIndex ? table - 1 : table);
    }

    public static void RawSetField(nint l, int table, string key) => RawSetField(l, table, Encoding.UTF8.GetBytes(key));

    public static void RawGetField(nint l, int table, string key) => RawGetField(l, table, Encoding.UTF8.GetBytes(key));

    /// <summary>Pushes <c>t[key]</c> (raw) for the table at <paramref name="table"/>.</summary>
    public static void RawGetField(nint l, int table, ReadOnlySpan<byte> key)
    {
        PushString(l, key);
        RawGet(l, table < 0 && table > RegistryIndex ? table - 1 : table);
    }

    // ---- thunks ----

    /// <summary>
    /// Native entry points for managed functions, one per target, in one executable page. Each is
    /// <c>int thunk(lua_State *L, void *ar) { int n = target(L, ar); if (n &lt; 0) return lua_error(L); return n; }</c>
    /// (x86-64 System V, 32 bytes), usable as a lua_CFunction (ar unused) and as a lua_Hook (its result ignored).
    /// </summary>
    public static nint[] RaisingThunks(ReadOnlySpan<nint> targets)
    {
        ReadOnlySpan<byte> code =
        [
            0x57,                                     // push rdi            (keeps L; aligns the stack for the call)
            0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0,       // mov rax, target
            0xFF, 0xD0,                               // call rax            (rdi = L, rsi = ar still in place)
            0x5F,                                     // pop rdi
            0x85, 0xC0,                               // test eax, eax
            0x78, 0x01,                               // js raise
            0xC3,                                     // ret
            0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0,       // raise: mov rax, lua_error
            0xFF, 0xE0,                               // jmp rax             (tail call: lua_error(L) does not return)
        ];
        const int Size = 32, PageSize = 4096;
        const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;
        if (targets.Length * Size > PageSize) throw new ArgumentException("too many thunks for one page", nameof(targets));
        nint page = MMap(0, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1) throw new OutOfMemoryException("mmap for the Lua thunks failed");
        var result = new nint[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            var bytes = new Span<byte>((byte*)page + i * Size, Size);
            bytes.Fill(0xCC); // int3 in the padding
            code.CopyTo(bytes);
            BitConverter.TryWriteBytes(bytes[3..], (long)targets[i]);
            BitConverter.TryWriteBytes(bytes[21..], (long)s_error);
            result[i] = page + i * Size;
        }
        if (MProtect(page, PageSize, ProtRead | ProtExec) != 0) throw new InvalidOperationException("mprotect for the Lua thunks failed");
        return result;
    }
}
