namespace RedisFast.Commands;

/// <summary>
/// Runs one command for <paramref name="client"/>: arguments in <see cref="Client.Args"/> (argument 0 is the
/// command name, arity already checked), reply written to <see cref="Client.Reply"/>. Runs on the event loop.
/// </summary>
internal delegate void CommandHandler(Client client);
