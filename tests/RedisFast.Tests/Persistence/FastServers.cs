using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>In-process RedisFast servers for the RDB tests, each in a directory of its own (it loads dump.rdb from there).</summary>
internal static class FastServers
{
    /// <summary>
    /// A server that is not started (start it, or load and query it through detached connections) in
    /// <paramref name="dir"/> or a new directory, with the save points <paramref name="save"/> (none by default).
    /// </summary>
    public static RedisServer NewServer(string? dir = null, string save = "") =>
        new(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = dir ?? TestDirectory.Create(), LogLevel = "warning", Save = save });

    /// <summary>A started server in <paramref name="dir"/> without save points.</summary>
    public static RedisServer StartFast(string dir)
    {
        RedisServer server = NewServer(dir);
        server.Start();
        return server;
    }
}
