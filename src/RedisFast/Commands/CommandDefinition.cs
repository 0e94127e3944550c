namespace RedisFast.Commands;

/// <summary>
/// One entry of the command table, with the metadata Redis 7.0 declares for it (commands.def): arity (negative
/// means "at least"), flags, and the key positions COMMAND INFO reports.
/// </summary>
internal sealed class CommandDefinition
{
    public CommandDefinition(string name, int arity, CommandFlags flags, int firstKey, int lastKey, int step, CommandHandler? handler, string group)
    {
        Name = name;
        NameBytes = System.Text.Encoding.ASCII.GetBytes(name);
        Arity = arity;
        Flags = flags;
        FirstKey = firstKey;
        LastKey = lastKey;
        Step = step;
        Handler = handler;
        Group = group;
        FullName = name;
    }

    /// <summary>Lower-case name ("get"; "get" for a subcommand of CONFIG, see <see cref="FullName"/>).</summary>
    public string Name { get; }

    /// <summary><see cref="Name"/> in ASCII, what <see cref="CommandLookup"/> compares a client's name with.</summary>
    public byte[] NameBytes { get; }

    /// <summary>"config|get" for subcommands, as Redis names them in errors and COMMAND output.</summary>
    public string FullName { get; private set; }

    public int Arity { get; }
    public CommandFlags Flags { get; }
    public int FirstKey { get; }
    public int LastKey { get; }
    public int Step { get; }

    /// <summary>Null for a container command (CONFIG, CLIENT, ...) that dispatches on its subcommand.</summary>
    public CommandHandler? Handler { get; }

    /// <summary>Redis's command group ("string", "generic", "server", "connection", ...).</summary>
    public string Group { get; }

    public CommandDefinition? Parent { get; private set; }

    /// <summary>Subcommands by lower-case name; null for a plain command.</summary>
    public CommandLookup? Subcommands { get; private set; }

    /// <summary>
    /// The enable-*-command option that must allow this command (DEBUG, MODULE and its subcommands), or null: checked
    /// before dispatch as processCommand does (allowProtectedAction).
    /// </summary>
    public string? ProtectedBy { get; set; }

    /// <summary>Calls made, for INFO commandstats.</summary>
    public long Calls;

    /// <summary>
    /// Time spent, in Stopwatch ticks: summed unrounded, since most calls take well under a microsecond and rounding
    /// each one down would report 0.
    /// </summary>
    public long ElapsedTicks;

    /// <summary>Microseconds spent, for INFO commandstats (usec).</summary>
    public long Microseconds => (long)(ElapsedTicks * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));

    public long RejectedCalls;

    /// <summary>The latency histogram (latency-tracking), from the first call after start or CONFIG RESETSTAT; null before.</summary>
    public Server.CommandLatency? Latency;
    public long FailedCalls;

    /// <summary>Adds a subcommand (its arity counts the container's name too, as in Redis).</summary>
    public CommandDefinition AddSubcommand(CommandDefinition sub)
    {
        Subcommands ??= new CommandLookup();
        sub.Parent = this;
        sub.FullName = Name + "|" + sub.Name;
        Subcommands.Add(sub);
        return sub;
    }

    public bool IsWrite => (Flags & CommandFlags.Write) != 0;
}
