namespace RedisFast.Protocol;

/// <summary>
/// What C code sees of an argument: Redis hands its sds strings to strcasecmp, strtod, strchr or printf's %s, which
/// stop at the first NUL byte.
/// </summary>
internal static class CString
{
    /// <summary>The bytes of <paramref name="s"/> up to its first NUL.</summary>
    public static ReadOnlySpan<byte> Of(ReadOnlySpan<byte> s)
    {
        int nul = s.IndexOf((byte)0);
        return nul < 0 ? s : s[..nul];
    }
}
