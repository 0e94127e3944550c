using System.Numerics;

namespace RedisFast.Networking;

/// <summary>
/// Pinned byte slabs for receive and send buffers, pooled by power-of-two size class. Slabs live on the pinned
/// object heap (no pinning handles per socket operation, no heap fragmentation from pins). The pool belongs to
/// the event loop: only the loop rents and returns, so it needs no synchronization.
/// </summary>
internal sealed class SlabPool
{
    /// <summary>The size a connection's buffers start at (Redis's PROTO_IOBUF_LEN is 16 KB).</summary>
    public const int DefaultSize = 16 * 1024;

    /// <summary>Larger slabs are allocated on demand and dropped on return instead of being kept.</summary>
    public const int LargestPooled = 1024 * 1024;

    private const int MinShift = 14; // 16 KB
    private const int MaxShift = 20; // 1 MB
    /// <summary>Bytes kept idle per size class: 256 slabs of 16 KB, but only 4 of 1 MB.</summary>
    private const int KeptBytesPerClass = 4 * 1024 * 1024;

    private readonly Stack<byte[]>[] _classes = new Stack<byte[]>[MaxShift - MinShift + 1];

    public SlabPool()
    {
        for (int i = 0; i < _classes.Length; i++) _classes[i] = new Stack<byte[]>();
    }

    /// <summary>Rents a slab of at least <paramref name="minimumSize"/> bytes.</summary>
    public byte[] Rent(int minimumSize)
    {
        if (minimumSize > LargestPooled) return GC.AllocateUninitializedArray<byte>(minimumSize, pinned: true);
        int shift = Math.Max(MinShift, 32 - BitOperations.LeadingZeroCount((uint)Math.Max(1, minimumSize - 1)));
        Stack<byte[]> stack = _classes[shift - MinShift];
        return stack.TryPop(out byte[]? slab) ? slab : GC.AllocateUninitializedArray<byte>(1 << shift, pinned: true);
    }

    /// <summary>Returns a slab rented from this pool; slabs that are not a pooled size are left to the GC.</summary>
    public void Return(byte[] slab)
    {
        int length = slab.Length;
        if (length > LargestPooled || length < DefaultSize || !BitOperations.IsPow2(length)) return;
        Stack<byte[]> stack = _classes[BitOperations.Log2((uint)length) - MinShift];
        if ((long)(stack.Count + 1) * length <= KeptBytesPerClass) stack.Push(slab);
    }
}
