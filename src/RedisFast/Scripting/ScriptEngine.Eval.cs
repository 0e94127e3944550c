using System.Text;
using RedisFast.Commands;
using static RedisFast.Scripting.LuaApi;

namespace RedisFast.Scripting;

/// <summary>
/// EVAL's script cache (eval.c): scripts by the SHA1 of their body, compiled once into the registry as f_&lt;sha&gt;,
/// run with KEYS and ARGV as globals.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    private readonly Dictionary<string, Script> _scripts = new(StringComparer.Ordinal);
    private long _scriptBytes;

    /// <summary>number_of_cached_scripts</summary>
    public int CachedScripts => _scripts.Count;

    /// <summary>used_memory_scripts_eval: the cached bodies and their names, as eval.c counts them.</summary>
    public long ScriptsMemory => _scriptBytes;

    /// <summary>The cached script whose SHA1 is <paramref name="sha"/> (hex, any case: SCRIPT EXISTS, EVALSHA), or null.</summary>
    public Script? Find(ReadOnlySpan<byte> sha)
    {
        if (sha.Length != 40) return null;
        Span<char> lower = stackalloc char[40];
        for (int i = 0; i < 40; i++) lower[i] = sha[i] is >= (byte)'A' and <= (byte)'Z' ? (char)(sha[i] | 0x20) : (char)sha[i];
        return _scripts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lower, out Script? script) ? script : null;
    }

    /// <summary>
    /// Compiles and caches <paramref name="body"/> (SCRIPT LOAD, EVAL) unless it is cached already; returns it, or null
    /// after replying the error (Lua unavailable, a bad shebang, a compile error) to <paramref name="c"/>.
    /// </summary>
    public Script? Load(Client c, ReadOnlySpan<byte> body)
    {
        if (LoadError is { } unavailable)
        {
            c.Reply.WriteError(unavailable);
            return null;
        }
        Span<byte> hash = stackalloc byte[20];
        Sha1.Hash(body, hash);
        Span<char> sha = stackalloc char[40];
        Convert.TryToHexStringLower(hash, sha, out _);
        if (_scripts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(sha, out Script? cached)) return cached;
        if (!ParseShebang(body, out int skip, out ScriptFlags flags, out string? shebangError))
        {
            c.Reply.WriteError(shebangError!);
            return null;
        }
        EnsureState();
        ReadOnlySpan<byte> code = body[skip..];
        int status;
        fixed (byte* p = code)
        fixed (byte* name = "@user_script\0"u8)
        {
            status = LoadBuffer(_l, p, (nuint)code.Length, name);
        }
        if (status != 0)
        {
            string message = Encoding.UTF8.GetString(ToSpan(_l, -1));
            Pop(_l, 1);
            c.Reply.WriteError("ERR Error compiling script (new function): " + message);
            return null;
        }
        var script = new Script(new string(sha), flags);
        PushString(_l, script.FunctionName);
        Insert(_l, -2);
        RawSet(_l, RegistryIndex);
        _scripts[script.Sha] = script;
        _scriptBytes += 40 + body.Length;
        return script;
    }

    /// <summary>SCRIPT FLUSH: forgets every script and starts a new Lua state (eval.c scriptingReset).</summary>
    public void Flush()
    {
        _scripts.Clear();
        _scriptBytes = 0;
        CloseState();
    }

    /// <summary>
    /// EVAL / EVALSHA body once the script is cached: runs it with KEYS and ARGV from the caller's arguments and writes
    /// its result (or error) as the caller's reply.
    /// </summary>
    public void Run(Client c, Script script, int numKeys, bool readOnlyCommand)
    {
        if (!MayRun(c, script.Flags, readOnlyCommand)) return;
        nint l = _l;
        int top = GetTop(l);
        RawGetField(l, RegistryIndex, "__rf_globals"u8);
        SetArgumentTable(c, 3, numKeys, "KEYS"u8);
        SetArgumentTable(c, 3 + numKeys, c.Argc - 3 - numKeys, "ARGV"u8);
        RawGetField(l, -1, "__redis__err__handler"u8);
        Remove(l, -2);
        RawGetField(l, RegistryIndex, script.FunctionName);
        Invoke(c, script.Sha, script.Flags, readOnlyCommand, 0, top);
    }

    /// <summary>KEYS or ARGV: a new table of <paramref name="count"/> arguments from <paramref name="first"/>, set in the real globals (on top).</summary>
    private void SetArgumentTable(Client c, int first, int count, ReadOnlySpan<byte> name)
    {
        nint l = _l;
        CreateTable(l, count, 0);
        for (int i = 0; i < count; i++)
        {
            PushString(l, c.Args[first + i]);
            RawSetI(l, -2, i + 1);
        }
        RawSetField(l, -2, name);
    }

    /// <summary>A cached script: its SHA1 (lowercase hex), its shebang's flags, and its function's registry key.</summary>
    public sealed class Script(string sha, ScriptFlags flags)
    {
        public string Sha { get; } = sha;

        public ScriptFlags Flags { get; } = flags;

        /// <summary>"f_&lt;sha&gt;", where the compiled function is kept in the registry (eval.c's name for it).</summary>
        public byte[] FunctionName { get; } = Encoding.ASCII.GetBytes("f_" + sha);
    }

    /// <summary>
    /// evalGetCommandFlags / fcallGetCommandFlags: the flags the script of an EVAL, EVALSHA or FCALL declared (its
    /// shebang, the cached script's, the function's), or null for a legacy script, an unknown one or another command:
    /// then the command's own flags stand. A script that declares flags writes unless it says no-writes.
    /// </summary>
    public ScriptFlags? DeclaredFlags(string command, ReadOnlySpan<byte> scriptArgument)
    {
        ScriptFlags flags;
        if (command is "eval" or "eval_ro")
        {
            if (!ParseShebang(scriptArgument, out _, out flags, out _)) return null;
        }
        else if (command is "evalsha" or "evalsha_ro")
        {
            if (Find(scriptArgument) is not { } script) return null;
            flags = script.Flags;
        }
        else if (command is "fcall" or "fcall_ro")
        {
            if (FindFunction(scriptArgument) is not { } function) return null;
            flags = function.Flags;
        }
        else
        {
            return null;
        }
        return (flags & ScriptFlags.EvalCompatMode) != 0 ? null : flags;
    }

    /// <summary>
    /// eval.c evalExtractShebangFlags: a body starting with "#!" names the engine and flags on its first line, which is
    /// skipped but for its newline (line numbers stay the user's); a body without one is a legacy script
    /// (<see cref="ScriptFlags.EvalCompatMode"/>).
    /// </summary>
    private static bool ParseShebang(ReadOnlySpan<byte> body, out int skip, out ScriptFlags flags, out string? error)
    {
        skip = 0;
        flags = ScriptFlags.EvalCompatMode;
        error = null;
        if (!body.StartsWith("#!"u8)) return true;
        flags = ScriptFlags.None;
        int end = body.IndexOf((byte)'\n');
        if (end < 0) end = body.Length;
        skip = end;
        string[] parts = Encoding.UTF8.GetString(body[..end]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "#!lua")
        {
            error = $"ERR Unexpected engine in script shebang: {(parts.Length == 0 ? "#!" : parts[0])}";
            return false;
        }
        for (int i = 1; i < parts.Length; i++)
        {
            if (!parts[i].StartsWith("flags=", StringComparison.Ordinal))
            {
                error = $"ERR Unknown lua shebang option: {parts[i]}";
                return false;
            }
            foreach (string flag in parts[i][6..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                ScriptFlags bit = ScriptFlagNames.Parse(flag);
                if (bit == ScriptFlags.None)
                {
                    error = $"ERR Unexpected flag in script shebang: {flag}";
                    return false;
                }
                flags |= bit;
            }
        }
        return true;
    }
}
