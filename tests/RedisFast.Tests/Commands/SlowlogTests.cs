using System.Text.RegularExpressions;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// SLOWLOG and slowlog-log-slower-than / slowlog-max-len against redis-server 7.0, on servers of this test's own
/// (it logs every command): the same steps, replies compared with ids, times, durations and ports masked.
/// </summary>
public sealed partial class SlowlogTests
{
    [GeneratedRegex(@"\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n")]
    private static partial Regex EntryHead();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Peer();

    [GeneratedRegex(@"\$2\r\nid\r\n:\d+\r\n")]
    private static partial Regex HelloId();

    private static readonly string[][] Steps =
    [
        ["SLOWLOG", "RESET"],
        ["CONFIG", "SET", "slowlog-log-slower-than", "0"],
        ["CLIENT", "SETNAME", "me"],
        // Arguments over 128 bytes are cut, secrets redacted (AUTH, HELLO AUTH, CONFIG SET requirepass), more than
        // 32 arguments summed up in the last one; EXEC is not logged but what it ran is; rejected commands are not.
        ["SET", "k", new string('x', 200)],
        ["AUTH", "a", "b"],
        ["HELLO", "2", "AUTH", "default", "pw"],
        ["CONFIG", "SET", "requirepass", ""],
        ["MULTI"],
        ["INCR", "n"],
        ["EXEC"],
        ["FOO"],
        ["GET"],
        ["MSET", .. Enumerable.Range(0, 40).Select(i => i.ToString())],
        ["SLOWLOG", "LEN"],
        ["SLOWLOG", "GET", "-1"],
        ["SLOWLOG", "GET", "2"],
        ["SLOWLOG", "GET", "0"],
        ["SLOWLOG", "GET", "-2"],
        ["SLOWLOG", "GET", "x"],
        ["SLOWLOG", "GET", "1", "2"],
        ["SLOWLOG", "FOO"],
        ["SLOWLOG", "LEN", "x"],
        ["SLOWLOG", "HELP"],
        // A shorter maximum takes effect at the next entry; -1 logs nothing.
        ["CONFIG", "SET", "slowlog-max-len", "2"],
        ["SLOWLOG", "LEN"],
        ["PING"],
        ["SLOWLOG", "LEN"],
        ["CONFIG", "SET", "slowlog-log-slower-than", "-1"],
        ["PING"],
        ["SLOWLOG", "GET"],
        ["SLOWLOG", "RESET"],
        ["SLOWLOG", "LEN"],
    ];

    [Fact]
    public void SlowlogRecordsCommandsLikeRedis() =>
        Differential.AssertSameRepliesOnOwnServers([.. Steps.Select(s => ("c", s))],
            reply => HelloId().Replace(Peer().Replace(EntryHead().Replace(reply, "*6\r\n:ID\r\n:T\r\n:US\r\n"), "ADDR"), "$2\r\nid\r\n:ID\r\n"));
}
