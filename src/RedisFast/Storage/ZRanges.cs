namespace RedisFast.Storage;

/// <summary>Redis's zrangespec: a score interval whose ends may be exclusive ("(1" in ZRANGEBYSCORE).</summary>
internal readonly struct ScoreRange(double min, double max, bool minExclusive, bool maxExclusive)
{
    public readonly double Min = min;
    public readonly double Max = max;
    public readonly bool MinExclusive = minExclusive;
    public readonly bool MaxExclusive = maxExclusive;

    /// <summary>zslValueGteMin.</summary>
    public bool GteMin(double value) => MinExclusive ? value > Min : value >= Min;

    /// <summary>zslValueLteMax.</summary>
    public bool LteMax(double value) => MaxExclusive ? value < Max : value <= Max;

    /// <summary>Whether the range can hold nothing at all (min above max, or equal with an exclusive end).</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));
}

/// <summary>
/// Redis's zlexrangespec: member bounds over the request's bytes. "-" and "+" are the shared minstring and
/// maxstring sentinels (t_zset.c zslParseLexRangeItem), which compare below and above every member.
/// </summary>
internal readonly ref struct LexRange
{
    public LexRange(ReadOnlySpan<byte> min, sbyte minKind, bool minExclusive, ReadOnlySpan<byte> max, sbyte maxKind, bool maxExclusive)
    {
        Min = min;
        Max = max;
        MinKind = minKind;
        MaxKind = maxKind;
        MinExclusive = minExclusive;
        MaxExclusive = maxExclusive;
    }

    public readonly ReadOnlySpan<byte> Min;
    public readonly ReadOnlySpan<byte> Max;

    /// <summary>-1 for "-" (minstring), +1 for "+" (maxstring), 0 for a real string.</summary>
    public readonly sbyte MinKind;
    public readonly sbyte MaxKind;
    public readonly bool MinExclusive;
    public readonly bool MaxExclusive;

    /// <summary>
    /// zslParseLexRangeItem: "+" and "-" alone, or "(" / "[" followed by the bound; false for anything else.
    /// </summary>
    public static bool TryParseItem(ReadOnlySpan<byte> item, out ReadOnlySpan<byte> bound, out sbyte kind, out bool exclusive)
    {
        bound = default;
        kind = 0;
        exclusive = false;
        if (item.Length == 0) return false;
        switch (item[0])
        {
            case (byte)'+':
                if (item.Length != 1) return false;
                kind = 1;
                exclusive = true;
                return true;
            case (byte)'-':
                if (item.Length != 1) return false;
                kind = -1;
                exclusive = true;
                return true;
            case (byte)'(':
                exclusive = true;
                bound = item[1..];
                return true;
            case (byte)'[':
                bound = item[1..];
                return true;
            default:
                return false;
        }
    }

    /// <summary>sdscmplex of a real member against a bound.</summary>
    private static int Compare(ReadOnlySpan<byte> value, sbyte kind, ReadOnlySpan<byte> bound) =>
        kind < 0 ? 1 : kind > 0 ? -1 : value.SequenceCompareTo(bound);

    /// <summary>zslLexValueGteMin.</summary>
    public bool GteMin(ReadOnlySpan<byte> value) =>
        MinExclusive ? Compare(value, MinKind, Min) > 0 : Compare(value, MinKind, Min) >= 0;

    /// <summary>zslLexValueLteMax.</summary>
    public bool LteMax(ReadOnlySpan<byte> value) =>
        MaxExclusive ? Compare(value, MaxKind, Max) < 0 : Compare(value, MaxKind, Max) <= 0;

    /// <summary>The "always empty" test of zslIsInLexRange: sdscmplex(min, max) &gt; 0, or equal with an exclusive end.</summary>
    public bool IsEmpty
    {
        get
        {
            int cmp;
            if (MinKind != 0 && MinKind == MaxKind) cmp = 0;
            else if (MinKind < 0 || MaxKind > 0) cmp = -1;
            else if (MinKind > 0 || MaxKind < 0) cmp = 1;
            else cmp = Min.SequenceCompareTo(Max);
            return cmp > 0 || (cmp == 0 && (MinExclusive || MaxExclusive));
        }
    }
}
