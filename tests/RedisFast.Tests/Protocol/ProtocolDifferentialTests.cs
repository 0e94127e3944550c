using System.Net.Sockets;
using System.Text;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Protocol;

/// <summary>
/// The raw-byte cases of Redis's tests/unit/protocol.tcl, sent byte for byte to RedisFast and to redis-server 7.0:
/// the replies must be identical, and both must close the connection or both keep it.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ProtocolDifferentialTests(DifferentialFixture f)
{
    [Theory]
    [InlineData("\r\n", 0)]                                              // Handle an empty query
    [InlineData("\n", 0)]
    [InlineData("*-10\r\n", 0)]                                          // Negative multibulk length
    [InlineData("*0\r\n", 0)]
    [InlineData("*-1\r\n", 0)]
    [InlineData("*3000000000\r\n", 1)]                                   // Out of range multibulk length
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", 1)]           // Wrong multibulk payload header
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", 1)]           // Negative multibulk payload length
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", 1)]    // Out of range multibulk payload length
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n", 1)]        // Non-number multibulk payload length
    [InlineData("*1\r\nfoo\r\n", 1)]                                     // Multi bulk request not followed by bulk arguments
    [InlineData("*abc\r\n", 1)]
    [InlineData("*1\r\n$\r\n", 1)]
    [InlineData("*1\r\n$4x\r\nPING\r\n", 1)]
    [InlineData("*1\r\n\r\n", 1)]
    [InlineData("*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n", 1)]
    [InlineData("PING x y z\r\n", 1)]                                    // Generic wrong number of args
    [InlineData("set \"\"\"test-key\"\"\" test-value\r\nping\r\n", 1)] // Unbalanced number of quotes
    [InlineData("ECHO \"abc\r\n", 1)]
    [InlineData("ECHO 'a'b\r\n", 1)]
    [InlineData("ECHO \"a\\x41\\n\" 'b\\'c'\r\n", 1)]
    [InlineData("ECHO \"\\xZZ\"\n", 1)]
    [InlineData("  PING   \r\n", 1)]
    [InlineData("PING\r\n\r\nPING\n*0\r\nPING\r\n", 3)]
    [InlineData("*1\r\n$4\r\nPING\r\n*1\r\nfoo\r\n", 2)]
    public void RawBytesGetTheSameRepliesAndConnectionFateAsRedis(string raw, int replies)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(raw);
        Assert.Equal(Transcript(f.Real.Connect(), bytes, replies), Transcript(f.Fast.Connect(), bytes, replies));
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("*\0")]
    [InlineData("$\0")]
    [InlineData("ECHO a\0b\r\n")]
    [InlineData("*1\r\n$4\0\r\nPING\r\n")]
    [InlineData("*1\0\r\n$4\r\nPING\r\n")]
    public void ProtocolDesyncRegressionReplyTooBigAndCloseLikeRedis(string prefix)
    {
        // protocol.tcl sends the prefix, then the word "payload" over and over until the server gives up. The
        // extra prefixes hold a NUL before a line end, which Redis's strchr never gets past.
        var payload = new StringBuilder(prefix);
        while (payload.Length < 70_000) payload.Append("payload");
        byte[] bytes = Encoding.Latin1.GetBytes(payload.ToString());
        string real = Transcript(f.Real.Connect(), bytes, 1);
        Assert.StartsWith("-ERR Protocol error: too big", real);
        Assert.Equal(real, Transcript(f.Fast.Connect(), bytes, 1));
    }

    /// <summary>
    /// Sends <paramref name="raw"/>, reads <paramref name="replies"/> replies, then checks whether the connection
    /// is still usable with a PING. Returns everything seen, with "closed" when the server had closed.
    /// </summary>
    private static string Transcript(RawClient client, byte[] raw, int replies)
    {
        using (client)
        {
            var seen = new StringBuilder();
            try
            {
                client.Send(raw);
                for (int i = 0; i < replies; i++) seen.Append(client.ReadReply());
                client.Send("PING\r\n");
                seen.Append(client.ReadReply());
            }
            catch (Exception e) when (e is EndOfStreamException or SocketException)
            {
                seen.Append("closed");
            }
            return Differential.Escape(seen.ToString());
        }
    }
}
