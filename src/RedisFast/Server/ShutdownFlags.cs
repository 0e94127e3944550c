namespace RedisFast.Server;

/// <summary>SHUTDOWN's options (server.h SHUTDOWN_*), also the values of shutdown-on-sigterm and shutdown-on-sigint.</summary>
[Flags]
public enum ShutdownFlags
{
    None = 0,
    NoSave = 1,
    Save = 2,
    Now = 4,
    Force = 8,
}
