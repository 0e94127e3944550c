using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;
using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>Emits the commands that recreate one value (aof.c rewriteListObject, rewriteHashObject, ...).</summary>
/// <param name="w">Where the commands go.</param>
/// <param name="key">The key.</param>
/// <param name="entry">The slot; <see cref="KeyEntry.Value"/> is the type's own object.</param>
internal delegate void AofValueEmitter(AofCommandWriter w, ReadOnlySpan<byte> key, in KeyEntry entry);

/// <summary>
/// Writes a base file from the keyspace (aof.c rewriteAppendOnlyFileRio): per non-empty database a SELECT, then per
/// live key the commands of its type, then PEXPIREAT for a key with a TTL; keys already expired are skipped.
/// Each <see cref="ValueKind"/> has an emitter (strings here, collections in AofRewriter.Collections.cs). For now this runs synchronously on the loop (CONFIG SET appendonly yes,
/// BGREWRITEAOF): the copy-on-write background snapshot replaces it in part 2.
/// </summary>
internal static partial class AofRewriter
{
    private static readonly AofValueEmitter?[] Emitters = new AofValueEmitter?[256];

    static AofRewriter()
    {
        Register(ValueKind.StringInt, EmitString);
        Register(ValueKind.StringEmbedded, EmitString);
        Register(ValueKind.StringRaw, EmitString);
        Register(ValueKind.List, EmitList);
        Register(ValueKind.Set, EmitSet);
        Register(ValueKind.Hash, EmitHash);
        Register(ValueKind.SortedSet, EmitSortedSet);
    }

    /// <summary>Sets the emitter of <paramref name="kind"/> (call from the type's command registration).</summary>
    public static void Register(ValueKind kind, AofValueEmitter emitter) => Emitters[(int)kind] = emitter;

    private static void EmitString(AofCommandWriter w, ReadOnlySpan<byte> key, in KeyEntry e)
    {
        w.ArrayHeader(3).Bulk("SET"u8).Bulk(key);
        if (e.Kind == ValueKind.StringInt) w.Bulk(e.Number);
        else w.Bulk(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length));
    }

    /// <summary>Writes the whole keyspace to <paramref name="file"/> (fsynced every chunk and at the end); returns its size.</summary>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public static long WriteBase(Keyspace keyspace, SafeFileHandle file, long chunkBytes)
    {
        var w = new AofCommandWriter(file, chunkBytes);
        long now = keyspace.Now;
        foreach (Database db in keyspace.Databases)
        {
            KeyTable table = db.Table;
            if (table.Count == 0) continue;
            w.ArrayHeader(2).Bulk("SELECT"u8).Bulk(db.Id);
            for (int i = 0; i < table.SlotCount; i++)
            {
                ref KeyEntry e = ref table[i];
                if (e.Key is null || e.Kind == ValueKind.None) continue;
                if (e.ExpireAt != KeyTable.NoExpiry && e.ExpireAt < now) continue;
                AofValueEmitter emitter = Emitters[(int)e.Kind]
                    ?? throw new InvalidOperationException($"no AOF emitter registered for {e.Kind}");
                emitter(w, e.Key, e);
                if (e.ExpireAt != KeyTable.NoExpiry) w.ArrayHeader(3).Bulk("PEXPIREAT"u8).Bulk(e.Key).Bulk(e.ExpireAt);
            }
        }
        return w.Finish();
    }
}

/// <summary>Buffered RESP writer onto a file, with an fdatasync every <c>chunkBytes</c> (incremental fsync).</summary>
internal sealed class AofCommandWriter
{
    private readonly SafeFileHandle _file;
    private readonly long _chunkBytes;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private long _offset;
    private long _sinceSync;

    public AofCommandWriter(SafeFileHandle file, long chunkBytes)
    {
        _file = file;
        _chunkBytes = chunkBytes;
    }

    public AofCommandWriter ArrayHeader(long n) => Header((byte)'*', n);

    public AofCommandWriter Bulk(ReadOnlySpan<byte> value)
    {
        Header((byte)'$', value.Length);
        Raw(value);
        return Raw("\r\n"u8);
    }

    public AofCommandWriter Bulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        return Bulk(digits[..n]);
    }

    private AofCommandWriter Header(byte kind, long n)
    {
        Span<byte> header = stackalloc byte[24];
        header[0] = kind;
        Utf8Formatter.TryFormat(n, header[1..], out int written);
        header[1 + written] = (byte)'\r';
        header[2 + written] = (byte)'\n';
        return Raw(header[..(3 + written)]);
    }

    private AofCommandWriter Raw(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_length == _buffer.Length) FlushBuffer();
            int n = Math.Min(bytes.Length, _buffer.Length - _length);
            bytes[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            bytes = bytes[n..];
        }
        return this;
    }

    private void FlushBuffer()
    {
        int errno = NativeFile.Write(_file, _buffer.AsSpan(0, _length), _offset, out _);
        if (errno != 0) throw new IOException(NativeFile.Describe(errno));
        _offset += _length;
        _sinceSync += _length;
        _length = 0;
        if (_sinceSync >= _chunkBytes) Sync();
    }

    private void Sync()
    {
        int errno = NativeFile.DataSync(_file);
        if (errno != 0) throw new IOException(NativeFile.Describe(errno));
        _sinceSync = 0;
    }

    /// <summary>Writes what is buffered and fsyncs; returns the file size.</summary>
    public long Finish()
    {
        FlushBuffer();
        Sync();
        return _offset;
    }
}
