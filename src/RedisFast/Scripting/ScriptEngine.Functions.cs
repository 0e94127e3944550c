using System.Text;
using RedisFast.Commands;
using static RedisFast.Scripting.LuaApi;

namespace RedisFast.Scripting;

/// <summary>
/// Redis 7.0 functions (functions.c, function_lua.c) on this engine's Lua state: libraries loaded from code that
/// starts with "#!lua name=&lt;library&gt;" and registers functions with redis.register_function while it runs (with
/// the load-time globals of Sandbox.lua), and FCALL, which calls a function with its keys and arguments as two tables.
/// The server keeps one engine for EVAL and another for functions, as Redis keeps two Lua states.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    private readonly List<Library> _libraries = [];
    private readonly Dictionary<string, Function> _functions = new(StringComparer.Ordinal);

    /// <summary>The libraries, in the order they were loaded (FUNCTION LIST, DUMP, RDB files).</summary>
    public IReadOnlyList<Library> Libraries => _libraries;

    /// <summary>The code of each library, for an RDB file or an AOF base written now or from a snapshot.</summary>
    public IReadOnlyList<byte[]> LibraryCodes => _libraries.ConvertAll(li => li.Code);

    /// <summary>used_memory_functions: the libraries' code and names (RedisFast's own count).</summary>
    public long LibrariesMemory => _libraries.Sum(li => (long)li.Code.Length + li.Name.Length + li.Functions.Sum(f => f.Name.Length + (f.Description?.Length ?? 0)));

    /// <summary>functions_count</summary>
    public int FunctionCount => _functions.Count;

    /// <summary>The function named <paramref name="name"/> (FCALL), or null.</summary>
    public Function? FindFunction(ReadOnlySpan<byte> name)
    {
        if (name.Length > 256) return _functions.GetValueOrDefault(Encoding.UTF8.GetString(name));
        Span<char> chars = stackalloc char[256];
        int n = Encoding.UTF8.GetChars(name, chars);
        return _functions.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out Function? f) ? f : null;
    }

    /// <summary>A loaded library: its name, its code as given, and its functions in the order it registered them.</summary>
    public sealed class Library(string name, byte[] code)
    {
        public string Name { get; } = name;

        public byte[] Code { get; } = code;

        public List<Function> Functions { get; } = [];
    }

    /// <summary>A registered function: its name, description (or null) and flags.</summary>
    public sealed class Function(string name, string? description, ScriptFlags flags, Library library)
    {
        public string Name { get; } = name;

        public string? Description { get; } = description;

        public ScriptFlags Flags { get; } = flags;

        public Library Library { get; } = library;

        /// <summary>The name's bytes: its callback's key in the registry's table of functions.</summary>
        public byte[] Key { get; } = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>
    /// functionsCreateWithLibraryCtx: checks the metadata, compiles and runs the code to collect its functions, then
    /// links the library (replacing the one of the same name when <paramref name="replace"/>). Returns the library's
    /// name, or null with Redis's reason (without "ERR ") in <paramref name="error"/>; nothing changes on an error.
    /// The code runs for at most <paramref name="timeoutMs"/> (0: no limit, for libraries loaded from files).
    /// </summary>
    public string? LoadLibrary(byte[] code, bool replace, out string? error, long timeoutMs = 0)
    {
        if (LoadError is { } unavailable)
        {
            error = unavailable[4..];
            return null;
        }
        if (!ParseLibraryMetadata(code, out string? name, out string? engine, out int codeStart, out error)) return null;
        if (!IsValidName(name!))
        {
            error = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
            return null;
        }
        if (!string.Equals(engine, "lua", StringComparison.OrdinalIgnoreCase))
        {
            error = $"Engine '{engine}' not found";
            return null;
        }
        Library? old = _libraries.Find(li => li.Name == name);
        if (old is not null && !replace)
        {
            error = $"Library '{name}' already exists";
            return null;
        }
        EnsureState();
        nint l = _l;
        int top = GetTop(l);
        try
        {
            var library = new Library(name!, code);
            if (!RunLibraryCode(code.AsSpan(codeStart), timeoutMs, out error)) return null;
            // Stack: the table of registrations {name, callback, description, flags}.
            int count = (int)ObjLen(l, -1);
            if (count == 0)
            {
                error = "No functions registered";
                return null;
            }
            for (int i = 1; i <= count; i++)
            {
                RawGetI(l, -1, i);
                RawGetField(l, -1, "name"u8);
                string functionName = Encoding.UTF8.GetString(ToSpan(l, -1));
                RawGetField(l, -2, "description"u8);
                string? description = Type(l, -1) == TString ? Encoding.UTF8.GetString(ToSpan(l, -1)) : null;
                RawGetField(l, -3, "flags"u8);
                var flags = (ScriptFlags)(int)ToNumber(l, -1);
                Pop(l, 4);
                if (_functions.TryGetValue(functionName, out Function? existing) && existing.Library != old)
                {
                    error = $"Function {functionName} already exists";
                    return null;
                }
                library.Functions.Add(new Function(functionName, description, flags, library));
            }
            // Link: the old library's functions go, the new ones' callbacks are kept in the registry by name.
            if (old is not null) UnlinkLibrary(old);
            PushFunctionTable();
            for (int i = 1; i <= count; i++)
            {
                RawGetI(l, -2, i);
                RawGetField(l, -1, "callback"u8);
                Remove(l, -2);
                RawSetField(l, -2, library.Functions[i - 1].Name);
            }
            _libraries.Add(library);
            foreach (Function f in library.Functions) _functions[f.Name] = f;
            return library.Name;
        }
        finally
        {
            SetTop(l, top);
        }
    }

    /// <summary>FUNCTION DELETE: false when there is no such library.</summary>
    public bool DeleteLibrary(ReadOnlySpan<byte> name)
    {
        string text = Encoding.UTF8.GetString(name);
        Library? library = _libraries.Find(li => li.Name == text);
        if (library is null) return false;
        UnlinkLibrary(library);
        return true;
    }

    /// <summary>FUNCTION FLUSH, and a FUNCTION RESTORE with FLUSH: no library is left.</summary>
    public void FlushLibraries()
    {
        foreach (Library library in _libraries.ToArray()) UnlinkLibrary(library);
    }

    /// <summary>
    /// FUNCTION RESTORE (libraryJoin): loads <paramref name="codes"/> by <paramref name="policy"/>; on any error the
    /// libraries are put back as they were and <paramref name="error"/> says why.
    /// </summary>
    public bool RestoreLibraries(List<byte[]> codes, RestorePolicy policy, out string? error)
    {
        error = null;
        List<byte[]> before = _libraries.Select(li => li.Code).ToList();
        if (policy == RestorePolicy.Append)
        {
            foreach (byte[] code in codes)
            {
                if (ParseLibraryMetadata(code, out string? name, out _, out _, out _) && _libraries.Exists(li => li.Name == name))
                {
                    error = $"Library {name} already exists";
                    return false;
                }
            }
        }
        if (policy == RestorePolicy.Flush) FlushLibraries();
        foreach (byte[] code in codes)
        {
            if (LoadLibrary(code, replace: policy == RestorePolicy.Replace, out error) is null)
            {
                FlushLibraries();
                foreach (byte[] old in before) LoadLibrary(old, replace: false, out _);
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// FCALL / FCALL_RO once the function is found and the key count checked: calls it with its keys and arguments as
    /// two tables and writes its result (or error) as <paramref name="c"/>'s reply.
    /// </summary>
    public void CallFunction(Client c, Function function, int numKeys, bool readOnlyCommand)
    {
        if (!MayRun(c, function.Flags, readOnlyCommand)) return;
        nint l = _l;
        int top = GetTop(l);
        RawGetField(l, RegistryIndex, "__rf_globals"u8);
        RawGetField(l, -1, "__redis__err__handler"u8);
        Remove(l, -2);
        PushFunctionTable();
        RawGetField(l, -1, function.Key);
        Remove(l, -2);
        PushArguments(c, 3, numKeys);
        PushArguments(c, 3 + numKeys, c.Argc - 3 - numKeys);
        Invoke(c, function.Name, function.Flags, readOnlyCommand, 2, top);
    }

    private void UnlinkLibrary(Library library)
    {
        _libraries.Remove(library);
        if (_l == 0) return;
        PushFunctionTable();
        foreach (Function f in library.Functions)
        {
            _functions.Remove(f.Name);
            PushNil(_l);
            RawSetField(_l, -2, f.Name);
        }
        Pop(_l, 1);
    }

    /// <summary>Pushes the registry's table of function callbacks by name (made on first use).</summary>
    private void PushFunctionTable()
    {
        nint l = _l;
        RawGetField(l, RegistryIndex, "__rf_functions"u8);
        if (Type(l, -1) == TTable) return;
        Pop(l, 1);
        CreateTable(l, 0, 8);
        PushValue(l, -1);
        SetField(RegistryIndex, "__rf_functions"u8);
    }

    /// <summary>A table of <paramref name="count"/> of the caller's arguments from <paramref name="first"/> (FCALL's keys or args).</summary>
    private void PushArguments(Client c, int first, int count)
    {
        nint l = _l;
        CreateTable(l, count, 0);
        for (int i = 0; i < count; i++)
        {
            PushString(l, c.Args[first + i]);
            RawSetI(l, -2, i + 1);
        }
    }

    /// <summary>
    /// luaEngineLoadCode: compiles the code (named @user_function) and runs it with the load-time globals (Sandbox.lua
    /// begin_load / end_load), stopped after <paramref name="timeoutMs"/> (0: no limit); leaves the table of
    /// registrations on the stack, or gives Redis's error.
    /// </summary>
    private bool RunLibraryCode(ReadOnlySpan<byte> code, long timeoutMs, out string? error)
    {
        nint l = _l;
        error = null;
        int status;
        fixed (byte* p = code)
        fixed (byte* name = "@user_function\0"u8)
        {
            status = LoadBuffer(l, p, (nuint)code.Length, name);
        }
        if (status != 0)
        {
            error = "Error compiling function: " + Encoding.UTF8.GetString(ToSpan(l, -1));
            return false;
        }
        RawGetField(l, RegistryIndex, "__rf_begin_load"u8);
        PCall(l, 0, 0, 0);
        ScriptEngine? outer = t_running;
        t_running = this;
        _startedAt = Environment.TickCount64;
        CurrentName = "FUNCTION LOAD";
        _loadTimeoutMs = timeoutMs;
        Volatile.Write(ref _running, 1);
        SetHook(l, s_thunks.Value.Hook, MaskCount, HookInstructions);
        try
        {
            status = PCall(l, 0, 0, 0);
        }
        finally
        {
            SetHook(l, 0, 0, 0);
            _loadTimeoutMs = 0;
            Volatile.Write(ref _running, 0);
            Volatile.Write(ref _killRequested, 0);
            t_running = outer;
            RawGetField(l, RegistryIndex, "__rf_end_load"u8);
            PCall(l, 0, 1, 0);
        }
        if (status == 0) return true;
        // Stack: the error, the registrations. luaExtractErrorInformation: a string gets ERR in front; a table gives
        // its err field.
        Pop(l, 1);
        string message;
        if (Type(l, -1) == TTable)
        {
            RawGetField(l, -1, "err"u8);
            message = Encoding.UTF8.GetString(ToSpan(l, -1));
        }
        else
        {
            message = "ERR " + Encoding.UTF8.GetString(ToSpan(l, -1));
        }
        error = "Error registering functions: " + message;
        return false;
    }

    /// <summary>
    /// functionExtractLibMetaData: "#!&lt;engine&gt; name=&lt;library&gt;" on the first line; the code runs from that
    /// line's end (its newline kept, so line numbers stay the user's).
    /// </summary>
    private static bool ParseLibraryMetadata(byte[] code, out string? name, out string? engine, out int codeStart, out string? error)
    {
        name = engine = error = null;
        codeStart = 0;
        if (!code.AsSpan().StartsWith("#!"u8))
        {
            error = "Missing library metadata";
            return false;
        }
        int end = code.AsSpan().IndexOf((byte)'\n');
        if (end < 0)
        {
            error = "Invalid library metadata";
            return false;
        }
        codeStart = end;
        string[] parts = Encoding.UTF8.GetString(code, 0, end).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            error = "Invalid library metadata";
            return false;
        }
        engine = parts[0][2..];
        for (int i = 1; i < parts.Length; i++)
        {
            if (parts[i].StartsWith("name=", StringComparison.OrdinalIgnoreCase))
            {
                if (name is not null)
                {
                    error = "Invalid metadata value, name argument was given multiple times";
                    return false;
                }
                name = parts[i][5..];
                continue;
            }
            error = $"Invalid metadata value given: {parts[i]}";
            return false;
        }
        if (name is null)
        {
            error = "Library name was not given";
            return false;
        }
        return true;
    }

    /// <summary>functionsVerifyName: letters, digits and underscores, at least one.</summary>
    private static bool IsValidName(string name) => name.Length > 0 && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
