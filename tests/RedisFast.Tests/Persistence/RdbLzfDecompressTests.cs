using RedisFast.Persistence.Rdb;
using static RedisFast.Tests.Infrastructure.Latin1Commands;
using static RedisFast.Tests.Persistence.RdbBlobs;

namespace RedisFast.Tests.Persistence;

public sealed class RdbLzfDecompressTests
{
    [Fact]
    public void LiteralRunsAndBackReferencesRebuildTheInput()
    {
        // "abc", then a reference of 5 bytes at distance 3 (overlapping itself), then a literal "Z".
        byte[] compressed = [0x02, (byte)'a', (byte)'b', (byte)'c', 3 << 5 | 0, 2, 0x00, (byte)'Z'];
        var output = new byte[9];
        Assert.Equal(9, Lzf.Decompress(compressed, output));
        Assert.Equal("abcabcabZ", S(output));
    }

    [Fact]
    public void LongReferencesUseTheExtraLengthByte()
    {
        byte[] compressed = LzfRepeat(B("0123456789"), 5000);
        var output = new byte[5000];
        Assert.Equal(5000, Lzf.Decompress(compressed, output));
        Assert.Equal(Repeat("0123456789", 5000), output);
        Assert.True(compressed.Length * Lzf.MaxExpansion >= 5000);
    }

    [Fact]
    public void MalformedInputOrATooSmallOutputGivesMinusOne()
    {
        var output = new byte[100];
        Assert.Equal(-1, Lzf.Decompress([0x05, (byte)'a'], output));                  // literal run past the input
        Assert.Equal(-1, Lzf.Decompress([0x00, (byte)'a', 1 << 5 | 0, 5], output));   // reference before the start
        Assert.Equal(-1, Lzf.Decompress([0x00, (byte)'a', 7 << 5], output));          // reference cut after its control byte
        Assert.Equal(-1, Lzf.Decompress([0x00, (byte)'a', 7 << 5, 1], output));       // long reference cut before its distance
        Assert.Equal(-1, Lzf.Decompress([0x02, 1, 2, 3], new byte[2]));               // literal larger than the output
        Assert.Equal(-1, Lzf.Decompress([0x00, (byte)'a', 3 << 5, 0], new byte[3]));  // reference larger than the output
    }

    [Fact]
    public void RandomInputNeverThrowsNorWritesPastTheOutput()
    {
        var rng = new Random(11);
        var input = new byte[64];
        var output = new byte[128];
        for (int i = 0; i < 20_000; i++)
        {
            int length = rng.Next(input.Length + 1);
            rng.NextBytes(input);
            int n = Lzf.Decompress(input.AsSpan(0, length), output.AsSpan(0, 100));
            Assert.InRange(n, -1, 100);
            Assert.All(output[100..], b => Assert.Equal(0, b));
        }
    }
}
