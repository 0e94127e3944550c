namespace RedisFast.Commands;

/// <summary>Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO, CONFIG, COMMAND, SHUTDOWN.</summary>
internal static class ServerCommands
{
    public static void Register(CommandLookup t)
    {
    }
}
