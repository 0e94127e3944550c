using System.Security.Cryptography;
using System.Text;
using RedisFast.Protocol;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, CLIENT (Redis's networking.c and server.c).</summary>
internal static partial class ConnectionCommands
{
    public static void Register(CommandLookup t)
    {
        t.Add("ping", -1, Fast | Sentinel, 0, 0, 0, Ping, "connection");
        t.Add("echo", 2, Loading | Stale | Fast, 0, 0, 0, Echo, "connection");
        t.Add("wait", 3, NoScript, 0, 0, 0, Wait, "generic");
        t.Add("reset", 1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, 0, 0, 0, Reset, "connection");
        t.Add("quit", -1, NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, 0, 0, 0, Quit, "connection");
        t.Add("select", 2, Loading | Stale | Fast, 0, 0, 0, Select, "connection");
        t.Add("hello", -1, NoScript | Loading | Stale | Fast | NoAuth | Sentinel | AllowBusy, 0, 0, 0, Hello, "connection");
        t.Add("auth", -2, NoScript | Loading | Stale | Fast | NoAuth | Sentinel | AllowBusy, 0, 0, 0, Auth, "connection");
        RegisterClient(t);
    }

    /// <summary>PING [message]</summary>
    public static void Ping(Client c)
    {
        if (c.Argc > 2)
        {
            c.Reply.WriteError("ERR wrong number of arguments for 'ping' command"u8);
            return;
        }
        // Still +PONG in RESP3 (server.c, pingCommand): only a RESP2 subscriber gets an array.
        if (c.IsSubscribed && c.Reply.Protocol == 2)
        {
            c.Reply.WriteRaw("*2\r\n$4\r\npong\r\n"u8);
            c.Reply.WriteBulk(c.Argc == 1 ? ReadOnlySpan<byte>.Empty : c.Args[1]);
            return;
        }
        if (c.Argc == 1) c.Reply.WriteRaw("+PONG\r\n"u8);
        else c.Reply.WriteBulk(c.Args[1]);
    }

    /// <summary>
    /// RESET: back to a fresh connection's state (networking.c clearClientConnectionState): database 0, RESP2,
    /// no transaction or watched keys, no subscriptions (without unsubscribe notifications), no name, no
    /// no-evict. Runs immediately even inside MULTI or in subscribed mode.
    /// </summary>
    public static void Reset(Client c)
    {
        c.Select(0);
        c.Reply.Protocol = 2;
        c.DiscardTransaction();
        c.Server.PubSub.RemoveClient(c);
        c.Name = null;
        c.NoEvict = false;
        c.SetDefaultAuth();
        c.Reply.WriteSimpleString("RESET"u8);
    }

    /// <summary>ECHO message</summary>
    public static void Echo(Client c) => c.Reply.WriteBulk(c.Args[1]);

    /// <summary>The reply of WAIT: no replica acknowledged anything (RedisFast has none).</summary>
    private static readonly byte[] NoAcks = ":0\r\n"u8.ToArray();

    /// <summary>
    /// getTimeoutFromObjectOrReply with UNIT_MILLISECONDS: argument <paramref name="index"/> as a timeout in
    /// milliseconds, 0 or more; false after replying Redis's error.
    /// </summary>
    internal static bool TryReadMilliseconds(Client c, int index, out long timeout)
    {
        if (!NumberParser.TryParseInt64(c.Args[index], out timeout))
        {
            c.Reply.WriteError("ERR timeout is not an integer or out of range"u8);
            return false;
        }
        if (timeout < 0)
        {
            c.Reply.WriteError("ERR timeout is negative"u8);
            return false;
        }
        return true;
    }

    /// <summary>
    /// WAIT numreplicas timeout (replication.c waitCommand): RedisFast has no replicas, so the count of replicas that
    /// acknowledged is always 0. Asking for none answers at once (as inside MULTI); asking for some blocks until the
    /// timeout in milliseconds (0: forever) or CLIENT UNBLOCK, then answers 0, as a master without replicas does.
    /// </summary>
    public static void Wait(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[1], out long replicas))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (!TryReadMilliseconds(c, 2, out long timeout)) return;
        if (replicas <= 0 || c.InMulti)
        {
            c.Reply.WriteRaw(NoAcks);
            return;
        }
        // Waits on no key: only the deadline or CLIENT UNBLOCK ends it.
        long now = Environment.TickCount64;
        long deadline = timeout == 0 ? 0 : timeout > long.MaxValue - now ? long.MaxValue : now + timeout;
        c.Server.Blocking.Block(new BlockedWait(c, c.Db, [], deadline, static (_, _, _) => false) { TimeoutReply = NoAcks });
    }

    /// <summary>
    /// QUIT. <see cref="Client.Execute"/> answers QUIT before the table lookup, as Redis 7.0 does; the entry
    /// exists so COMMAND, COMMAND INFO and COMMAND COUNT list it like Redis.
    /// </summary>
    public static void Quit(Client c)
    {
        c.Reply.WriteOk();
        c.CloseAfterReply = true;
    }

    /// <summary>SELECT index</summary>
    public static void Select(Client c)
    {
        if (!NumberParser.TryParseInt64(c.Args[1], out long id))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        // getIntFromObjectOrReply goes through getRangeLongFromObjectOrReply in 7.0 (object.c).
        if (id < int.MinValue || id > int.MaxValue)
        {
            c.Reply.WriteError("ERR value is out of range, value must between -2147483648 and 2147483647"u8);
            return;
        }
        if (id < 0 || id >= c.Server.Keyspace.Databases.Length)
        {
            c.Reply.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        c.Select((int)id);
        c.Reply.WriteOk();
    }

    /// <summary>
    /// HELLO [protover [AUTH username password] [SETNAME clientname]]. Options apply in order as they are read,
    /// so a SETNAME before a bad option still takes effect (networking.c, helloCommand in 7.0).
    /// </summary>
    public static void Hello(Client c)
    {
        long version = 0;
        int next = 1;
        if (c.Argc >= 2)
        {
            if (!NumberParser.TryParseInt64(c.Args[next++], out version))
            {
                c.Reply.WriteError("ERR Protocol version is not an integer or out of range"u8);
                return;
            }
            if (version < 2 || version > 3)
            {
                c.Reply.WriteError("NOPROTO unsupported protocol version"u8);
                return;
            }
        }
        for (int j = next; j < c.Argc; j++)
        {
            int more = c.Argc - 1 - j;
            ReadOnlySpan<byte> option = c.Args[j];
            if (Ascii.EqualsIgnoreCase(option, "auth"u8) && more >= 2)
            {
                c.RedactArgument(j + 1);
                c.RedactArgument(j + 2);
                if (!Authenticate(c, c.Args[j + 1], c.Args[j + 2]))
                {
                    c.Reply.WriteError(WrongPass);
                    return;
                }
                j += 2;
            }
            else if (Ascii.EqualsIgnoreCase(option, "setname"u8) && more >= 1)
            {
                if (!TrySetName(c, c.Args[j + 1])) return;
                j++;
            }
            else
            {
                c.Reply.WriteError($"ERR Syntax error in HELLO option '{Encoding.UTF8.GetString(option)}'");
                return;
            }
        }
        // networking.c helloCommand (7.0): options take effect in order (a name is set even when NOAUTH follows),
        // then authentication is required.
        if (!c.Authenticated)
        {
            c.Reply.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"u8);
            return;
        }
        if (version != 0) c.Reply.Protocol = (int)version;
        c.Reply.WriteMapHeader(7);
        c.Reply.WriteBulk("server"u8);
        c.Reply.WriteBulk("redis"u8);
        c.Reply.WriteBulk("version"u8);
        c.Reply.WriteBulk("7.0.15"u8);
        c.Reply.WriteBulk("proto"u8);
        c.Reply.WriteInteger(c.Reply.Protocol);
        c.Reply.WriteBulk("id"u8);
        c.Reply.WriteInteger(c.Id);
        c.Reply.WriteBulk("mode"u8);
        c.Reply.WriteBulk("standalone"u8);
        c.Reply.WriteBulk("role"u8);
        c.Reply.WriteBulk("master"u8);
        c.Reply.WriteBulk("modules"u8);
        c.Reply.WriteArrayHeader(0);
    }

    /// <summary>
    /// AUTH [username] password (acl.c authCommand). The one-argument form names the default user; without a
    /// requirepass that user is "nopass" and the form is refused as a likely misconfiguration.
    /// </summary>
    public static void Auth(Client c)
    {
        if (c.Argc > 3)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        // acl.c authCommand: "Always redact line containing password".
        for (int i = 1; i < c.Argc; i++) c.RedactArgument(i);
        if (c.Argc == 2 && c.Server.Config.RequirePass.Length == 0)
        {
            c.Reply.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"u8);
            return;
        }
        bool ok = c.Argc == 2 ? Authenticate(c, "default"u8, c.Args[1]) : Authenticate(c, c.Args[1], c.Args[2]);
        if (!ok)
        {
            c.Reply.WriteError(WrongPass);
            return;
        }
        c.Reply.WriteOk();
    }

    private static ReadOnlySpan<byte> WrongPass => "WRONGPASS invalid username-password pair or user is disabled."u8;

    /// <summary>
    /// ACLAuthenticateUser for the only user there is, "default": any password while requirepass is empty (nopass),
    /// else requirepass itself, compared in constant time (acl.c compares SHA-256 hashes the same way). Success marks
    /// the client authenticated.
    /// </summary>
    private static bool Authenticate(Client c, ReadOnlySpan<byte> username, ReadOnlySpan<byte> password)
    {
        if (!username.SequenceEqual("default"u8)) return false;
        string required = c.Server.Config.RequirePass;
        if (required.Length != 0)
        {
            // CONFIG SET stores requirepass decoded as UTF-8: decode the candidate the same way.
            byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(required));
            byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(password)));
            if (!CryptographicOperations.FixedTimeEquals(expected, given)) return false;
        }
        c.Authenticated = true;
        return true;
    }

    /// <summary>
    /// Sets or (with an empty name) clears the client name; replies the error and returns false for a name
    /// with characters outside '!'..'~', which would break CLIENT LIST's space-separated format (networking.c).
    /// </summary>
    private static bool TrySetName(Client c, ReadOnlySpan<byte> name)
    {
        if (name.Length == 0)
        {
            c.Name = null;
            return true;
        }
        foreach (byte b in name)
        {
            if (b < '!' || b > '~')
            {
                c.Reply.WriteError("ERR Client names cannot contain spaces, newlines or special characters."u8);
                return false;
            }
        }
        c.Name = Encoding.ASCII.GetString(name);
        return true;
    }
}
