using System.Text;
using RedisFast.Protocol;
using RedisFast.Server;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// LATENCY (latency.c): HISTOGRAM answers from the per-command histograms of latency-tracking (<see cref="CommandLatency"/>);
/// the latency monitor's events (latency-monitor-threshold) are not recorded, so LATEST, HISTORY, RESET, DOCTOR and
/// GRAPH answer as redis-server does with no samples (README "Not there yet").
/// </summary>
internal static class LatencyCommands
{
    private static readonly string[] HelpLines =
    [
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
    ];

    public static void Register(CommandLookup t)
    {
        // Arity and flags as COMMAND INFO reports them on redis-server 7.0.15.
        CommandDefinition latency = t.Add("latency", -2, None, 0, 0, 0, null, "server");
        latency.Sub("doctor", 2, Admin | NoScript | Loading | Stale, 0, 0, 0, Doctor);
        latency.Sub("graph", 3, Admin | NoScript | Loading | Stale, 0, 0, 0,
            static c => c.Reply.WriteError($"ERR No samples available for event '{Encoding.UTF8.GetString(c.Args[2])}'"));
        latency.Sub("history", 3, Admin | NoScript | Loading | Stale, 0, 0, 0, static c => c.Reply.WriteArrayHeader(0));
        latency.Sub("latest", 2, Admin | NoScript | Loading | Stale, 0, 0, 0, static c => c.Reply.WriteArrayHeader(0));
        latency.Sub("reset", -2, Admin | NoScript | Loading | Stale, 0, 0, 0, static c => c.Reply.WriteInteger(0));
        latency.Sub("histogram", -2, Admin | NoScript | Loading | Stale, 0, 0, 0, Histogram);
        latency.Sub("help", 2, Loading | Stale, 0, 0, 0, static c => CommandCommand.WriteHelp(c, HelpLines));
    }

    /// <summary>LATENCY DOCTOR with no samples: latency.c's texts for a disabled monitor and for no spike.</summary>
    private static void Doctor(Client c)
    {
        bool enabled = c.Server.Config.Registry.Find("latency-monitor-threshold")?.Get() is { } threshold && threshold != "0";
        c.Reply.WriteVerbatim(enabled
            ? "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
            : "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
    }

    /// <summary>
    /// LATENCY HISTOGRAM [command ...]: for each command (every one called since start or CONFIG RESETSTAT, or those
    /// named, "container|sub" included), its calls and the cumulative counts at 1024 ns × 2^k (histogram_usec).
    /// </summary>
    private static void Histogram(Client c)
    {
        var commands = new List<CommandDefinition>();
        if (c.Argc == 2)
        {
            foreach (CommandDefinition command in c.Server.Commands.All)
            {
                if (command.Latency is not null) commands.Add(command);
                if (command.Subcommands is null) continue;
                foreach (CommandDefinition sub in command.Subcommands.All)
                {
                    if (sub.Latency is not null) commands.Add(sub);
                }
            }
        }
        else
        {
            for (int j = 2; j < c.Argc; j++)
            {
                if (CommandCommand.FindByFullName(c.Server.Commands, c.Args[j]) is { Latency: not null } command) commands.Add(command);
            }
        }
        ReplyWriter r = c.Reply;
        r.WriteMapHeader(commands.Count);
        foreach (CommandDefinition command in commands)
        {
            CommandLatency latency = command.Latency!;
            r.WriteBulk(command.FullName);
            r.WriteMapHeader(2);
            r.WriteBulk("calls"u8);
            r.WriteInteger(latency.Count);
            r.WriteBulk("histogram_usec"u8);
            List<(long Micros, long Cumulative)> levels = latency.CumulativeDistribution();
            r.WriteMapHeader(levels.Count);
            foreach ((long micros, long cumulative) in levels)
            {
                r.WriteInteger(micros);
                r.WriteInteger(cumulative);
            }
        }
    }
}
