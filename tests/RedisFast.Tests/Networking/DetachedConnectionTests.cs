using System.Text;
using RedisFast.Networking;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Networking;

/// <summary>
/// The connection's own receive path (buffer compaction and growth, resumable parsing, back-pressure) driven
/// without a socket: the replies must not depend on how the request bytes were cut into reads.
/// </summary>
public sealed class DetachedConnectionTests : IDisposable
{
    private readonly RedisServer _server = new(new ServerConfig { Port = 0, LogLevel = "nothing" });

    public static TheoryData<string> Requests() => new()
    {
        "*2\r\n$4\r\nECHO\r\n$8\r\na\r\n\0b\r\nc\r\n*1\r\n$4\r\nPING\r\n",
        "*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$5\r\nhello\r\nGET k1\r\nGET k1\n*0\r\n\r\nPING \"a\\x41 'b'\"\r\n",
        "*2\r\n$3\r\nFOO\r\n$3\r\nbar\r\nPING a b\r\n*1\r\n$4\r\nPING\r\n*1\r\nfoo\r\nPING\r\n",
    };

    [Theory]
    [MemberData(nameof(Requests), DisableDiscoveryEnumeration = true)]
    public void RepliesAreTheSameWholeSplitAnywhereOrByteByByte(string request)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(request);
        string whole = Run(bytes, bytes.Length);
        Assert.NotEmpty(whole);
        for (int split = 0; split <= bytes.Length; split++) Assert.Equal(whole, Run(bytes, split, secondPiece: true));
        Assert.Equal(whole, Run(bytes, 1));
    }

    [Fact]
    public void BigValueFedInOddPiecesGrowsTheBufferAndComesBackExactly()
    {
        byte[] value = SocketIoTests.Pattern(3 * 1024 * 1024 + 17);
        byte[] request = [.. RawClient.Encode("SET"u8.ToArray(), "big"u8.ToArray(), value), .. RawClient.Encode("GET", "big")];
        string expected = "+OK\r\n" + Encoding.Latin1.GetString(SocketIoTests.BulkReply(value));
        Assert.Equal(expected, Run(request, 65_537));
        Assert.Equal(expected, Run(request, request.Length));
    }

    [Fact]
    public void ManyBigRepliesInOneRequestAreAllProducedDespiteBackPressure()
    {
        byte[] value = SocketIoTests.Pattern(100 * 1024);
        var request = new MemoryStream();
        request.Write(RawClient.Encode("SET"u8.ToArray(), "v"u8.ToArray(), value));
        for (int i = 0; i < 10; i++) request.Write(RawClient.Encode("GET", "v"));
        var c = new Connection(_server, null);
        Assert.Equal(5 + 10 * SocketIoTests.BulkReply(value).Length, c.ExecuteDetached(request.ToArray()));
    }

    private string Run(byte[] request, int piece, bool secondPiece = false)
    {
        var c = new Connection(_server, null);
        var reply = new StringBuilder();
        if (secondPiece)
        {
            reply.Append(Encoding.Latin1.GetString(c.ExecuteDetachedWithReply(request.AsSpan(0, piece))));
            reply.Append(Encoding.Latin1.GetString(c.ExecuteDetachedWithReply(request.AsSpan(piece))));
            return reply.ToString();
        }
        for (int i = 0; i < request.Length; i += piece)
            reply.Append(Encoding.Latin1.GetString(c.ExecuteDetachedWithReply(request.AsSpan(i, Math.Min(piece, request.Length - i)))));
        return reply.ToString();
    }

    public void Dispose() => _server.Dispose();
}
