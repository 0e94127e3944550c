namespace RedisFast.Commands;

/// <summary>
/// Builds the command table: every command group registers its commands with Redis 7.0's arity, flags and
/// key positions (commands.def), as checked against a real redis-server by the tests.
/// </summary>
internal static class CommandTable
{
    public static CommandLookup Create()
    {
        var table = new CommandLookup();
        ConnectionCommands.Register(table);
        ServerCommands.Register(table);
        StringCommands.Register(table);
        BitmapCommands.Register(table);
        HyperLogLogCommands.Register(table);
        SortCommands.Register(table);
        GeoCommands.Register(table);
        MemoryCommands.Register(table);
        KeyCommands.Register(table);
        Persistence.PersistenceCommands.Register(table);
        SortedSetCommands.Register(table);
        HashCommands.Register(table);
        SetCommands.Register(table);
        TransactionCommands.Register(table);
        ScriptingCommands.Register(table);
        FunctionCommands.Register(table);
        DebugCommands.Register(table);
        LatencyCommands.Register(table);
        PubSubCommands.Register(table);
        ListCommands.Register(table);
        CommandCommand.Register(table);
        return table;
    }

    /// <summary>Adds a command (arity negative means "at least |arity| arguments", counting the name).</summary>
    public static CommandDefinition Add(this CommandLookup table, string name, int arity, CommandFlags flags,
        int firstKey, int lastKey, int step, CommandHandler? handler, string group)
    {
        var command = new CommandDefinition(name, arity, flags, firstKey, lastKey, step, handler, group);
        table.Add(command);
        return command;
    }

    /// <summary>Adds a subcommand to a container command such as CONFIG or CLIENT.</summary>
    public static CommandDefinition Sub(this CommandDefinition container, string name, int arity, CommandFlags flags,
        int firstKey, int lastKey, int step, CommandHandler handler)
    {
        return container.AddSubcommand(new CommandDefinition(name, arity, flags, firstKey, lastKey, step, handler, container.Group));
    }
}
