namespace RedisFast.Protocol;

/// <summary>Protocol limits, named and sized as in Redis 7.0 (server.h).</summary>
internal static class RespLimits
{
    /// <summary>PROTO_INLINE_MAX_SIZE: longest inline command line and longest '*'/'$' header line.</summary>
    public const int InlineMaxSize = 64 * 1024;

    /// <summary>PROTO_MBULK_BIG_ARG: arguments at least this long get a receive buffer of their own size.</summary>
    public const int BigArgument = 32 * 1024;

    /// <summary>Default proto-max-bulk-len (512 MB).</summary>
    public const long DefaultMaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Default client-query-buffer-limit (1 GB).</summary>
    public const long DefaultQueryBufferLimit = 1024L * 1024 * 1024;

    /// <summary>Redis refuses multibulk counts above INT_MAX (networking.c, processMultibulkBuffer).</summary>
    public const long MaxMultibulkLength = int.MaxValue;
}
