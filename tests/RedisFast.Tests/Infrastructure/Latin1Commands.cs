using System.Text;
using RedisFast.Networking;

namespace RedisFast.Tests.Infrastructure;

/// <summary>
/// Commands whose arguments and replies are Latin-1 text, so any byte value goes through, sent on a socket
/// (<see cref="RawClient"/>) or on a detached connection of an in-process server that need not be started.
/// </summary>
internal static class Latin1Commands
{
    public static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static string S(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>One command; the reply's raw bytes.</summary>
    public static byte[] Reply(RawClient c, byte[][] args)
    {
        c.Send(RawClient.Encode(args));
        return c.ReadReplyBytes();
    }

    /// <inheritdoc cref="Reply(RawClient, byte[][])"/>
    public static byte[] Reply(Connection c, byte[][] args) => c.ExecuteDetachedWithReply(RawClient.Encode(args));

    /// <summary>One command; the reply's raw bytes as text (CRLFs included).</summary>
    public static string Call(RawClient c, params byte[][] args) => S(Reply(c, args));

    /// <inheritdoc cref="Call(RawClient, byte[][])"/>
    public static string Call(Connection c, params byte[][] args) => S(Reply(c, args));

    /// <inheritdoc cref="Call(RawClient, byte[][])"/>
    public static string Call(Connection c, params string[] args) => Call(c, args.Select(B).ToArray());

    /// <summary>One command; the reply parsed by <see cref="RespReply.Parse"/>.</summary>
    public static object? Exec(RawClient c, params string[] args) => RespReply.Parse(Reply(c, args.Select(B).ToArray()));

    /// <summary>Like <see cref="Exec"/>, for a reply that must be a bulk string: its text, or null.</summary>
    public static string? Bulk(RawClient c, params string[] args) => Exec(c, args) is byte[] b ? S(b) : null;

    /// <summary>Like <see cref="Exec"/>, for an array of bulk strings.</summary>
    public static List<string> Strings(RawClient c, params string[] args) => RespReply.Strings(Exec(c, args));

    /// <inheritdoc cref="Strings(RawClient, string[])"/>
    public static List<string> Strings(Connection c, params string[] args) => RespReply.Strings(RespReply.Parse(Reply(c, args.Select(B).ToArray())));
}
