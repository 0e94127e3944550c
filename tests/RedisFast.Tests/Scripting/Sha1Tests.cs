using System.Security.Cryptography;
using RedisFast.Scripting;

namespace RedisFast.Tests.Scripting;

public sealed class Sha1Tests
{
    [Fact]
    public void TheDigestIsTheStandardOneForEveryLengthAroundTheBlockBoundaries()
    {
        var random = new Random(1234);
        Span<byte> ours = stackalloc byte[20];
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Sha1.Hash(data, ours);
            Assert.Equal(Convert.ToHexString(SHA1.HashData(data)), Convert.ToHexString(ours));
        }
    }

    [Fact]
    public void TheDigestsOfTheStandardTestVectorsMatch()
    {
        Span<byte> digest = stackalloc byte[20];
        Sha1.Hash(""u8, digest);
        Assert.Equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", Convert.ToHexStringLower(digest));
        Sha1.Hash("abc"u8, digest);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Convert.ToHexStringLower(digest));
        Sha1.Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8, digest);
        Assert.Equal("84983e441c3bd26ebaae4aa1f95129e5e54670f1", Convert.ToHexStringLower(digest));
    }
}
