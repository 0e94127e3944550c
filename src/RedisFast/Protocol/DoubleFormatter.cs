using System.Globalization;

namespace RedisFast.Protocol;

/// <summary>Formats doubles the way Redis 7.0 prints them.</summary>
internal static class DoubleFormatter
{
    /// <summary>
    /// C's <c>%.17g</c> as used by Redis 7.0's addReplyDouble, with "inf" and "-inf" for infinities.
    /// Returns the number of bytes written to <paramref name="destination"/> (at least 32 bytes long).
    /// </summary>
    public static int FormatG17(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value)) return Copy("inf"u8, destination);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, destination);
        Span<char> chars = stackalloc char[40];
        value.TryFormat(chars, out int n, "G17", CultureInfo.InvariantCulture);
        for (int i = 0; i < n; i++) destination[i] = chars[i] == 'E' ? (byte)'e' : (byte)chars[i];
        return n;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
