namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// Fresh directories for in-process servers: a server loads dbfilename from its dir at start and writes it on SAVE,
/// FLUSHALL and the save points, so servers must never share one (nor pick up a dump.rdb lying in the temp root).
/// </summary>
public static class TestDirectory
{
    /// <summary>A new empty directory under the temp root.</summary>
    public static string Create() => Directory.CreateTempSubdirectory("redisfast-test-").FullName;
}
