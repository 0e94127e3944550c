namespace RedisFast.Scripting;

/// <summary>FUNCTION RESTORE's policy for libraries that already exist (functions.c restorePolicy).</summary>
internal enum RestorePolicy
{
    /// <summary>Add the payload's libraries; a name that exists fails the restore.</summary>
    Append,

    /// <summary>Add them, replacing libraries of the same names.</summary>
    Replace,

    /// <summary>Drop every library first.</summary>
    Flush,
}
