using System.Text;
using RedisFast.Protocol;

namespace RedisFast.Tests.Commands;

/// <summary>The 80-bit long double emulation behind INCRBYFLOAT, on values whose glibc output is known.</summary>
public sealed class StringLongDoubleTests
{
    private static string Sum(string a, string b)
    {
        Assert.True(LongDouble.TryParse(Encoding.ASCII.GetBytes(a), out LongDouble x));
        Assert.True(LongDouble.TryParse(Encoding.ASCII.GetBytes(b), out LongDouble y));
        Assert.True(LongDouble.TryAdd(x, y, out LongDouble s));
        return Encoding.ASCII.GetString(s.FormatHuman());
    }

    [Theory]
    [InlineData("10.5", "0.1", "10.6")]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("0", "5.0e3", "5000")]
    [InlineData("0", "0.000003814697265625", "0.00000381469726562")]
    [InlineData("0", "0.000011444091796875", "0.00001144409179688")]
    [InlineData("0", "-0.000000000000000001", "0")]
    [InlineData("-0", "-0", "0")]
    [InlineData("0", "0x1p3", "8")]
    [InlineData("1", "-1", "0")]
    [InlineData("9223372036854775807", "1", "9223372036854775808")]
    [InlineData("0", "1e-4940", "0")]
    public void SumsPrintLikeGlibcLongDouble(string a, string b, string expected) => Assert.Equal(expected, Sum(a, b));

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("nan")]
    [InlineData("1e")]
    [InlineData("0x")]
    [InlineData("1e4933")]
    [InlineData("1e-5000")]
    [InlineData("1\01")]
    [InlineData("infin")]
    public void StringsStrtoldRefusesAreNotFloats(string text) =>
        Assert.False(LongDouble.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void InfinitiesParseButCannotBeAdded()
    {
        Assert.True(LongDouble.TryParse("-Infinity"u8, out LongDouble inf));
        Assert.True(inf.IsInfinity);
        Assert.False(LongDouble.TryAdd(inf, LongDouble.FromInt64(1), out _));
    }

    [Fact]
    public void TheLargestLongDoubleSumOverflows()
    {
        Assert.True(LongDouble.TryParse("1e4932"u8, out LongDouble big));
        Assert.False(LongDouble.TryAdd(big, big, out _));
        Assert.Equal("-9223372036854775808", LongDouble.FromInt64(long.MinValue).ToString());
    }
}
