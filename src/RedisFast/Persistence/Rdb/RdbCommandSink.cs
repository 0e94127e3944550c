using System.Buffers.Text;
using RedisFast.Networking;
using RedisFast.Protocol;
using RedisFast.Server;

namespace RedisFast.Persistence.Rdb;

/// <summary>The command that adds a collection's elements.</summary>
internal enum RdbCollection
{
    List,
    Set,
    Hash,
    SortedSet,
}

/// <summary>
/// Turns loaded keys into commands, the way AofLoader replays a base file: SELECT, SET, RPUSH, SADD, HSET, ZADD and
/// PEXPIREAT built as RESP into a buffer and run through one detached client, so the keyspace picks its own
/// encodings. Collections go out in commands of at most <see cref="ElementsPerCommand"/> elements (pairs for hashes
/// and sorted sets) or about <see cref="ChunkBytes"/>, and the buffer runs whenever it passes
/// <see cref="FlushBytes"/>: memory stays at a few buffers of that size, or one element when an element is larger.
/// The caller must be the only thread using the server.
/// </summary>
internal sealed class RdbCommandSink
{
    private const int FlushBytes = 64 * 1024;
    private const int ChunkBytes = 64 * 1024;
    private const int ElementsPerCommand = 128;

    /// <summary>A buffer grown past this for a big value goes back to its usual size after it runs.</summary>
    private const int KeepBytes = 1024 * 1024;

    private readonly RedisServer _server;
    private readonly Connection _client;
    private readonly HashSet<int> _pendingKeys = [];
    private byte[] _out = new byte[FlushBytes + 4096];
    private int _outLength;
    private byte[] _chunk = new byte[ChunkBytes + 4096];
    private int _chunkLength;
    private int _chunkElements;
    private int _chunkArguments;
    private byte[] _key = new byte[256];
    private int _keyLength;
    private RdbCollection _collection;
    private long _collectionElements;
    private bool _discard;
    private int _selected;
    private long _errorsBefore;

    public RdbCommandSink(RedisServer server)
    {
        _server = server;
        _client = new Connection(server, null);
        _errorsBefore = server.Errors.Total;
    }

    /// <summary>Database <paramref name="db"/> for the keys that follow (a new client starts at 0).</summary>
    public void Select(int db)
    {
        if (db == _selected) return;
        ArrayHeader(2);
        Bulk("SELECT"u8);
        Bulk(db);
        _selected = db;
    }

    /// <summary>
    /// Runs the buffered commands if one of them may create <paramref name="key"/>, so that a lookup of it in the
    /// keyspace sees every key loaded so far. A hash of each buffered key is kept; a collision only costs a run.
    /// </summary>
    public void EnsureApplied(ReadOnlySpan<byte> key)
    {
        if (_pendingKeys.Contains(Hash(key))) Flush();
    }

    /// <summary>
    /// The key whose value the next calls emit; with <paramref name="discard"/> they emit nothing (a key already
    /// expired is still decoded, to reach the next one).
    /// </summary>
    public void BeginKey(ReadOnlySpan<byte> key, bool discard)
    {
        _discard = discard;
        if (discard) return;
        if (_key.Length < key.Length) _key = new byte[Math.Max(key.Length, _key.Length * 2)];
        key.CopyTo(_key);
        _keyLength = key.Length;
        _pendingKeys.Add(Hash(key));
    }

    private ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    public void SetString(ReadOnlySpan<byte> value)
    {
        if (_discard) return;
        ArrayHeader(3);
        Bulk("SET"u8);
        Bulk(Key);
        Bulk(value);
    }

    public void BeginCollection(RdbCollection collection)
    {
        _collection = collection;
        _collectionElements = 0;
        _chunkLength = _chunkElements = _chunkArguments = 0;
    }

    /// <summary>A list or set element.</summary>
    public void Add(ReadOnlySpan<byte> element)
    {
        _collectionElements++;
        if (_discard) return;
        ChunkBulk(element);
        EndElement(1);
    }

    /// <summary>A hash field and its value.</summary>
    public void Add(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        _collectionElements++;
        if (_discard) return;
        ChunkBulk(field);
        ChunkBulk(value);
        EndElement(2);
    }

    /// <summary>A sorted set member: the score as %.17g, which reads back as the same double ("inf", "-inf" too).</summary>
    public void AddScored(double score, ReadOnlySpan<byte> member)
    {
        _collectionElements++;
        if (_discard) return;
        Span<byte> text = stackalloc byte[40];
        ChunkBulk(text[..DoubleFormatter.FormatG17(score, text)]);
        ChunkBulk(member);
        EndElement(2);
    }

    /// <summary>
    /// Ends the collection; returns how many elements it had, counted when discarding too (0: nothing was emitted,
    /// no key exists).
    /// </summary>
    public long EndCollection()
    {
        if (_chunkElements > 0) WriteChunk();
        return _collectionElements;
    }

    /// <summary>The key's expiry, an absolute Unix time in milliseconds.</summary>
    public void ExpireAt(long unixMilliseconds)
    {
        if (_discard) return;
        ArrayHeader(3);
        Bulk("PEXPIREAT"u8);
        Bulk(Key);
        Bulk(unixMilliseconds);
    }

    /// <summary>After each key: runs the buffer once it is big enough.</summary>
    public void EndKey()
    {
        if (_outLength >= FlushBytes) Flush();
    }

    /// <summary>Runs what is buffered; an error reply or a closed client means the keyspace refused a command.</summary>
    /// <exception cref="RdbLoadException">A command failed.</exception>
    public void Flush()
    {
        if (_outLength > 0) _client.ExecuteDetached(_out.AsSpan(0, _outLength));
        _outLength = 0;
        _pendingKeys.Clear();
        if (_out.Length > KeepBytes) _out = new byte[FlushBytes + 4096];
        if (_chunk.Length > KeepBytes) _chunk = new byte[ChunkBytes + 4096];
        long errors = _server.Errors.Total;
        if (errors != _errorsBefore || _client.IsClosing)
        {
            throw new RdbLoadException(
                $"A command replaying the RDB file was refused ({errors - _errorsBefore} error replies{(_client.IsClosing ? ", the loading client was closed" : "")}): see INFO errorstats");
        }
    }

    /// <summary>Runs what is left and closes the client.</summary>
    public void Finish()
    {
        try
        {
            Flush();
        }
        finally
        {
            _client.Close();
        }
    }

    /// <summary>Closes the client without running what is buffered (loading failed).</summary>
    public void Abandon() => _client.Close();

    private void EndElement(int arguments)
    {
        _chunkElements++;
        _chunkArguments += arguments;
        if (_chunkElements >= ElementsPerCommand || _chunkLength >= ChunkBytes) WriteChunk();
    }

    private void WriteChunk()
    {
        ArrayHeader(2 + _chunkArguments);
        Bulk(_collection switch
        {
            RdbCollection.List => "RPUSH"u8,
            RdbCollection.Set => "SADD"u8,
            RdbCollection.Hash => "HSET"u8,
            _ => "ZADD"u8,
        });
        Bulk(Key);
        Raw(_chunk.AsSpan(0, _chunkLength));
        _chunkLength = _chunkElements = _chunkArguments = 0;
        EndKey();
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    private void ChunkBulk(ReadOnlySpan<byte> value)
    {
        int need = _chunkLength + value.Length + 16;
        if (need > _chunk.Length) Array.Resize(ref _chunk, Math.Max(need, _chunk.Length * 2));
        _chunkLength += WriteBulk(_chunk.AsSpan(_chunkLength), value);
    }

    private void ArrayHeader(int count)
    {
        Reserve(16);
        _out[_outLength] = (byte)'*';
        Utf8Formatter.TryFormat(count, _out.AsSpan(_outLength + 1), out int n);
        _out[_outLength + 1 + n] = (byte)'\r';
        _out[_outLength + 2 + n] = (byte)'\n';
        _outLength += 3 + n;
    }

    private void Bulk(ReadOnlySpan<byte> value)
    {
        Reserve(value.Length + 16);
        _outLength += WriteBulk(_out.AsSpan(_outLength), value);
    }

    private void Bulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Bulk(digits[..n]);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_out.AsSpan(_outLength));
        _outLength += bytes.Length;
    }

    private void Reserve(int bytes)
    {
        int need = _outLength + bytes;
        if (need > _out.Length) Array.Resize(ref _out, Math.Max(need, _out.Length * 2));
    }

    /// <summary>"$len\r\nvalue\r\n" into <paramref name="destination"/> (room for value + 16 bytes); returns its length.</summary>
    private static int WriteBulk(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        destination[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, destination[1..], out int n);
        destination[1 + n] = (byte)'\r';
        destination[2 + n] = (byte)'\n';
        value.CopyTo(destination[(3 + n)..]);
        destination[3 + n + value.Length] = (byte)'\r';
        destination[4 + n + value.Length] = (byte)'\n';
        return 5 + n + value.Length;
    }
}
