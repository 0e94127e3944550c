using System.Buffers.Binary;
using static RedisFast.Tests.Infrastructure.Latin1Commands;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// The blobs inside RDB values, built with known content for the loader tests: ziplist, listpack, zipmap, intset, LZF,
/// and the little-endian integers they are made of.
/// </summary>
internal static class RdbBlobs
{
    /// <summary>A ziplist of strings (string or byte[]) and integers (long), each in the encoding Redis would pick.</summary>
    public static byte[] Ziplist(params object[] entries)
    {
        var body = new MemoryStream();
        int previous = 0, tail = 10;
        foreach (object e in entries)
        {
            var entry = new MemoryStream();
            if (previous < 254) entry.WriteByte((byte)previous);
            else
            {
                entry.WriteByte(0xFE);
                entry.Write(Le32((uint)previous));
            }
            if (e is long v)
            {
                if (v is >= 0 and <= 12) entry.WriteByte((byte)(0xF1 + v));
                else if (v is >= sbyte.MinValue and <= sbyte.MaxValue) entry.Write([0xFE, (byte)v]);
                else if (v is >= short.MinValue and <= short.MaxValue) entry.Write([0xC0, .. Le64(v)[..2]]);
                else if (v is >= -(1 << 23) and < 1 << 23) entry.Write([0xF0, .. Le64(v)[..3]]);
                else if (v is >= int.MinValue and <= int.MaxValue) entry.Write([0xD0, .. Le64(v)[..4]]);
                else entry.Write([0xE0, .. Le64(v)]);
            }
            else
            {
                byte[] s = e as byte[] ?? B((string)e);
                if (s.Length < 64) entry.WriteByte((byte)s.Length);
                else if (s.Length < 16384) entry.Write([(byte)(0x40 | s.Length >> 8), (byte)s.Length]);
                else
                {
                    entry.WriteByte(0x80);
                    var len = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(len, (uint)s.Length);
                    entry.Write(len);
                }
                entry.Write(s);
            }
            tail = 10 + (int)body.Length;
            body.Write(entry.ToArray());
            previous = (int)entry.Length;
        }
        int total = 10 + (int)body.Length + 1;
        return [.. Le32((uint)total), .. Le32((uint)tail), .. Le64(Math.Min(entries.Length, 65535))[..2], .. body.ToArray(), 0xFF];
    }

    /// <summary>A listpack of strings (string or byte[]) and integers (long), each in the smallest encoding.</summary>
    public static byte[] Listpack(params object[] entries)
    {
        var body = new MemoryStream();
        foreach (object e in entries)
        {
            byte[] entry;
            if (e is long v)
            {
                if (v is >= 0 and <= 127) entry = [(byte)v];
                else if (v is >= -4096 and <= 4095) entry = [(byte)(0xC0 | (int)(v >> 8) & 0x1f), (byte)v];
                else if (v is >= short.MinValue and <= short.MaxValue) entry = [0xF1, .. Le64(v)[..2]];
                else if (v is >= -(1 << 23) and < 1 << 23) entry = [0xF2, .. Le64(v)[..3]];
                else if (v is >= int.MinValue and <= int.MaxValue) entry = [0xF3, .. Le64(v)[..4]];
                else entry = [0xF4, .. Le64(v)];
            }
            else
            {
                byte[] s = e as byte[] ?? B((string)e);
                if (s.Length < 64) entry = [(byte)(0x80 | s.Length), .. s];
                else if (s.Length < 4096) entry = [(byte)(0xE0 | s.Length >> 8), (byte)s.Length, .. s];
                else entry = [0xF0, .. Le32((uint)s.Length), .. s];
            }
            body.Write(entry);
            body.Write(Backlen(entry.Length));
        }
        int total = 6 + (int)body.Length + 1;
        return [.. Le32((uint)total), .. Le64(Math.Min(entries.Length, 65535))[..2], .. body.ToArray(), 0xFF];
    }

    /// <summary>listpack.c lpEncodeBacklen.</summary>
    private static byte[] Backlen(int l)
    {
        if (l <= 127) return [(byte)l];
        if (l < 16383) return [(byte)(l >> 7), (byte)(l & 127 | 128)];
        if (l < 2097151) return [(byte)(l >> 14), (byte)(l >> 7 & 127 | 128), (byte)(l & 127 | 128)];
        return [(byte)(l >> 21), (byte)(l >> 14 & 127 | 128), (byte)(l >> 7 & 127 | 128), (byte)(l & 127 | 128)];
    }

    /// <summary>A zipmap; each value is followed by <paramref name="free"/> bytes of unused space, as zipmap.c leaves after an update.</summary>
    public static byte[] Zipmap(int free, params (string Field, string Value)[] pairs)
    {
        var z = new MemoryStream();
        z.WriteByte((byte)Math.Min(pairs.Length, 254));
        void Len(int n)
        {
            if (n < 254) z.WriteByte((byte)n);
            else
            {
                z.WriteByte(254);
                z.Write(Le32((uint)n));
            }
        }
        foreach ((string field, string value) in pairs)
        {
            Len(field.Length);
            z.Write(B(field));
            Len(value.Length);
            z.WriteByte((byte)free);
            z.Write(B(value));
            z.Write(new byte[free]);
        }
        z.WriteByte(0xFF);
        return z.ToArray();
    }

    public static byte[] Intset(int width, params long[] values)
    {
        var s = new MemoryStream();
        s.Write(Le32((uint)width));
        s.Write(Le32((uint)values.Length));
        foreach (long v in values) s.Write(Le64(v)[..width]);
        return s.ToArray();
    }

    /// <summary>LZF of <paramref name="data"/> as literal runs only (valid, just never smaller).</summary>
    public static byte[] LzfLiterals(byte[] data)
    {
        var o = new MemoryStream();
        for (int i = 0; i < data.Length; i += 32)
        {
            int n = Math.Min(32, data.Length - i);
            o.WriteByte((byte)(n - 1));
            o.Write(data, i, n);
        }
        return o.ToArray();
    }

    /// <summary>
    /// LZF of <paramref name="pattern"/> (at most 32 bytes) repeated up to <paramref name="total"/> bytes: one literal
    /// run, then back references at distance pattern length, long ones (7 + extra byte) where they fit.
    /// </summary>
    public static byte[] LzfRepeat(byte[] pattern, int total)
    {
        var o = new MemoryStream();
        o.WriteByte((byte)(pattern.Length - 1));
        o.Write(pattern);
        int done = pattern.Length, distance = pattern.Length - 1;
        while (total - done >= 3)
        {
            int n = Math.Min(264, total - done);
            int l = n - 2;
            if (l < 7) o.Write([(byte)(l << 5 | distance >> 8), (byte)distance]);
            else o.Write([(byte)(7 << 5 | distance >> 8), (byte)(l - 7), (byte)distance]);
            done += n;
        }
        if (done < total)
        {
            o.WriteByte((byte)(total - done - 1));
            for (; done < total; done++) o.WriteByte(pattern[done % pattern.Length]);
        }
        return o.ToArray();
    }

    public static byte[] Le32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    public static byte[] Le64(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return b;
    }

    public static byte[] Repeat(string pattern, int total)
    {
        var b = new byte[total];
        for (int i = 0; i < total; i++) b[i] = (byte)pattern[i % pattern.Length];
        return b;
    }
}
