using System.Buffers.Binary;
using System.Text;
using RedisFast.Networking;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Persistence;

/// <summary>
/// For the RDB loader tests: in-process servers queried through a detached client, a RESP array parser, and
/// builders of RDB images and of the blobs inside them (ziplist, listpack, zipmap, intset, LZF) with known content.
/// </summary>
internal static class RdbLoaderTestSupport
{
    /// <summary>A server that is never started: loaded and queried through detached clients.</summary>
    public static RedisServer NewServer(int databases = 16) => new(new ServerConfig
    {
        Port = 0,
        Bind = ["127.0.0.1"],
        Dir = Directory.CreateTempSubdirectory("redisfast-rdb-").FullName,
        LogLevel = "warning",
        Save = "",
        Databases = databases,
    });

    public static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    public static string S(byte[] b) => Encoding.Latin1.GetString(b);

    /// <summary>One command on a detached client; the reply's raw bytes as a Latin-1 string.</summary>
    public static string Call(Connection c, params byte[][] args) => S(c.ExecuteDetachedWithReply(RawClient.Encode(args)));

    public static string Call(Connection c, params string[] args) => Call(c, args.Select(B).ToArray());

    public static string Call(RawClient c, params byte[][] args)
    {
        c.Send(RawClient.Encode(args));
        return S(c.ReadReplyBytes());
    }

    /// <summary>The elements of a RESP2 array of bulk strings (a null bulk is null).</summary>
    public static List<string?> ParseArray(string reply)
    {
        var items = new List<string?>();
        int pos = 0;
        string Line()
        {
            int end = reply.IndexOf("\r\n", pos, StringComparison.Ordinal);
            string line = reply[pos..end];
            pos = end + 2;
            return line;
        }
        string header = Line();
        if (header[0] != '*') throw new InvalidDataException("not an array: " + reply[..Math.Min(reply.Length, 200)]);
        int count = int.Parse(header.AsSpan(1));
        for (int i = 0; i < count; i++)
        {
            string bulk = Line();
            int length = int.Parse(bulk.AsSpan(1));
            if (length < 0)
            {
                items.Add(null);
                continue;
            }
            items.Add(reply.Substring(pos, length));
            pos += length + 2;
        }
        return items;
    }

    /// <summary>Loads <paramref name="image"/> into <paramref name="server"/> after FLUSHALL (for tests that load many images into one server).</summary>
    public static RdbLoadResult FlushAndLoad(RedisServer server, byte[] image, string name = "dump.rdb")
    {
        var c = new Connection(server, null);
        Call(c, "FLUSHALL");
        c.Close();
        return RdbLoader.Load(server, image, name);
    }

    /// <summary>Builds an RDB image byte by byte.</summary>
    public sealed class Image
    {
        private readonly MemoryStream _bytes = new();

        public Image(int version = 10) => Raw(B($"REDIS{version:D4}"));

        public Image Raw(params byte[] bytes)
        {
            _bytes.Write(bytes);
            return this;
        }

        public Image Byte(int b) => Raw((byte)b);

        /// <summary>rdbSaveLen: the shortest of the 6-bit, 14-bit, 32-bit and 64-bit forms.</summary>
        public Image Length(ulong n)
        {
            if (n < 1 << 6) return Byte((int)n);
            if (n < 1 << 14) return Raw((byte)(0x40 | (int)(n >> 8)), (byte)n);
            var b = new byte[9];
            if (n <= uint.MaxValue)
            {
                b[0] = 0x80;
                BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(1), (uint)n);
                return Raw(b[..5]);
            }
            b[0] = 0x81;
            BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(1), n);
            return Raw(b);
        }

        public Image String(byte[] s) => Length((ulong)s.Length).Raw(s);

        public Image String(string s) => String(B(s));

        /// <summary>A string stored as INT8 (width 1), INT16 (2) or INT32 (4).</summary>
        public Image IntString(long value, int width)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            return Byte(0xC0 | (width == 1 ? 0 : width == 2 ? 1 : 2)).Raw(b[..width]);
        }

        /// <summary>A string stored LZF-compressed: <paramref name="compressed"/> decompresses to <paramref name="length"/> bytes.</summary>
        public Image LzfString(byte[] compressed, int length) => Byte(0xC3).Length((ulong)compressed.Length).Length((ulong)length).Raw(compressed);

        public Image Aux(string name, string value) => Byte(0xFA).String(name).String(value);

        public Image SelectDb(int db) => Byte(0xFE).Length((ulong)db);

        public Image ResizeDb(int keys, int expires) => Byte(0xFB).Length((ulong)keys).Length((ulong)expires);

        public Image ExpireMs(long unixMs)
        {
            var b = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, unixMs);
            return Byte(0xFC).Raw(b);
        }

        public Image ExpireSeconds(int unixSeconds)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, unixSeconds);
            return Byte(0xFD).Raw(b);
        }

        /// <summary>A key's type byte and name; the value follows.</summary>
        public Image Key(int type, string key) => Byte(type).String(key);

        public byte[] Bytes => _bytes.ToArray();

        /// <summary>EOF and, for version 5 and later, the CRC-64 (or 0 when <paramref name="checksum"/> is false).</summary>
        public byte[] End(bool checksum = true)
        {
            Byte(0xFF);
            byte[] body = _bytes.ToArray();
            if (int.Parse(S(body[5..9])) < 5) return body;
            var crc = new byte[8];
            if (checksum) BinaryPrimitives.WriteUInt64LittleEndian(crc, Crc64.Update(0, body));
            return [.. body, .. crc];
        }
    }

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
