using System.Buffers.Binary;
using System.Numerics;

namespace RedisFast.Scripting;

/// <summary>
/// SHA-1 (FIPS 180-4) in managed code, for script names: EVAL hashes its body on every call, as Redis does (sha1.c).
/// System.Security.Cryptography's one-shot goes through OpenSSL, whose per-call set-up (error queue, allocations)
/// took about a sixth of the loop's time under redis-benchmark's EVAL (perf, perf/README.md).
/// </summary>
internal static class Sha1
{
    /// <summary>Writes the 20-byte digest of <paramref name="data"/> to <paramref name="digest"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Span<uint> state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
        Span<uint> w = stackalloc uint[80];
        int full = data.Length & ~63;
        for (int offset = 0; offset < full; offset += 64) Block(data.Slice(offset, 64), state, w);
        // The last one or two blocks: the rest of the data, 0x80, zeros, the length in bits (big-endian).
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        int rest = data.Length - full;
        data[full..].CopyTo(tail);
        tail[rest] = 0x80;
        int tailLength = rest < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)data.Length * 8);
        Block(tail[..64], state, w);
        if (tailLength == 128) Block(tail[64..], state, w);
        for (int i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(digest[(i * 4)..], state[i]);
    }

    private static void Block(ReadOnlySpan<byte> block, Span<uint> state, Span<uint> w)
    {
        for (int i = 0; i < 16; i++) w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        for (int i = 16; i < 80; i++) w[i] = BitOperations.RotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (int i = 0; i < 80; i++)
        {
            uint f, k;
            if (i < 20)
            {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            }
            else if (i < 40)
            {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            }
            else if (i < 60)
            {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            }
            else
            {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            uint t = BitOperations.RotateLeft(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = t;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
