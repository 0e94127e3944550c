using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Persistence.Rdb;

/// <summary>Loading an RDB image failed: the message is the log line.</summary>
public sealed class RdbLoadException(string message) : Exception(message);

/// <summary>What <see cref="RdbLoader.Load"/> found.</summary>
internal readonly record struct RdbLoadResult(int Consumed, long KeysLoaded, long ExpiredSkipped, int Version, string? RedisVersion, long CreatedUnixSeconds);

/// <summary>
/// The RDB reader (rdb.c rdbLoadRioWithLoadingCtx and rdbLoadObject of Redis 7.0): "REDIS" and a 4-digit version
/// (1 to 10), then opcodes (AUX, RESIZEDB, SELECTDB, EXPIRETIME, EXPIRETIME_MS, IDLE, FREQ) and keys until EOF, then
/// for version 5 and later the CRC-64 of everything before it (0: saved with rdbchecksum no, not checked). Values of
/// every type Redis has written since 2.x are decoded (RdbLoader.Values.cs) and stored through
/// <see cref="RdbKeyspaceSink"/>, so the keyspace picks its own encodings. Keys whose expiry has passed are skipped,
/// empty collections too (as Redis does), a key that already exists is an error. Function libraries are loaded into
/// the functions engine. Streams and modules are refused by name: RedisFast has none of them.
/// </summary>
internal static partial class RdbLoader
{
    /// <summary>RDB_VERSION of Redis 7.0.</summary>
    public const int MaxVersion = 10;

    private const byte OpFunction2 = 0xF5, OpFunction = 0xF6, OpModuleAux = 0xF7, OpIdle = 0xF8, OpFreq = 0xF9;
    private const byte OpAux = 0xFA, OpResizeDb = 0xFB, OpExpireTimeMs = 0xFC, OpExpireTime = 0xFD, OpSelectDb = 0xFE, OpEof = 0xFF;
    private const long NoExpiry = -1;

    /// <summary>
    /// Loads the RDB image at the start of <paramref name="data"/> into the server's keyspace. Returns how many bytes
    /// it used (up to and including the checksum), so an old-style AOF with an RDB preamble can go on from there.
    /// The caller must be the only thread using the server (start-up, before it serves). On failure the keyspace
    /// holds the keys loaded before the error (Redis exits then).
    /// </summary>
    /// <param name="fileName">For messages.</param>
    /// <exception cref="RdbLoadException">Malformed, truncated, bad checksum, or a type RedisFast lacks.</exception>
    public static RdbLoadResult Load(RedisServer server, byte[] data, string fileName)
    {
        var input = new RdbInput(data, fileName);
        ReadOnlySpan<byte> header = input.ReadBytes(9);
        if (!header.StartsWith("REDIS"u8)) throw new RdbLoadException("Wrong signature trying to load DB from file");
        int version = Atoi(header[5..]);
        if (version < 1 || version > MaxVersion) throw new RdbLoadException($"Can't handle RDB format version {version}");
        return new Session(server, input, version).Run();
    }

    /// <summary>Size of a DUMP payload's footer: the RDB version (2 bytes) and the CRC-64 (8), little-endian.</summary>
    public const int DumpFooterLength = 10;

    /// <summary>
    /// cluster.c verifyDumpPayload: a footer whose RDB version is at most <see cref="MaxVersion"/> and whose CRC-64
    /// covers everything before the checksum (no "0 means unchecked" here, unlike a file).
    /// </summary>
    public static bool VerifyDumpPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < DumpFooterLength) return false;
        ReadOnlySpan<byte> footer = payload[^DumpFooterLength..];
        if (BinaryPrimitives.ReadUInt16LittleEndian(footer) > MaxVersion) return false;
        return Crc64.Update(0, payload[..^8]) == BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]);
    }

    /// <summary>
    /// FUNCTION RESTORE's decoding of a payload <see cref="VerifyDumpPayload"/> accepted: the code of each library
    /// (RDB_OPCODE_FUNCTION2 records up to the footer), or false with Redis's reason.
    /// </summary>
    public static bool TryReadFunctionsPayload(ReadOnlySpan<byte> payload, out List<byte[]> codes, out string? error)
    {
        codes = [];
        error = null;
        var input = new RdbInput(payload[..^DumpFooterLength].ToArray(), "FUNCTION RESTORE payload");
        byte[] scratch = [];
        try
        {
            while (input.Position < payload.Length - DumpFooterLength)
            {
                byte type = input.ReadByte();
                if (type is not (OpFunction or OpFunction2))
                {
                    error = "given type is not a function";
                    return false;
                }
                if (type == OpFunction)
                {
                    error = "Pre-release function format not supported.";
                    return false;
                }
                codes.Add(input.ReadString(ref scratch).ToArray());
            }
            return true;
        }
        catch (Exception e) when (e is RdbLoadException or BlobFormatException)
        {
            error = "failed loading the given functions payload";
            return false;
        }
    }

    /// <summary>
    /// RESTORE's decoding (rdbLoadObjectType and rdbLoadObject on a payload <see cref="VerifyDumpPayload"/> accepted):
    /// the value stored as <paramref name="key"/> in <paramref name="scratch"/>, an empty database outside the
    /// keyspace, so a payload that fails halfway leaves the keyspace as it was. Returns the value's slot in scratch,
    /// or -1 when the payload does not hold one value RedisFast can store (Redis: "Bad data format").
    /// </summary>
    public static int LoadDumpValue(RedisServer server, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key, Database scratch)
    {
        int version = BinaryPrimitives.ReadUInt16LittleEndian(payload[^DumpFooterLength..]);
        try
        {
            return new Session(server, new RdbInput(payload.ToArray(), "DUMP payload"), version).LoadValue(key, scratch);
        }
        catch (Exception e) when (e is RdbLoadException or BlobFormatException)
        {
            return -1;
        }
    }

    /// <summary>C's atoi, as rdb.c reads the version: leading white space and a sign, then digits up to the first other byte.</summary>
    private static int Atoi(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) i++;
        bool negative = i < text.Length && text[i] == '-';
        if (i < text.Length && (text[i] == '-' || text[i] == '+')) i++;
        int value = 0;
        for (; i < text.Length && text[i] >= '0' && text[i] <= '9'; i++) value = value * 10 + (text[i] - '0');
        return negative ? -value : value;
    }

    /// <summary>A key or name for a log line: UTF-8 with bad bytes replaced, cut at 128 characters.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        string text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 512)]);
        return text.Length > 128 ? text[..128] + "..." : text;
    }

    /// <summary>One load: the cursor, the sink, reusable scratch buffers and the counts.</summary>
    private sealed partial class Session(RedisServer server, RdbInput input, int version)
    {
        private const int EmptyKeysLogged = 10;

        private readonly RedisServer _server = server;
        private readonly RdbInput _input = input;
        private readonly int _version = version;
        private readonly RdbKeyspaceSink _sink = new(server);
        private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        private byte[] _keyScratch = new byte[256];
        private byte[] _scratchA = new byte[256];
        private byte[] _scratchB = new byte[256];
        private byte[] _blobScratch = new byte[4096];
        private int _db;
        private long _keysLoaded, _expiredSkipped, _emptySkipped;
        private string? _redisVersion;
        private long _created;

        /// <summary>
        /// rdbFunctionLoad: a library's code, loaded as FUNCTION LOAD would (replacing one of the same name, as Redis does
        /// when a file is loaded over existing libraries: DEBUG RELOAD, a replica's sync).
        /// </summary>
        private void LoadFunctionLibrary()
        {
            byte[] scratch = [];
            byte[] code = _input.ReadString(ref scratch).ToArray();
            if (_server.Functions.LoadLibrary(code, replace: true, out string? error) is null)
                throw new RdbLoadException($"Failed loading library, {error} ({_input.FileName})");
        }

        public RdbLoadResult Run()
        {
            long started = Stopwatch.GetTimestamp();
            long expireAt = NoExpiry, idle = -1, freq = -1;
            while (true)
            {
                int at = _input.Position;
                byte type = _input.ReadByte();
                switch (type)
                {
                    case OpExpireTime:
                        expireAt = _input.ReadInt32LittleEndian() * 1000L;
                        continue;
                    case OpExpireTimeMs:
                        // Written in the host's byte order before version 9: little-endian everywhere Redis ran.
                        expireAt = _input.ReadInt64LittleEndian();
                        continue;
                    case OpFreq:
                        freq = _input.ReadByte();
                        continue;
                    case OpIdle:
                        idle = (long)Math.Min(_input.ReadLength(), long.MaxValue);
                        continue;
                    case OpSelectDb:
                        SelectDb();
                        continue;
                    case OpResizeDb:
                        ResizeDb();
                        continue;
                    case OpAux:
                        Aux();
                        continue;
                    case OpModuleAux:
                        string module = ModuleName(_input.ReadLength());
                        throw new RdbLoadException(
                            $"The RDB file contains AUX module data I can't load: no matching module '{module}' ({_input.FileName} at offset {at}: RedisFast has no modules)");
                    case OpFunction:
                        throw new RdbLoadException($"Pre-release function format not supported ({_input.FileName} at offset {at})");
                    case OpFunction2:
                        LoadFunctionLibrary();
                        continue;
                }
                if (type == OpEof) break;
                Key(type, at, expireAt);
                if (idle >= 0 || freq >= 0) _sink.SetAccess(idle, freq);
                expireAt = NoExpiry;
                idle = freq = -1;
            }
            int consumed = Checksum();
            string empty = _emptySkipped > 0 ? $", empty keys skipped: {_emptySkipped}" : "";
            _server.Log.Notice($"Done loading RDB, keys loaded: {_keysLoaded}, keys expired: {_expiredSkipped}{empty}.");
            _server.Log.Verbose($"RDB {_input.FileName} loaded in {Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} seconds");
            return new RdbLoadResult(consumed, _keysLoaded, _expiredSkipped, _version, _redisVersion, _created);
        }

        /// <summary>One value with no key before it (a DUMP payload) into <paramref name="scratch"/>: its slot, or -1 when empty.</summary>
        public int LoadValue(ReadOnlySpan<byte> key, Database scratch)
        {
            _sink.Target(scratch);
            byte type = _input.ReadByte();
            _sink.BeginKey(key, discard: false);
            return Value(type, key, 0) > 0 ? _sink.Slot : -1;
        }

        private void SelectDb()
        {
            ulong db = _input.ReadLength();
            int databases = _server.Keyspace.Databases.Length;
            if (db >= (ulong)databases)
                throw new RdbLoadException($"FATAL: Data file was created with a Redis server configured to handle more than {databases} databases. Exiting");
            _db = (int)db;
            _sink.Select(_db);
        }

        /// <summary>
        /// RESIZEDB: the key count of the database that follows sizes its table up front. Bounded by what the rest of
        /// the file can hold (a key takes at least 3 bytes), so a corrupt count cannot allocate more than the file does.
        /// </summary>
        private void ResizeDb()
        {
            ulong keys = _input.ReadLength();
            _input.ReadLength(); // keys with an expiry: RedisFast keeps no separate table for them
            _sink.ReserveKeys((int)Math.Min(keys, (ulong)_input.Remaining / 3));
        }

        /// <summary>An AUX field: redis-ver and ctime are kept for the result, the rest only logged (rdb.c).</summary>
        private void Aux()
        {
            ReadOnlySpan<byte> name = _input.ReadString(ref _keyScratch);
            ReadOnlySpan<byte> value = _input.ReadString(ref _scratchA);
            if (name.Length > 0 && name[0] == '%')
            {
                // Info fields that must be printed (rdb.c: keys starting with '%').
                _server.Log.Notice($"RDB '{Printable(name[1..])}': {Printable(value)}");
            }
            else if (Ascii.EqualsIgnoreCase(name, "redis-ver"u8))
            {
                _redisVersion = Encoding.UTF8.GetString(value);
                _server.Log.Notice($"Loading RDB produced by version {_redisVersion}");
            }
            else if (Ascii.EqualsIgnoreCase(name, "ctime"u8))
            {
                _created = Strtol(value);
                _server.Log.Notice($"RDB age {Math.Max(0, _now / 1000 - _created)} seconds");
            }
            else if (Ascii.EqualsIgnoreCase(name, "used-mem"u8))
            {
                double mb = Strtol(value) / 1024.0 / 1024.0;
                _server.Log.Notice($"RDB memory usage when created {mb.ToString("0.00", CultureInfo.InvariantCulture)} Mb");
            }
            else
            {
                _server.Log.Debug($"Unrecognized RDB AUX field: '{Printable(name)}'");
            }
        }

        /// <summary>strtol(s, NULL, 10) as rdb.c reads ctime and used-mem: leading digits, 0 when there are none.</summary>
        private static long Strtol(ReadOnlySpan<byte> text)
        {
            bool negative = text.Length > 0 && text[0] == '-';
            long value = 0;
            for (int i = negative ? 1 : 0; i < text.Length && text[i] >= '0' && text[i] <= '9' && value < long.MaxValue / 10; i++)
                value = value * 10 + (text[i] - '0');
            return negative ? -value : value;
        }

        /// <summary>
        /// One key of type <paramref name="type"/> (its type byte at <paramref name="at"/>): skipped when it expired
        /// or is an empty collection, an error when the database already has it (rdb.c "RDB has duplicated key").
        /// </summary>
        private void Key(byte type, int at, long expireAt)
        {
            ReadOnlySpan<byte> key = _input.ReadString(ref _keyScratch);
            bool expired = expireAt != NoExpiry && expireAt < _now;
            bool duplicate = false;
            if (!expired) duplicate = _sink.Exists(key);
            // Redis reads the value before it looks at the expiry or the duplicate: an empty duplicate is only skipped.
            _sink.BeginKey(key, discard: expired || duplicate);
            long elements;
            try
            {
                elements = Value(type, key, at);
            }
            catch (BlobFormatException e)
            {
                _input.ThrowCorrupt($"{e.Message} in the value of key '{Printable(key)}'", _blobAt);
                return;
            }
            if (elements == 0)
            {
                if (_emptySkipped++ < EmptyKeysLogged) _server.Log.Notice($"rdbLoadObject skipping empty key: {Printable(key)}");
                return;
            }
            if (expired)
            {
                _expiredSkipped++;
                return;
            }
            if (duplicate) throw new RdbLoadException($"RDB has duplicated key '{Printable(key)}' in DB {_db}");
            if (expireAt != NoExpiry) _sink.ExpireAt(expireAt);
            _keysLoaded++;
        }

        /// <summary>
        /// For version 5 and later: the CRC-64 of everything up to and including EOF, little-endian, 0 meaning it was
        /// not computed. Returns the bytes used.
        /// </summary>
        private int Checksum()
        {
            if (_version < 5) return _input.Position;
            int end = _input.Position;
            ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(_input.ReadBytes(8));
            if (stored == 0)
            {
                _server.Log.Notice("RDB file was saved with checksum disabled: no check performed.");
                return _input.Position;
            }
            ulong expected = Crc64.Update(0, _input.Data[..end]);
            if (stored != expected)
            {
                throw new RdbLoadException(
                    $"Wrong RDB checksum expected: ({expected:x}) but got ({stored:x}). Aborting now. (RDB CRC error in {_input.FileName}, checksum at offset {end})");
            }
            return _input.Position;
        }

        /// <summary>moduleTypeNameByID: the 9-character name in the top 54 bits of a module id (6 bits a character).</summary>
        private static string ModuleName(ulong id)
        {
            const string CharSet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            Span<char> name = stackalloc char[9];
            id >>= 10;
            for (int j = 8; j >= 0; j--)
            {
                name[j] = CharSet[(int)(id & 63)];
                id >>= 6;
            }
            return new string(name);
        }
    }
}
