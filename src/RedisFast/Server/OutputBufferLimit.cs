namespace RedisFast.Server;

/// <summary>One class of client-output-buffer-limit: hard bytes, soft bytes, soft seconds (0 = no limit).</summary>
public readonly record struct OutputBufferLimit(long HardBytes, long SoftBytes, int SoftSeconds);
