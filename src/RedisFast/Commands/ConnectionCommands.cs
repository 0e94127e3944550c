using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>Connection commands: PING, ECHO, SELECT, HELLO, CLIENT (Redis's networking.c and server.c).</summary>
internal static class ConnectionCommands
{
    public static void Register(CommandLookup t)
    {
        t.Add("ping", -1, Fast | Sentinel, 0, 0, 0, Ping, "connection");
        t.Add("echo", 2, Fast, 0, 0, 0, Echo, "connection");
    }

    /// <summary>PING [message]</summary>
    public static void Ping(Client c)
    {
        if (c.Argc > 2)
        {
            c.Reply.WriteError("ERR wrong number of arguments for 'ping' command"u8);
            return;
        }
        if (c.Argc == 1) c.Reply.WriteRaw("+PONG\r\n"u8);
        else c.Reply.WriteBulk(c.Args[1]);
    }

    /// <summary>ECHO message</summary>
    public static void Echo(Client c) => c.Reply.WriteBulk(c.Args[1]);
}
