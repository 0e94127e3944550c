using System.Text;
using RedisFast.Protocol;
using RedisFast.Server;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>CLIENT and its subcommands (Redis's networking.c, clientCommand).</summary>
internal static partial class ConnectionCommands
{
    private static readonly string[] ClientHelpLines =
    [
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    ];

    /// <summary>Client types of Redis's getClientTypeByName; RedisFast has normal and pubsub clients so far.</summary>
    private enum ClientType
    {
        Unknown,
        Normal,
        Replica,
        PubSub,
        Master,
    }

    private static void RegisterClient(CommandLookup t)
    {
        CommandDefinition client = t.Add("client", -2, None, 0, 0, 0, null, "connection");
        const CommandFlags Admin = CommandFlags.Admin | NoScript | Loading | Stale;
        const CommandFlags Plain = NoScript | Loading | Stale;
        client.Sub("id", 2, Plain, 0, 0, 0, ClientId);
        client.Sub("info", 2, Plain, 0, 0, 0, ClientInfo);
        client.Sub("list", -2, Admin, 0, 0, 0, ClientList);
        client.Sub("kill", -3, Admin, 0, 0, 0, ClientKill);
        client.Sub("setname", 3, Plain, 0, 0, 0, ClientSetName);
        client.Sub("getname", 2, Plain, 0, 0, 0, ClientGetName);
        client.Sub("getredir", 2, Plain, 0, 0, 0, ClientGetRedir);
        client.Sub("no-evict", 3, Admin, 0, 0, 0, ClientNoEvict);
        client.Sub("reply", 3, Plain, 0, 0, 0, ClientReply);
        client.Sub("pause", -3, Admin, 0, 0, 0, ClientPause);
        client.Sub("unpause", 2, Admin, 0, 0, 0, static c =>
        {
            c.Server.Pause.Unpause();
            c.Reply.WriteOk();
        });
        client.Sub("unblock", -3, Admin, 0, 0, 0, ClientUnblock);
        client.Sub("help", 2, Loading | Stale, 0, 0, 0, ClientHelp);
    }

    /// <summary>CLIENT ID</summary>
    public static void ClientId(Client c) => c.Reply.WriteInteger(c.Id);

    /// <summary>CLIENT INFO: this client's CLIENT LIST line, as a verbatim string.</summary>
    public static void ClientInfo(Client c) => c.Reply.WriteVerbatim(c.Describe() + "\n");

    /// <summary>CLIENT LIST [TYPE normal|master|replica|pubsub] | [ID client-id ...]</summary>
    public static void ClientList(Client c)
    {
        var text = new StringBuilder();
        if (c.Argc == 4 && Ascii.EqualsIgnoreCase(c.Args[2], "type"u8))
        {
            ClientType type = ParseClientType(c.Args[3]);
            if (type == ClientType.Unknown)
            {
                c.Reply.WriteError($"ERR Unknown client type '{Encoding.UTF8.GetString(c.Args[3])}'");
                return;
            }
            foreach (Client other in ClientsInOrder(c))
                if (type == TypeOf(other)) text.Append(other.Describe()).Append('\n');
        }
        else if (c.Argc > 3 && Ascii.EqualsIgnoreCase(c.Args[2], "id"u8))
        {
            for (int j = 3; j < c.Argc; j++)
            {
                if (!NumberParser.TryParseInt64(c.Args[j], out long id))
                {
                    c.Reply.WriteError("ERR Invalid client ID"u8);
                    return;
                }
                if (c.Server.Clients.TryGetValue(id, out Client? other)) text.Append(other.Describe()).Append('\n');
            }
        }
        else if (c.Argc != 2)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        else
        {
            foreach (Client other in ClientsInOrder(c)) text.Append(other.Describe()).Append('\n');
        }
        c.Reply.WriteVerbatim(text.ToString());
    }

    /// <summary>
    /// CLIENT KILL ip:port (replies +OK or an error, and may kill the caller) or CLIENT KILL filter value ...
    /// (replies the count; SKIPME yes by default). Other clients are closed at once; the caller is closed
    /// after its reply is sent.
    /// </summary>
    public static void ClientKill(Client c)
    {
        string? addr = null, laddr = null;
        ClientType type = ClientType.Unknown;
        long id = 0;
        bool skipMe = true;
        if (c.Argc == 3)
        {
            addr = Encoding.UTF8.GetString(c.Args[2]);
            skipMe = false;
        }
        else
        {
            for (int i = 2; i < c.Argc; i += 2)
            {
                bool more = c.Argc > i + 1;
                ReadOnlySpan<byte> option = c.Args[i];
                if (Ascii.EqualsIgnoreCase(option, "id"u8) && more)
                {
                    if (!NumberParser.TryParseInt64(c.Args[i + 1], out id) || id < 1)
                    {
                        c.Reply.WriteError("ERR client-id should be greater than 0"u8);
                        return;
                    }
                }
                else if (Ascii.EqualsIgnoreCase(option, "type"u8) && more)
                {
                    type = ParseClientType(c.Args[i + 1]);
                    if (type == ClientType.Unknown)
                    {
                        c.Reply.WriteError($"ERR Unknown client type '{Encoding.UTF8.GetString(c.Args[i + 1])}'");
                        return;
                    }
                }
                else if (Ascii.EqualsIgnoreCase(option, "addr"u8) && more)
                {
                    addr = Encoding.UTF8.GetString(c.Args[i + 1]);
                }
                else if (Ascii.EqualsIgnoreCase(option, "laddr"u8) && more)
                {
                    laddr = Encoding.UTF8.GetString(c.Args[i + 1]);
                }
                else if (Ascii.EqualsIgnoreCase(option, "user"u8) && more)
                {
                    if (!c.Args[i + 1].SequenceEqual("default"u8))
                    {
                        c.Reply.WriteError($"ERR No such user '{Encoding.UTF8.GetString(c.Args[i + 1])}'");
                        return;
                    }
                }
                else if (Ascii.EqualsIgnoreCase(option, "skipme"u8) && more)
                {
                    if (Ascii.EqualsIgnoreCase(c.Args[i + 1], "yes"u8)) skipMe = true;
                    else if (Ascii.EqualsIgnoreCase(c.Args[i + 1], "no"u8)) skipMe = false;
                    else
                    {
                        c.Reply.WriteError(Errors.Syntax);
                        return;
                    }
                }
                else
                {
                    c.Reply.WriteError(Errors.Syntax);
                    return;
                }
            }
        }

        int killed = 0;
        foreach (Client other in ClientsInOrder(c))
        {
            if (addr is not null && other.Connection.RemoteAddress != addr) continue;
            if (laddr is not null && other.Connection.LocalAddress != laddr) continue;
            if (type != ClientType.Unknown && type != TypeOf(other)) continue;
            if (id != 0 && other.Id != id) continue;
            if (other == c && skipMe) continue;
            if (other == c) c.CloseAfterReply = true;
            else other.Connection.Close();
            killed++;
        }
        if (c.Argc == 3)
        {
            if (killed == 0) c.Reply.WriteError("ERR No such client"u8);
            else c.Reply.WriteOk();
        }
        else
        {
            c.Reply.WriteInteger(killed);
        }
    }

    /// <summary>CLIENT SETNAME name (an empty name clears it).</summary>
    public static void ClientSetName(Client c)
    {
        if (TrySetName(c, c.Args[2])) c.Reply.WriteOk();
    }

    /// <summary>CLIENT GETNAME: the name, or a null bulk string.</summary>
    public static void ClientGetName(Client c)
    {
        if (c.Name is null) c.Reply.WriteNull();
        else c.Reply.WriteBulk(c.Name);
    }

    /// <summary>CLIENT GETREDIR: -1, since tracking is never enabled.</summary>
    public static void ClientGetRedir(Client c) => c.Reply.WriteInteger(-1);

    /// <summary>CLIENT NO-EVICT on|off</summary>
    public static void ClientNoEvict(Client c)
    {
        if (Ascii.EqualsIgnoreCase(c.Args[2], "on"u8)) c.NoEvict = true;
        else if (Ascii.EqualsIgnoreCase(c.Args[2], "off"u8)) c.NoEvict = false;
        else
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        c.Reply.WriteOk();
    }

    /// <summary>
    /// CLIENT REPLY ON|OFF|SKIP: ON answers OK and sends replies again; OFF drops every reply (and pushed message) from
    /// now on; SKIP drops the next command's reply only (nothing under OFF). OFF and SKIP have no reply of their own.
    /// </summary>
    public static void ClientReply(Client c)
    {
        ReadOnlySpan<byte> mode = c.Args[2];
        if (Ascii.EqualsIgnoreCase(mode, "on"u8))
        {
            c.Replies &= ~(Client.ReplyMode.Skip | Client.ReplyMode.Off);
            c.Reply.WriteOk();
        }
        else if (Ascii.EqualsIgnoreCase(mode, "off"u8))
        {
            c.Replies |= Client.ReplyMode.Off;
        }
        else if (Ascii.EqualsIgnoreCase(mode, "skip"u8))
        {
            if ((c.Replies & Client.ReplyMode.Off) == 0) c.Replies |= Client.ReplyMode.SkipNext;
        }
        else
        {
            c.Reply.WriteError(Errors.Syntax);
        }
    }

    /// <summary>
    /// CLIENT PAUSE timeout [WRITE|ALL]: pauses every client (ALL, the default) or their writes (WRITE) for
    /// <c>timeout</c> milliseconds (<see cref="Server.ClientPause"/>). The mode is checked before the timeout, as in Redis.
    /// </summary>
    public static void ClientPause(Client c)
    {
        if (c.Argc > 4)
        {
            string name = Encoding.UTF8.GetString(c.Args[1]);
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{name}'. Try CLIENT HELP.");
            return;
        }
        PauseMode mode = PauseMode.All;
        if (c.Argc == 4)
        {
            if (Ascii.EqualsIgnoreCase(c.Args[3], "write"u8)) mode = PauseMode.Write;
            else if (!Ascii.EqualsIgnoreCase(c.Args[3], "all"u8))
            {
                c.Reply.WriteError("ERR CLIENT PAUSE mode must be WRITE or ALL"u8);
                return;
            }
        }
        if (!TryReadMilliseconds(c, 2, out long timeout)) return;
        c.Server.Pause.Pause(timeout, mode);
        c.Reply.WriteOk();
    }

    /// <summary>
    /// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: :1 when the client was blocked and now runs again (with the
    /// timeout reply, or the UNBLOCKED error), :0 otherwise. The reason is checked before the id, as in Redis.
    /// </summary>
    public static void ClientUnblock(Client c)
    {
        if (c.Argc > 4)
        {
            string name = Encoding.UTF8.GetString(c.Args[1].Length > 128 ? c.Args[1][..128] : c.Args[1]);
            c.Reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{name}'. Try CLIENT HELP.");
            return;
        }
        bool error = false;
        if (c.Argc == 4)
        {
            if (Ascii.EqualsIgnoreCase(c.Args[3], "error"u8)) error = true;
            else if (!Ascii.EqualsIgnoreCase(c.Args[3], "timeout"u8))
            {
                c.Reply.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"u8);
                return;
            }
        }
        if (!NumberParser.TryParseInt64(c.Args[2], out long id))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        bool unblocked = c.Server.Clients.TryGetValue(id, out Client? target) && c.Server.Blocking.UnblockByRequest(target, error);
        c.Reply.WriteInteger(unblocked ? 1 : 0);
    }

    /// <summary>CLIENT HELP</summary>
    public static void ClientHelp(Client c) => CommandCommand.WriteHelp(c, ClientHelpLines);

    /// <summary>getClientType: a subscriber (CLIENT_PUBSUB) is of the pubsub type, everyone else normal here.</summary>
    private static ClientType TypeOf(Client client) => client.IsSubscribed ? ClientType.PubSub : ClientType.Normal;

    private static ClientType ParseClientType(ReadOnlySpan<byte> name)
    {
        if (Ascii.EqualsIgnoreCase(name, "normal"u8)) return ClientType.Normal;
        if (Ascii.EqualsIgnoreCase(name, "slave"u8) || Ascii.EqualsIgnoreCase(name, "replica"u8)) return ClientType.Replica;
        if (Ascii.EqualsIgnoreCase(name, "pubsub"u8)) return ClientType.PubSub;
        if (Ascii.EqualsIgnoreCase(name, "master"u8)) return ClientType.Master;
        return ClientType.Unknown;
    }

    /// <summary>Connected clients in creation order (Redis's server.clients list), as a snapshot safe to kill from.</summary>
    private static List<Client> ClientsInOrder(Client c)
    {
        var clients = new List<Client>(c.Server.Clients.Values);
        clients.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return clients;
    }
}
