using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Persistence.Rdb;

/// <summary>The kind of collection a value is.</summary>
internal enum RdbCollection
{
    List,
    Set,
    Hash,
    SortedSet,
}

/// <summary>
/// Puts loaded keys into the keyspace through the calls the write commands make (SET, RPUSH, SADD, HSET, ZADD and
/// PEXPIREAT store values exactly this way), so a loaded value has the encoding those commands would give it under
/// the current config. A collection's key is created with its first element: an empty one never appears. The caller
/// must be the only thread using the server.
/// </summary>
internal sealed class RdbKeyspaceSink(RedisServer server)
{
    private readonly ServerConfig _config = server.Config;
    private readonly Database[] _databases = server.Keyspace.Databases;
    private Database _db = server.Keyspace.Databases[0];
    private byte[] _key = new byte[256];
    private int _keyLength;
    private bool _discard;
    private int _slot;        // the key's slot once its value exists, else -1
    private RdbCollection _collection;
    private object? _value;   // the collection being filled
    private long _elements;

    /// <summary>The key whose value the calls since <see cref="BeginKey"/> store.</summary>
    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    /// <summary>Database <paramref name="db"/> for the keys that follow.</summary>
    public void Select(int db) => _db = _databases[db];

    /// <summary>A database outside the keyspace for the keys that follow (RESTORE decodes into one).</summary>
    public void Target(Database db) => _db = db;

    /// <summary>The slot of the current key's value once it exists, else -1.</summary>
    public int Slot => _slot;

    /// <summary>RESIZEDB: the selected database is about to receive <paramref name="keys"/> keys.</summary>
    public void ReserveKeys(int keys) => _db.Reserve(keys);

    /// <summary>Whether the selected database already has <paramref name="key"/> (RDB duplicates are an error).</summary>
    public bool Exists(ReadOnlySpan<byte> key) => _db.LookupNoTouch(key) >= 0;

    /// <summary>
    /// The key whose value the next calls store; with <paramref name="discard"/> they store nothing (a key already
    /// expired is still decoded, to reach the next one).
    /// </summary>
    public void BeginKey(ReadOnlySpan<byte> key, bool discard)
    {
        _discard = discard;
        _slot = -1;
        // Between keys the ones stored so far are whole: their sizes may be counted, so the pending list stays short.
        if (_db.Keyspace.Memory.ShouldSettle) _db.Keyspace.Memory.Settle();
        if (discard) return;
        if (_key.Length < key.Length) _key = new byte[Math.Max(key.Length, _key.Length * 2)];
        key.CopyTo(_key);
        _keyLength = key.Length;
    }

    /// <summary>The file's IDLE or FREQ for the key just stored (objectSetLRUOrLFU); -1 for none.</summary>
    public void SetAccess(long idleSeconds, long freq)
    {
        if (_discard || _slot < 0) return;
        _db.Keyspace.SetAccess(ref _db.Table.Peek(_slot), idleSeconds, freq);
    }

    /// <summary>A string value: integer, embstr or raw, as SET decides.</summary>
    public void SetString(ReadOnlySpan<byte> value)
    {
        if (_discard) return;
        _slot = _db.LookupOrAdd(Key, out _);
        _db.SetString(_slot, value, keepTtl: false);
    }

    public void BeginCollection(RdbCollection collection)
    {
        _collection = collection;
        _value = null;
        _elements = 0;
    }

    /// <summary>A list or set element. Returns false for a set member seen before in this set.</summary>
    public bool Add(ReadOnlySpan<byte> element)
    {
        _elements++;
        if (_discard) return true;
        if (_collection == RdbCollection.List)
        {
            ((RedisList)(_value ??= Create(new RedisList(), ValueKind.List))).PushTail(element.ToArray());
            return true;
        }
        var set = (RedisSet)(_value ??= Create(RedisSet.CreateFor(element), ValueKind.Set));
        return set.Add(element, _config.SetMaxIntsetEntries);
    }

    /// <summary>A hash field and its value. Returns false for a field seen before in this hash (the last value stays).</summary>
    public bool Add(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        _elements++;
        if (_discard) return true;
        var hash = (RedisHash)(_value ??= Create(new RedisHash(), ValueKind.Hash));
        return hash.Set(field, value, _config.HashMaxListpackEntries, _config.HashMaxListpackValue);
    }

    /// <summary>A sorted set member. Returns false for a member seen before in this sorted set (the last score stays).</summary>
    public bool AddScored(double score, ReadOnlySpan<byte> member)
    {
        _elements++;
        if (_discard) return true;
        int maxEntries = _config.ZsetMaxListpackEntries, maxValue = _config.ZsetMaxListpackValue;
        // ZADD picks the encoding from the first member's length (Redis 7.0 zaddGenericCommand).
        var set = (RedisSortedSet)(_value ??= Create(RedisSortedSet.Create(1, member.Length, maxEntries, maxValue), ValueKind.SortedSet));
        set.Add(member, score, 0, out int outFlags, out _, maxEntries, maxValue);
        return (outFlags & RedisSortedSet.OutAdded) != 0;
    }

    /// <summary>
    /// Ends the collection; returns how many elements it had, counted when discarding too (0: the key was not
    /// created).
    /// </summary>
    public long EndCollection()
    {
        _value = null;
        return _elements;
    }

    /// <summary>The key's expiry, an absolute Unix time in milliseconds.</summary>
    public void ExpireAt(long unixMilliseconds)
    {
        if (_discard || _slot < 0) return;
        _db.Table.SetExpire(_slot, unixMilliseconds);
    }

    private object Create(object value, ValueKind kind)
    {
        _slot = _db.LookupOrAdd(Key, out _);
        _db.SetObject(_slot, kind, value);
        return value;
    }
}
