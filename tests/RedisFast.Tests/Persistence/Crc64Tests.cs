using System.Text;
using RedisFast.Persistence.Rdb;

namespace RedisFast.Tests.Persistence;

public sealed class Crc64Tests
{
    [Fact]
    public void MatchesRedisCheckValue()
    {
        // crc64.c's own test: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Update(0, "123456789"u8));
    }

    [Fact]
    public void AnySplitGivesTheSameChecksum()
    {
        byte[] data = Encoding.ASCII.GetBytes("This is a test of the emergency broadcast system.");
        ulong whole = Crc64.Update(0, data);
        for (int split = 0; split <= data.Length; split++)
            Assert.Equal(whole, Crc64.Update(Crc64.Update(0, data.AsSpan(0, split)), data.AsSpan(split)));
    }
}
