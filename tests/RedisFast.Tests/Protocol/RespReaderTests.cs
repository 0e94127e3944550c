using RedisFast.Tests.Infrastructure;
using System.Text;
using RedisFast.Protocol;

namespace RedisFast.Tests.Protocol;

/// <summary>
/// The RESP reader as a unit: every payload of the corpus must give the same commands whether it arrives whole,
/// split in two at any byte offset, or one byte at a time (the parse state kept in CommandArguments resumes it).
/// </summary>
public sealed class RespReaderTests
{
    private static readonly byte[] BigValue = MakeBinary(100_000);

    /// <summary>Payloads (latin-1 text) and the commands they hold, arguments joined by '|'.</summary>
    public static TheoryData<string, string[]> Corpus() => new()
    {
        { "*1\r\n$4\r\nPING\r\n", ["PING"] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", ["SET|k|hello"] },
        { "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", ["ECHO|"] },
        { "*2\r\n$4\r\nECHO\r\n$8\r\na\r\n\0b\r\nc\r\n", ["ECHO|a\r\n\0b\r\nc"] },
        { "*2\r\n$4\r\nECHO\r\n$2\r\n\r\n\r\n*1\r\n$4\r\nPING\r\n", ["ECHO|\r\n", "PING"] },
        { "*0\r\n*1\r\n$4\r\nPING\r\n", ["PING"] },
        { "*-1\r\n*1\r\n$4\r\nPING\r\n", ["PING"] },
        { "*-10\r\nPING\r\n", ["PING"] },
        { "\r\n\n\r\nPING\r\n", ["PING"] },
        { "SET a b\r\nGET a\n", ["SET|a|b", "GET|a"] },
        { "  SET   a\t b  \r\n", ["SET|a|b"] },
        { "SET \"a b\" 'c d'\r\n", ["SET|a b|c d"] },
        { "ECHO \"\\x41\\x7a\\n\\r\\t\\b\\a\\\\\\\"q\"\r\n", ["ECHO|Az\n\r\t\b\a\\\"q"] },
        { "ECHO 'it\\'s' \"\"\r\n", ["ECHO|it's|"] },
        { "ECHO \"\\xZZ\"\n", ["ECHO|xZZ"] },
        { "PING\r\n*1\r\n$4\r\nPING\r\nPING\n", ["PING", "PING", "PING"] },
        { "*2\r\n$3\r\nGET\r\n$1\r\nk\r\nGET k\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", ["GET|k", "GET|k", "GET|k"] },
        // Redis finds line ends with strchr, which stops at NUL: a NUL before the line end leaves the line incomplete.
        { "ECHO a\0b\r\nPING\r\n", [] },
        { "*1\r\n$4\0\r\nPING\r\n", [] },
        { "*1\0\r\n$4\r\nPING\r\n", [] },
        { "PING\r\nECHO \"a\0\"\n", ["PING"] },
        // Redis skips the byte after '\r' of a header line without looking at it.
        { "*1\rX$4\rXPING\r\n", ["PING"] },
        // Protocol errors: the commands before the bad bytes come out, then the error, then nothing.
        { "PING\r\n*1\r\nfoo\r\n", ["PING", "ERR Protocol error: expected '$', got 'f'"] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\nPING\r\n", ["ERR Protocol error: invalid bulk length"] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", ["ERR Protocol error: invalid bulk length"] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", ["ERR Protocol error: invalid bulk length"] },
        { "*3000000000\r\n", ["ERR Protocol error: invalid multibulk length"] },
        { "*abc\r\n", ["ERR Protocol error: invalid multibulk length"] },
        { "*1\r\n$1x\r\n", ["ERR Protocol error: invalid bulk length"] },
        { "set \"\"\"test-key\"\"\" test-value\r\nping\r\n", ["ERR Protocol error: unbalanced quotes in request"] },
        { "ECHO \"abc\r\n", ["ERR Protocol error: unbalanced quotes in request"] },
        { "ECHO 'a'b\r\n", ["ERR Protocol error: unbalanced quotes in request"] },
    };

    [Theory]
    [MemberData(nameof(Corpus), DisableDiscoveryEnumeration = true)]
    public void PayloadParsedWholeGivesTheExpectedCommands(string payload, string[] expected)
    {
        Assert.Equal(expected, ReaderHarness.Parse(Encoding.Latin1.GetBytes(payload)));
    }

    [Theory]
    [MemberData(nameof(Corpus), DisableDiscoveryEnumeration = true)]
    public void PayloadSplitAtEveryOffsetGivesTheSameCommands(string payload, string[] expected)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(payload);
        for (int split = 0; split <= bytes.Length; split++)
            Assert.True(expected.SequenceEqual(ReaderHarness.Parse(bytes, split: split)), $"split at {split}");
    }

    [Theory]
    [MemberData(nameof(Corpus), DisableDiscoveryEnumeration = true)]
    public void PayloadFedOneByteAtATimeGivesTheSameCommands(string payload, string[] expected)
    {
        Assert.Equal(expected, ReaderHarness.Parse(Encoding.Latin1.GetBytes(payload), piece: 1));
    }

    [Fact]
    public void BigBinaryBulkSurvivesEverySplitNearItsBoundariesAndByteByByteFeeding()
    {
        byte[] payload = Concat(RawClient.Encode([Encoding.ASCII.GetBytes("SET"), "k"u8.ToArray(), BigValue]), "*1\r\n$4\r\nPING\r\n"u8.ToArray());
        string[] expected = ["SET|k|" + Encoding.Latin1.GetString(BigValue), "PING"];
        Assert.Equal(expected, ReaderHarness.Parse(payload));
        Assert.Equal(expected, ReaderHarness.Parse(payload, piece: 1));
        Assert.Equal(expected, ReaderHarness.Parse(payload, piece: 4093));
        int valueStart = payload.Length - 14 - 2 - BigValue.Length;
        for (int split = 0; split <= payload.Length; split++)
        {
            bool near = split < valueStart + 40 || split > valueStart + BigValue.Length - 40 || split % 997 == 0;
            if (near) Assert.True(expected.SequenceEqual(ReaderHarness.Parse(payload, split: split)), $"split at {split}");
        }
    }

    [Fact]
    public void BulkLongerThanProtoMaxBulkLenIsAProtocolError()
    {
        var h = new ReaderHarness(maxBulkLength: 10);
        h.Feed("*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\n*2\r\n$4\r\nECHO\r\n$11\r\n"u8);
        Assert.Equal(["ECHO|0123456789", "ERR Protocol error: invalid bulk length"], h.Commands);
    }

    [Fact]
    public void InlineLineLongerThan64KbWithoutNewlineIsAProtocolError()
    {
        var h = new ReaderHarness();
        h.Feed(Encoding.ASCII.GetBytes(new string('A', RespLimits.InlineMaxSize)));
        Assert.Empty(h.Commands);
        h.Feed("A"u8);
        Assert.Equal(["ERR Protocol error: too big inline request"], h.Commands);
    }

    [Fact]
    public void HeaderLineLongerThan64KbWithoutCarriageReturnIsAProtocolError()
    {
        var mbulk = new ReaderHarness();
        mbulk.Feed(Encoding.ASCII.GetBytes("*" + new string('1', RespLimits.InlineMaxSize)));
        Assert.Equal(["ERR Protocol error: too big mbulk count string"], mbulk.Commands);
        var bulk = new ReaderHarness();
        bulk.Feed(Encoding.ASCII.GetBytes("*1\r\n$" + new string('1', RespLimits.InlineMaxSize)));
        Assert.Equal(["ERR Protocol error: too big bulk count string"], bulk.Commands);
    }

    [Fact]
    public void CommandWithManyArgumentsGrowsTheArgumentArray()
    {
        var args = new string[1000];
        for (int i = 0; i < args.Length; i++) args[i] = i.ToString();
        Assert.Equal([string.Join('|', args)], ReaderHarness.Parse(RawClient.Encode(args), piece: 7));
    }

    private static byte[] MakeBinary(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte)(i % 7 == 0 ? '\r' : i % 7 == 1 ? '\n' : i % 11 == 0 ? 0 : i * 31);
        return bytes;
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];
}
