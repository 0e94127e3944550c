using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RedisFast.Commands;
using RedisFast.Protocol;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// Writes an RDB file (version 10) the way Redis 7.0's rdb.c rdbSaveRio does, so that redis-server 7.0 loads it
/// into the same encodings and redis-check-rdb accepts it: <see cref="Header"/>, then per non-empty database
/// <see cref="SelectDb"/> and its keys (<see cref="Key"/>), then <see cref="Finish"/>. Values are encoded from
/// their in-memory encoding as rdbSaveObject does (RdbWriter.Values.cs). It only reads the values, so it may run
/// on a background thread against a <see cref="RewriteSnapshot"/>, under the reading rules of
/// <see cref="AofRewriter.WriteSnapshot"/>. Output goes through a 64 KB buffer with positional writes, an fdatasync
/// every <c>fsyncEveryBytes</c> (rdb-save-incremental-fsync) and one at the end. Not thread-safe; one use.
/// A writer into memory makes DUMP payloads instead (<see cref="DumpPayload"/>).
/// </summary>
internal sealed partial class RdbWriter
{
    /// <summary>
    /// redis-ver in the header: the version RedisFast reports in INFO, the redis-server release whose format this is.
    /// redis-server loads files of any redis-ver (it checks the RDB version, 10); redis-check-rdb prints it.
    /// </summary>
    public const string RedisVersion = ServerCommands.RedisVersion;

    // rdb.h: opcodes and object types.
    private const byte OpFunction2 = 245, OpIdle = 248, OpFreq = 249, OpAux = 250, OpResizeDb = 251, OpExpireTimeMs = 252, OpSelectDb = 254, OpEof = 255;
    private const byte TypeString = 0, TypeSet = 2, TypeHash = 4, TypeZset2 = 5, TypeSetIntset = 11;
    private const byte TypeHashListpack = 16, TypeZsetListpack = 17, TypeListQuicklist2 = 18;

    // Special string encodings: (RDB_ENCVAL << 6) | RDB_ENC_INT8, INT16, INT32, LZF.
    private const byte EncodedInt8 = 0xC0, EncodedInt16 = 0xC1, EncodedInt32 = 0xC2, EncodedLzf = 0xC3;

    // rdbSaveRawString: integer encoding is tried up to 11 bytes ("-2147483648"), LZF above 20.
    private const int MaxIntegerEncodedLength = 11;
    private const int MinCompressedLength = 21;

    /// <summary>rdb.h RDB_VERSION, the version a DUMP payload carries in its footer.</summary>
    public const int Version = 10;

    private readonly SafeFileHandle? _file;
    private readonly ArrayBufferWriter<byte>? _memory;
    private readonly long _fsyncEveryBytes;
    private readonly bool _compress;
    private readonly bool _checksum;
    private readonly byte[] _buffer;
    private int _length;
    private long _offset;
    private long _sinceSync;
    private ulong _crc;
    private byte[] _lzf = new byte[256];

    /// <param name="file">An empty file opened for writing.</param>
    /// <param name="fsyncEveryBytes">
    /// fdatasync after this many bytes (rdb-save-incremental-fsync: every 4 MB in Redis, redis.conf; 0: only at the end).
    /// </param>
    /// <param name="compress">rdbcompression: LZF for strings longer than 20 bytes when it saves space.</param>
    /// <param name="checksum">rdbchecksum: CRC-64 at the end, else eight zero bytes.</param>
    public RdbWriter(SafeFileHandle file, long fsyncEveryBytes, bool compress, bool checksum)
    {
        _file = file;
        _buffer = new byte[64 * 1024];
        _fsyncEveryBytes = fsyncEveryBytes;
        _compress = compress;
        _checksum = checksum;
    }

    /// <summary>A writer of DUMP payloads into <paramref name="memory"/> (<see cref="DumpPayload"/>).</summary>
    /// <param name="compress">rdbcompression, which DUMP honours as a save does.</param>
    public RdbWriter(ArrayBufferWriter<byte> memory, bool compress)
    {
        _memory = memory;
        _buffer = new byte[4096];
        _compress = compress;
        _checksum = true;
    }

    /// <summary>
    /// list-max-listpack-size, which decides where a list's quicklist nodes end (the in-memory list has no nodes): a
    /// negative value -1..-5 limits a node's listpack to 4, 8, 16, 32 or 64 KB, a positive one to that many elements
    /// (and 8 KB), as quicklist.c _quicklistNodeAllowInsert; clamped to -5..32767 as quicklistSetFill. The caller
    /// passes the configured value; Redis's default, -2, otherwise.
    /// </summary>
    public int ListMaxListpackSize { get; init; } = -2;

    /// <summary>
    /// quicklist.c's packed_threshold: a list element of this many bytes or more gets a PLAIN node of its own. 1 GB
    /// in Redis 7.0 unless DEBUG QUICKLIST-PACKED-THRESHOLD changes it (an element over 8 KB that is smaller goes
    /// into a PACKED node of its own). Settable for tests.
    /// </summary>
    public int PackedThreshold { get; init; } = 1 << 30;

    /// <summary>
    /// rdbSaveKeyValuePair's savelru / savelfu: under an LRU maxmemory-policy each key's idle seconds are saved (IDLE),
    /// under an LFU one its access counter (FREQ), both as of <see cref="NowSeconds"/>; under the others neither.
    /// </summary>
    public EvictionPolicy SaveAccessFor { get; init; }

    /// <summary>The LRU/LFU clock (Unix seconds) <see cref="SaveAccessFor"/> measures from.</summary>
    public uint NowSeconds { get; init; }

    /// <summary>lfu-decay-time, for the counters <see cref="SaveAccessFor"/> saves.</summary>
    public int LfuDecayTime { get; init; }

    /// <summary>
    /// "REDIS0010" and Redis 7.0's aux fields (rdbSaveInfoAuxFields): redis-ver, redis-bits 64, ctime (now, Unix
    /// seconds), used-mem and aof-base (1 for the base of an AOF, 0 for a dump file).
    /// </summary>
    public void Header(bool aofBase, long usedMemory)
    {
        Raw("REDIS0010"u8);
        Aux("redis-ver"u8, Encoding.ASCII.GetBytes(RedisVersion));
        Aux("redis-bits"u8, 64);
        Aux("ctime"u8, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Aux("used-mem"u8, usedMemory);
        Aux("aof-base"u8, aofBase ? 1 : 0);
    }

    /// <summary>SELECTDB and RESIZEDB (key and expire counts are hints for the loader).</summary>
    public void SelectDb(int db, long keys, long expires)
    {
        WriteByte(OpSelectDb);
        Length(db);
        WriteByte(OpResizeDb);
        Length(keys);
        Length(expires);
    }

    /// <summary>
    /// One key (rdbSaveKeyValuePair): EXPIRETIME_MS when it has a TTL, then its type, key and value. Only reads the
    /// value. The caller skips free slots (and expired keys if it wants to: Redis writes them, the loader drops them).
    /// </summary>
    /// <exception cref="ArgumentException">The slot is free.</exception>
    /// <exception cref="InvalidOperationException">The value's kind has no RDB encoding here.</exception>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public void Key(in KeyEntry entry)
    {
        byte[] key = entry.Key ?? throw new ArgumentException("The slot holds no key.", nameof(entry));
        if (entry.ExpireAt != KeyTable.NoExpiry)
        {
            WriteByte(OpExpireTimeMs);
            BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), entry.ExpireAt);
        }
        if ((SaveAccessFor & EvictionPolicy.Lru) != 0)
        {
            WriteByte(OpIdle);
            Length(entry.AccessedAt != 0 && entry.AccessedAt < NowSeconds ? NowSeconds - entry.AccessedAt : 0);
        }
        else if ((SaveAccessFor & EvictionPolicy.Lfu) != 0)
        {
            WriteByte(OpFreq);
            WriteByte((byte)Keyspace.LfuCount(entry.AccessedAt, NowSeconds, LfuDecayTime));
        }
        TypeKeyAndValue(entry, key);
    }

    /// <summary>
    /// DUMP (cluster.c createDumpPayload): the value's type and encoding as in a file, then the RDB version as two
    /// bytes and the CRC-64 of everything before it, little-endian. Call once, on a writer into memory.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value's kind has no RDB encoding here.</exception>
    public void DumpPayload(in KeyEntry entry)
    {
        TypeKeyAndValue(entry, key: null);
        BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), Version);
        Flush();
        Span<byte> crc = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(crc, _crc);
        WriteOut(crc, checksummed: true);
    }

    /// <summary>
    /// A function library (rdbSaveFunctions: RDB_OPCODE_FUNCTION2 and the library's code as a string), written after
    /// the header and before the databases, as Redis does.
    /// </summary>
    public void Function(ReadOnlySpan<byte> code)
    {
        WriteByte(OpFunction2);
        RawString(code);
    }

    /// <summary>
    /// FUNCTION DUMP (functionDumpCommand): every library as <see cref="Function"/> writes it, then the RDB version
    /// and the CRC-64, as a DUMP payload ends. Call once, on a writer into memory.
    /// </summary>
    public void FunctionsPayload(IEnumerable<byte[]> codes)
    {
        foreach (byte[] code in codes) Function(code);
        BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), Version);
        Flush();
        Span<byte> crc = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(crc, _crc);
        WriteOut(crc, checksummed: true);
    }

    /// <summary>The type byte, the key (none in a DUMP payload), then the value.</summary>
    private void TypeKeyAndValue(in KeyEntry entry, byte[]? key)
    {
        switch (entry.Kind)
        {
            case ValueKind.StringInt:
                TypeAndKey(TypeString, key);
                LongLong(entry.Number);
                break;
            case ValueKind.StringEmbedded or ValueKind.StringRaw:
                TypeAndKey(TypeString, key);
                RawString(new ReadOnlySpan<byte>((byte[])entry.Value!, 0, entry.Length));
                break;
            case ValueKind.List:
                SaveList(key, (RedisList)entry.Value!);
                break;
            case ValueKind.Set:
                SaveSet(key, (RedisSet)entry.Value!);
                break;
            case ValueKind.Hash:
                SaveHash(key, (RedisHash)entry.Value!);
                break;
            case ValueKind.SortedSet:
                SaveSortedSet(key, (RedisSortedSet)entry.Value!);
                break;
            default:
                throw new InvalidOperationException($"no RDB encoding for {entry.Kind}");
        }
    }

    /// <summary>
    /// EOF and the checksum (CRC-64 of every byte before it, EOF included, little-endian; zeros without
    /// <c>checksum</c>, which loaders take as "not checked"), then writes what is buffered and fdatasyncs. Returns
    /// the file size. Call once, last.
    /// </summary>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public long Finish()
    {
        WriteByte(OpEof);
        if (_length > _buffer.Length - 8) Flush();
        if (_checksum) _crc = Crc64.Update(_crc, _buffer.AsSpan(0, _length));
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length, 8), _checksum ? _crc : 0);
        _length += 8;
        WriteOut(_buffer.AsSpan(0, _length), checksummed: true);
        _length = 0;
        Sync();
        return _offset;
    }

    private void Aux(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        WriteByte(OpAux);
        RawString(name);
        RawString(value);
    }

    /// <summary>rdbSaveAuxFieldStrInt: the number as text, which <see cref="RawString"/> then stores as an integer.</summary>
    private void Aux(ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Aux(name, digits[..n]);
    }

    private void TypeAndKey(byte type, byte[]? key)
    {
        WriteByte(type);
        if (key is not null) RawString(key);
    }

    /// <summary>
    /// rdbSaveRawString: a canonical integer of up to 11 characters that fits 32 bits as INT8/16/32, else with
    /// <c>compress</c> and more than 20 bytes LZF when that saves at least 4 bytes, else length and bytes.
    /// </summary>
    private void RawString(ReadOnlySpan<byte> s)
    {
        // NumberParser accepts exactly the canonical forms (no '+', leading zero or "-0"): rdbTryIntegerEncoding's
        // string2ll-then-ll2string round trip.
        if (s.Length <= MaxIntegerEncodedLength && NumberParser.TryParseInt64(s, out long value) && TryInteger(value)) return;
        if (_compress && s.Length >= MinCompressedLength && TryCompressed(s)) return;
        Length(s.Length);
        Raw(s);
    }

    /// <summary>rdbSaveLongLongAsStringObject: INT8/16/32 when it fits, else the decimal text.</summary>
    private void LongLong(long value)
    {
        if (TryInteger(value)) return;
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Length(n);
        Raw(digits[..n]);
    }

    /// <summary>rdbEncodeInteger: the encoding byte and the value little-endian in 1, 2 or 4 bytes.</summary>
    private bool TryInteger(long value)
    {
        if (value is >= sbyte.MinValue and <= sbyte.MaxValue)
        {
            Span<byte> b = Reserve(2);
            b[0] = EncodedInt8;
            b[1] = (byte)value;
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            Span<byte> b = Reserve(3);
            b[0] = EncodedInt16;
            BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)value);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = Reserve(5);
            b[0] = EncodedInt32;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)value);
        }
        else
        {
            return false;
        }
        return true;
    }

    /// <summary>rdbSaveLzfStringObject: compressed into at most length - 4 bytes, or false.</summary>
    private bool TryCompressed(ReadOnlySpan<byte> s)
    {
        int room = s.Length - 4;
        if (_lzf.Length < room) _lzf = new byte[Math.Max(room, _lzf.Length * 2)];
        int n = Lzf.Compress(s, _lzf.AsSpan(0, room));
        if (n == 0) return false;
        WriteByte(EncodedLzf);
        Length(n);
        Length(s.Length);
        Raw(_lzf.AsSpan(0, n));
        return true;
    }

    /// <summary>rdbSaveLen: 6 bits in one byte, 14 bits in two, else 0x80 and 32 bits or 0x81 and 64 bits, big-endian.</summary>
    private void Length(long length)
    {
        if (length < 1 << 6)
        {
            WriteByte((byte)length);
        }
        else if (length < 1 << 14)
        {
            Span<byte> b = Reserve(2);
            b[0] = (byte)(0x40 | (length >> 8));
            b[1] = (byte)length;
        }
        else if (length <= uint.MaxValue)
        {
            Span<byte> b = Reserve(5);
            b[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)length);
        }
        else
        {
            Span<byte> b = Reserve(9);
            b[0] = 0x81;
            BinaryPrimitives.WriteInt64BigEndian(b[1..], length);
        }
    }

    /// <summary>rdbSaveBinaryDoubleValue: the IEEE 754 bits, little-endian.</summary>
    private void BinaryDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    private void WriteByte(byte value)
    {
        if (_length == _buffer.Length) Flush();
        _buffer[_length++] = value;
    }

    /// <summary>Room for <paramref name="n"/> (at most 16) bytes in the buffer, counted as written.</summary>
    private Span<byte> Reserve(int n)
    {
        if (_length > _buffer.Length - n) Flush();
        Span<byte> span = _buffer.AsSpan(_length, n);
        _length += n;
        return span;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_length == 0 && bytes.Length >= _buffer.Length)
            {
                WriteOut(bytes, checksummed: false); // a big value goes straight to the file, not through the buffer
                return;
            }
            int n = Math.Min(bytes.Length, _buffer.Length - _length);
            bytes[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            bytes = bytes[n..];
            if (_length == _buffer.Length) Flush();
        }
    }

    private void Flush()
    {
        WriteOut(_buffer.AsSpan(0, _length), checksummed: false);
        _length = 0;
    }

    /// <summary>Writes at the end of the file; <paramref name="checksummed"/>: already counted in the CRC.</summary>
    private void WriteOut(ReadOnlySpan<byte> data, bool checksummed)
    {
        if (data.IsEmpty) return;
        if (_checksum && !checksummed) _crc = Crc64.Update(_crc, data);
        if (_memory is not null)
        {
            _memory.Write(data);
            _offset += data.Length;
            return;
        }
        int errno = NativeFile.Write(_file!, data, _offset, out _);
        if (errno != 0) throw new IOException(NativeFile.Describe(errno));
        _offset += data.Length;
        _sinceSync += data.Length;
        if (_fsyncEveryBytes > 0 && _sinceSync >= _fsyncEveryBytes) Sync();
    }

    private void Sync()
    {
        if (_file is null) return;
        int errno = NativeFile.DataSync(_file);
        if (errno != 0) throw new IOException(NativeFile.Describe(errno));
        _sinceSync = 0;
    }
}
