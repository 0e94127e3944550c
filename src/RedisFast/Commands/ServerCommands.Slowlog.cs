using System.Text;
using RedisFast.Protocol;
using RedisFast.Server;

namespace RedisFast.Commands;

/// <summary>SLOWLOG GET / LEN / RESET / HELP (slowlog.c); the entries are pushed by <see cref="Client"/> after each command.</summary>
internal static partial class ServerCommands
{
    /// <summary>SLOWLOG GET [count]: the newest entries, 10 by default, all with -1.</summary>
    public static void SlowlogGet(Client c)
    {
        if (c.Argc > 3)
        {
            // addReplySubcommandSyntaxError, naming the subcommand as typed.
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(c.Args[1])}'. Try SLOWLOG HELP.");
            return;
        }
        long count = 10;
        if (c.Argc == 3 && (!NumberParser.TryParseInt64(c.Args[2], out count) || count < -1))
        {
            c.Reply.WriteError("ERR count should be greater than or equal to -1"u8);
            return;
        }
        SlowLog log = c.Server.SlowLog;
        int n = count == -1 ? log.Count : (int)Math.Min(count, log.Count);
        c.Reply.WriteArrayHeader(n);
        foreach (SlowLog.Entry e in log.Entries.Take(n))
        {
            c.Reply.WriteArrayHeader(6);
            c.Reply.WriteInteger(e.Id);
            c.Reply.WriteInteger(e.UnixTime);
            c.Reply.WriteInteger(e.Microseconds);
            c.Reply.WriteArrayHeader(e.Arguments.Length);
            foreach (byte[] argument in e.Arguments) c.Reply.WriteBulk(argument);
            c.Reply.WriteBulk(Encoding.UTF8.GetBytes(e.Peer));
            c.Reply.WriteBulk(Encoding.UTF8.GetBytes(e.Name));
        }
    }

    /// <summary>SLOWLOG LEN</summary>
    public static void SlowlogLen(Client c) => c.Reply.WriteInteger(c.Server.SlowLog.Count);

    /// <summary>SLOWLOG RESET</summary>
    public static void SlowlogReset(Client c)
    {
        c.Server.SlowLog.Reset();
        c.Reply.WriteOk();
    }

    private static readonly string[] SlowlogHelpLines =
    [
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>SLOWLOG HELP</summary>
    public static void SlowlogHelp(Client c) => CommandCommand.WriteHelp(c, SlowlogHelpLines);
}
