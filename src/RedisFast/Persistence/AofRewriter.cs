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
/// Each <see cref="ValueKind"/> has an emitter (strings here, collections in AofRewriter.Collections.cs). Emitters get
/// a copy of the slot and only read the value object, so the background rewrite (<see cref="WriteSnapshot"/>) can
/// run them on its own thread against a <see cref="RewriteSnapshot"/>.
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
    /// <remarks>Synchronous, on the loop: for tests and start-up (an empty or freshly loaded keyspace).</remarks>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public static long WriteBase(Keyspace keyspace, IReadOnlyList<byte[]> functions, SafeFileHandle file, long chunkBytes)
    {
        var w = new AofCommandWriter(file, chunkBytes);
        EmitFunctions(w, functions);
        long now = keyspace.Now;
        int selected = -1;
        foreach (Database db in keyspace.Databases)
        {
            KeyTable table = db.Table;
            for (int i = 0; i < table.SlotCount; i++) Emit(w, db.Id, table.Peek(i), now, ref selected);
        }
        return w.Finish();
    }

    /// <summary>
    /// Background rewrite (the child of aof.c rewriteAppendOnlyFileBackground): writes the keyspace as it was at the
    /// instant of <paramref name="snapshot"/>, on the calling (non-loop) thread, while the loop keeps changing it
    /// (<see cref="SnapshotWalker"/>).
    /// </summary>
    /// <param name="control">Cancellation (SHUTDOWN, appendonly no) and the test knobs.</param>
    /// <returns>The file size, or -1 when cancelled.</returns>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public static long WriteSnapshot(RewriteSnapshot snapshot, SafeFileHandle file, long chunkBytes, RewriteControl control)
    {
        var w = new AofCommandWriter(file, chunkBytes);
        EmitFunctions(w, snapshot.Functions);
        long now = snapshot.Now;
        int selected = -1;
        bool complete = SnapshotWalker.Walk(snapshot, control, (int db, in KeyEntry e) => Emit(w, db, e, now, ref selected));
        return complete ? w.Finish() : -1;
    }

    /// <summary>aof.c rewriteFunctions: a FUNCTION LOAD of each library, before the keys.</summary>
    private static void EmitFunctions(AofCommandWriter w, IReadOnlyList<byte[]> functions)
    {
        foreach (byte[] code in functions) w.ArrayHeader(3).Bulk("FUNCTION"u8).Bulk("LOAD"u8).Bulk(code);
    }

    /// <summary>One key: SELECT when the database changes, its type's commands, then PEXPIREAT for a TTL.</summary>
    private static void Emit(AofCommandWriter w, int db, in KeyEntry e, long now, ref int selected)
    {
        if (e.Key is null || e.Kind == ValueKind.None) return;
        if (e.ExpireAt != KeyTable.NoExpiry && e.ExpireAt < now) return;
        if (db != selected)
        {
            w.ArrayHeader(2).Bulk("SELECT"u8).Bulk(db);
            selected = db;
        }
        AofValueEmitter emitter = Emitters[(int)e.Kind]
            ?? throw new InvalidOperationException($"no AOF emitter registered for {e.Kind}");
        emitter(w, e.Key, e);
        if (e.ExpireAt != KeyTable.NoExpiry) w.ArrayHeader(3).Bulk("PEXPIREAT"u8).Bulk(e.Key).Bulk(e.ExpireAt);
    }
}

/// <summary>
/// What a background rewrite checks between keys: cancellation (SHUTDOWN, CONFIG SET appendonly no, a new
/// appendonly yes) and, for tests, a gate held before the first key and a pause every few keys so the loop races it.
/// </summary>
internal sealed class RewriteControl
{
    private volatile bool _cancelled;
    private long _keys;

    /// <summary>Test knob: the rewriter waits for this before its first key.</summary>
    public ManualResetEventSlim? Gate { get; init; }

    /// <summary>Test knob: sleep 1 ms every this many keys (0: never).</summary>
    public int PauseEveryKeys { get; init; }

    public bool IsCancelled => _cancelled;

    public void Cancel()
    {
        _cancelled = true;
        Gate?.Set();
    }

    /// <summary>False when cancelled while waiting at the gate.</summary>
    public bool WaitAtStart()
    {
        Gate?.Wait();
        return !_cancelled;
    }

    /// <summary>After each key: true when the rewrite must stop.</summary>
    public bool AfterKey()
    {
        if (PauseEveryKeys > 0 && ++_keys % PauseEveryKeys == 0) Thread.Sleep(1);
        return _cancelled;
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
