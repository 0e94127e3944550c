namespace RedisFast.Persistence.Rdb;

/// <summary>A reader of a ziplist's or listpack's entries, one at a time (integers as decimal text in <c>digits</c>).</summary>
internal interface IBlobEntries
{
    bool Next(Span<byte> digits, out ReadOnlySpan<byte> value);
}
