using RedisFast.Persistence.Rdb;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// Lzf.Compress against a decompressor written from liblzf's lzf_d.c (here, so the compressor is checked without the
/// production one); redis-server loading LZF strings is checked in RdbWriterTests.
/// </summary>
public sealed class RdbLzfCompressTests
{
    public static TheoryData<string, byte[]> Inputs()
    {
        var random = new Random(7);
        byte[] Random(int n)
        {
            var b = new byte[n];
            random.NextBytes(b);
            return b;
        }
        // Matches further back than the 8 KB window, and runs longer than the longest reference (264 bytes).
        byte[] block = Random(3000);
        byte[] farRepeats = [.. block, .. Random(9000), .. block, .. block];
        var data = new TheoryData<string, byte[]>
        {
            { "one byte", [42] },
            { "two bytes", [1, 2] },
            { "three equal bytes", [9, 9, 9] },
            { "a run of 1000", Enumerable.Repeat((byte)'a', 1000).ToArray() },
            { "text", System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 200))) },
            { "random", Random(5000) },
            { "far repeats", farRepeats },
            { "a 1 MB pattern", Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7 % 26)).ToArray() },
        };
        for (int n = 4; n <= 70; n += 3) data.Add($"pattern of {n}", Enumerable.Range(0, n).Select(i => (byte)(i % 5)).ToArray());
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs), DisableDiscoveryEnumeration = true)]
    public void CompressedDataDecompressesToTheInput(string name, byte[] input)
    {
        var output = new byte[input.Length + input.Length / 16 + 64];
        int n = Lzf.Compress(input, output);
        Assert.True(n > 0, name);
        Assert.Equal(input, Decompress(output.AsSpan(0, n), input.Length));
    }

    [Fact]
    public void RepetitiveDataShrinksAndRandomDataDoesNotFitInFourBytesLess()
    {
        byte[] run = Enumerable.Repeat((byte)'x', 10_000).ToArray();
        var output = new byte[run.Length - 4];
        int n = Lzf.Compress(run, output);
        Assert.InRange(n, 1, 200);
        var random = new byte[10_000];
        new Random(3).NextBytes(random);
        Assert.Equal(0, Lzf.Compress(random, output));
    }

    [Fact]
    public void EveryOutputShorterThanTheResultIsRefusedAndTheSameInputGivesTheSameOutput()
    {
        byte[] input = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 60).Select(i => $"key:{i % 7}:value ")));
        var roomy = new byte[input.Length * 2];
        int needed = Lzf.Compress(input, roomy);
        var again = new byte[roomy.Length];
        Assert.Equal(needed, Lzf.Compress(input, again));
        Assert.Equal(roomy, again);
        Assert.InRange(needed, 1, input.Length - 1);
        // Each bound check of lzf_compress is hit by one of these; a write past the span would throw.
        for (int room = 0; room < needed; room++) Assert.Equal(0, Lzf.Compress(input, new byte[room]));
        // liblzf's bound checks are conservative: the result needs up to 4 bytes of room past its end.
        Assert.Equal(needed, Lzf.Compress(input, new byte[needed + 4]));
    }

    [Fact]
    public void EmptyInputCompressesToNothing() => Assert.Equal(0, Lzf.Compress([], new byte[16]));

    /// <summary>lzf_decompress: literal runs (control &lt; 32) and back references, checked to produce exactly <paramref name="length"/> bytes.</summary>
    private static byte[] Decompress(ReadOnlySpan<byte> input, int length)
    {
        var output = new byte[length];
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                int run = control + 1;
                input.Slice(ip, run).CopyTo(output.AsSpan(op));
                ip += run;
                op += run;
                continue;
            }
            int count = control >> 5;
            int reference = op - ((control & 0x1F) << 8) - 1;
            if (count == 7) count += input[ip++];
            reference -= input[ip++];
            Assert.True(reference >= 0, "a reference before the start");
            for (int i = 0; i < count + 2; i++) output[op++] = output[reference++];
        }
        Assert.Equal(length, op);
        return output;
    }
}
