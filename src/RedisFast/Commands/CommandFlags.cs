namespace RedisFast.Commands;

/// <summary>Command flags with Redis 7.0's meanings and names (server.h CMD_*; COMMAND INFO prints them).</summary>
[Flags]
internal enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 4,
    PubSub = 1 << 5,
    NoScript = 1 << 6,
    Blocking = 1 << 8,
    Loading = 1 << 9,
    Stale = 1 << 10,
    SkipMonitor = 1 << 11,
    SkipSlowlog = 1 << 12,
    Fast = 1 << 14,
    NoAuth = 1 << 15,
    MayReplicate = 1 << 16,
    Sentinel = 1 << 17,
    OnlySentinel = 1 << 18,
    NoMandatoryKeys = 1 << 19,
    Protected = 1 << 20,
    NoAsyncLoading = 1 << 23,
    NoMulti = 1 << 24,
    MovableKeys = 1 << 25,
    AllowBusy = 1 << 26,
}
