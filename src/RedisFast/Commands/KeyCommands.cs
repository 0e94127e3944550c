namespace RedisFast.Commands;

/// <summary>Generic key commands (Redis's db.c and expire.c).</summary>
internal static class KeyCommands
{
    public static void Register(CommandLookup t)
    {
    }
}
