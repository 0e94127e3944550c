namespace RedisFast.Scripting;

/// <summary>Script and function flags (script.h SCRIPT_FLAG_*), in the order Redis lists them.</summary>
[Flags]
internal enum ScriptFlags
{
    None = 0,
    NoWrites = 1 << 0,
    AllowOom = 1 << 1,
    AllowStale = 1 << 2,
    NoCluster = 1 << 3,
    AllowCrossSlotKeys = 1 << 4,

    /// <summary>An EVAL script without a shebang: writes are checked command by command (SCRIPT_FLAG_EVAL_COMPAT_MODE).</summary>
    EvalCompatMode = 1 << 5,
}

/// <summary>The flags' names in scripts (shebangs, register_function) and replies (FUNCTION LIST).</summary>
internal static class ScriptFlagNames
{
    public static readonly (ScriptFlags Flag, string Name)[] All =
    [
        (ScriptFlags.NoWrites, "no-writes"),
        (ScriptFlags.AllowOom, "allow-oom"),
        (ScriptFlags.AllowStale, "allow-stale"),
        (ScriptFlags.NoCluster, "no-cluster"),
        (ScriptFlags.AllowCrossSlotKeys, "allow-cross-slot-keys"),
    ];

    /// <summary>The flag named <paramref name="name"/> (exact case, as shebangs want it), or None.</summary>
    public static ScriptFlags Parse(string name)
    {
        foreach ((ScriptFlags flag, string n) in All)
        {
            if (n == name) return flag;
        }
        return ScriptFlags.None;
    }
}
