using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// requirepass, AUTH, HELLO ... AUTH and RESET against redis-server 7.0: the same steps on several connections of a
/// RedisFast and a redis-server of this test's own (it sets a password, so no shared fixture), every reply compared.
/// </summary>
public sealed partial class RequirePassTests
{
    [GeneratedRegex(@"\$2\r\nid\r\n:\d+\r\n")]
    private static partial Regex HelloId();

    private static readonly (string Connection, string[] Command)[] Steps =
    [
        ("admin", ["AUTH", "x"]),
        ("admin", ["CONFIG", "SET", "requirepass", "s3cret"]),
        ("admin", ["PING"]),
        // A connection made after it: only AUTH, HELLO, RESET and QUIT run; unknown commands, unknown subcommands
        // and wrong arities are reported before the missing authentication.
        ("b", ["PING"]),
        ("b", ["SET", "k", "v"]),
        ("b", ["SUBSCRIBE", "ch"]),
        ("b", ["FOO"]),
        ("b", ["GET"]),
        ("b", ["CONFIG", "FOO"]),
        ("b", ["HELLO", "3"]),
        ("b", ["HELLO", "3", "AUTH", "default", "bad"]),
        ("b", ["AUTH", "bad"]),
        ("b", ["AUTH", "nobody", "s3cret"]),
        ("b", ["AUTH", "a", "b", "c"]),
        ("b", ["MULTI"]),
        ("b", ["EXEC"]),
        ("b", ["RESET"]),
        ("b", ["AUTH", "s3cret"]),
        ("b", ["SET", "k", "v"]),
        ("b", ["MULTI"]),
        ("b", ["SET", "k", "w"]),
        ("b", ["EXEC", "extra"]),
        ("b", ["EXEC"]),
        ("b", ["RESET"]),
        ("b", ["GET", "k"]),
        ("b", ["AUTH", "default", "s3cret"]),
        ("b", ["GET", "k"]),
        ("c", ["HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "n1"]),
        ("c", ["CLIENT", "GETNAME"]),
        // HELLO's options take effect one by one, in order, before authentication is required: a name set without
        // AUTH stays, a password stays given when a later name is refused.
        ("d", ["HELLO", "2", "SETNAME", "early"]),
        ("d", ["HELLO", "2", "SETNAME", "a b", "AUTH", "default", "s3cret"]),
        ("d", ["PING"]),
        ("d", ["HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "a b"]),
        ("d", ["CLIENT", "GETNAME"]),
        ("admin", ["CONFIG", "GET", "requirepass"]),
        ("admin", ["INFO", "errorstats"]),
        ("admin", ["CONFIG", "SET", "requirepass", ""]),
        // No password again: everyone is let in, and AUTH behaves as without one.
        ("b", ["RESET"]),
        ("b", ["PING"]),
        ("e", ["PING"]),
        ("e", ["AUTH", "x"]),
        ("e", ["AUTH", "default", "x"]),
    ];

    [Fact]
    public void RequirePassGatesCommandsUntilAuthLikeRedis() =>
        Differential.AssertSameRepliesOnOwnServers(Steps, reply => HelloId().Replace(reply, "$2\r\nid\r\n:ID\r\n"));
}
