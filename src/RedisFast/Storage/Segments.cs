using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RedisFast.Storage;

/// <summary>
/// Index arithmetic of the segmented collections (<see cref="KeyTable"/>, <see cref="SlotTable{TValue}"/>,
/// <see cref="RedisList"/>): a directory of segments of <see cref="Size"/> elements, or of one shorter segment while
/// the collection is small, that together cover its capacity.
/// </summary>
/// <remarks>
/// Reads are unchecked past one range check against the capacity: the segments in use cover exactly the capacity.
/// What segments cost against the single arrays these collections had before (same process, alternating batches,
/// median of 41 pairs, 1k and 1M elements; the ranges span several runs on this shared machine): key lookup
/// 1.04-1.16x, slot read 1.35-1.40x (+1-8 ns: one more dependent load), key insert + delete 1.11-1.36x, hashtable
/// lookup 1.04-1.33x, list push + pop 0.97-1.42x, list index 1.14-1.27x: +1 to +40 ns on operations that cost 1-2 µs
/// per command end to end. What they buy: no growth step and no rewrite copy proportional to the collection
/// (perf/README.md).
/// </remarks>
internal static class Segments
{
    /// <summary>Elements per segment: a segment of the largest element (56-byte key table slots) stays off the large object heap.</summary>
    public const int Size = 1 << Shift;

    /// <summary>log2 of <see cref="Size"/>.</summary>
    public const int Shift = 10;

    /// <summary>Element <paramref name="index"/>, which the caller knows to be below the capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T At<T>(T[][] segments, int index) => ref In(Segment(segments, index >> Shift), index);

    /// <summary>The directory entry of segment <paramref name="segment"/>, which the caller knows to be in range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T[] Segment<T>(T[][] segments, int segment) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(segments), segment);

    /// <summary>Element <paramref name="index"/> of the collection, in its segment <paramref name="segment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T In<T>(T[] segment, int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(segment), index & (Size - 1));

    /// <summary>Element <paramref name="index"/>, checked against <paramref name="capacity"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T At<T>(T[][] segments, int capacity, int index)
    {
        if ((uint)index >= (uint)capacity) ThrowOutOfRange(index);
        return ref At(segments, index);
    }

    [DoesNotReturn]
    private static void ThrowOutOfRange(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "not a slot of this collection");
}
