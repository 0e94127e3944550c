using RedisFast.Commands;
using RedisFast.Storage;

namespace RedisFast.Server;

/// <summary>
/// WATCH bookkeeping (Redis 7.0's multi.c): for each database, which clients watch which keys. A change to a
/// watched key (<see cref="Database.KeyModified"/>, an expiry deletion, FLUSHDB/FLUSHALL/SWAPDB through
/// <see cref="TouchAllWatchedKeysInDb"/>) marks its watchers' transactions as failed (CLIENT_DIRTY_CAS). The
/// keyspace listener is installed only while some key is watched, so writes cost one null check otherwise.
/// Owned by the event loop.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Keyspace _keyspace;
    private readonly Dictionary<byte[], List<WatchedKey>>?[] _byDb;
    private readonly Action<Database, ReadOnlySpan<byte>> _onModified;
    private int _watchedCount;

    public WatchRegistry(Keyspace keyspace)
    {
        _keyspace = keyspace;
        _byDb = new Dictionary<byte[], List<WatchedKey>>?[keyspace.Databases.Length];
        _onModified = TouchWatchedKey;
    }

    /// <summary>Keys watched by all clients together (a key watched by two clients counts twice).</summary>
    public int Count => _watchedCount;

    /// <summary>
    /// watchForKey: <paramref name="client"/> watches <paramref name="key"/> in its selected database (again is a
    /// no-op). A key that exists but is already past its expiry is remembered as such: its later deletion is no
    /// change, as in Redis 7.0.
    /// </summary>
    public void Watch(Client client, ReadOnlySpan<byte> key)
    {
        Database db = client.Db;
        List<WatchedKey> mine = client.WatchedKeys ??= [];
        foreach (WatchedKey existing in mine)
        {
            if (existing.Db == db && key.SequenceEqual(existing.Key)) return;
        }
        Dictionary<byte[], List<WatchedKey>> watched = _byDb[db.Id] ??= new Dictionary<byte[], List<WatchedKey>>(ByteArrayComparer.Instance);
        var lookup = watched.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(key, out byte[]? storedKey, out List<WatchedKey>? watchers))
        {
            storedKey = key.ToArray();
            watchers = [];
            watched.Add(storedKey, watchers);
        }
        int index = db.Table.Find(key);
        var wk = new WatchedKey(storedKey, db, client) { Expired = index >= 0 && db.IsExpired(index) };
        mine.Add(wk);
        watchers.Add(wk);
        if (_watchedCount++ == 0) _keyspace.ModifiedKeyListener = _onModified;
    }

    /// <summary>unwatchAllKeys: forgets every key <paramref name="client"/> watches (the dirty flag stays).</summary>
    public void UnwatchAll(Client client)
    {
        List<WatchedKey>? mine = client.WatchedKeys;
        if (mine is null || mine.Count == 0) return;
        foreach (WatchedKey wk in mine)
        {
            Dictionary<byte[], List<WatchedKey>> watched = _byDb[wk.Db.Id]!;
            List<WatchedKey> watchers = watched[wk.Key];
            watchers.Remove(wk);
            if (watchers.Count == 0) watched.Remove(wk.Key);
            _watchedCount--;
        }
        mine.Clear();
        if (_watchedCount == 0) _keyspace.ModifiedKeyListener = null;
    }

    /// <summary>
    /// isWatchedKeyExpired: whether a key that was alive when watched has passed its expiry without being deleted
    /// yet. EXEC fails then, exactly as if the key had been deleted.
    /// </summary>
    public static bool AnyWatchedKeyExpired(Client client)
    {
        List<WatchedKey>? mine = client.WatchedKeys;
        if (mine is null) return false;
        foreach (WatchedKey wk in mine)
        {
            if (wk.Expired) continue;
            int index = wk.Db.Table.Find(wk.Key);
            if (index >= 0 && wk.Db.IsExpired(index)) return true;
        }
        return false;
    }

    /// <summary>touchWatchedKey: the listener behind <see cref="Keyspace.ModifiedKeyListener"/>.</summary>
    private void TouchWatchedKey(Database db, ReadOnlySpan<byte> key)
    {
        Dictionary<byte[], List<WatchedKey>>? watched = _byDb[db.Id];
        if (watched is null || watched.Count == 0) return;
        if (!watched.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out List<WatchedKey>? watchers)) return;
        // Iterated backwards: marking a client dirty unwatches all its keys, which removes it from this list.
        for (int i = watchers.Count - 1; i >= 0; i--)
        {
            if (i >= watchers.Count) continue;
            WatchedKey wk = watchers[i];
            if (wk.Expired && !Exists(db, key))
            {
                // The key was already expired when watched and is now deleted: logically nothing changed.
                wk.Expired = false;
                continue;
            }
            MarkDirty(wk.Client);
        }
    }

    /// <summary>
    /// touchAllWatchedKeysInDb, for FLUSHDB, FLUSHALL and SWAPDB: call it before <paramref name="emptied"/> loses its
    /// keys (FLUSHDB/FLUSHALL: <paramref name="replacedWith"/> null) or before its contents are exchanged with
    /// <paramref name="replacedWith"/> (SWAPDB: once per direction, both before the swap). Every watched key that
    /// exists in either database fails its watchers' EXEC, except an already-expired key that stays gone or expired.
    /// </summary>
    public void TouchAllWatchedKeysInDb(Database emptied, Database? replacedWith)
    {
        Dictionary<byte[], List<WatchedKey>>? watched = _byDb[emptied.Id];
        if (watched is null || watched.Count == 0) return;
        List<Client>? dirty = null;
        foreach (KeyValuePair<byte[], List<WatchedKey>> pair in watched)
        {
            byte[] key = pair.Key;
            bool existsInEmptied = emptied.Table.Find(key) >= 0;
            int replacement = replacedWith is null ? -1 : replacedWith.Table.Find(key);
            if (!existsInEmptied && replacement < 0) continue;
            foreach (WatchedKey wk in pair.Value)
            {
                if (wk.Expired)
                {
                    if (replacement < 0)
                    {
                        wk.Expired = false;
                        continue;
                    }
                    if (replacedWith!.IsExpired(replacement)) continue;
                }
                else if (!existsInEmptied && replacedWith!.IsExpired(replacement))
                {
                    // A missing key replaced by an already-expired one: still logically missing.
                    wk.Expired = true;
                    continue;
                }
                (dirty ??= []).Add(wk.Client);
            }
        }
        // Marked after the walk: marking unwatches, which would change the dictionary being enumerated.
        if (dirty is null) return;
        foreach (Client client in dirty) MarkDirty(client);
    }

    /// <summary>Marks <paramref name="client"/>'s transaction as failed and stops watching for it (nothing can undo it).</summary>
    private void MarkDirty(Client client)
    {
        client.DirtyCas = true;
        UnwatchAll(client);
    }

    private static bool Exists(Database db, ReadOnlySpan<byte> key)
    {
        int index = db.Table.Find(key);
        return index >= 0 && db.Table[index].Kind != ValueKind.None;
    }
}

/// <summary>One key watched by one client (multi.c watchedKey).</summary>
internal sealed class WatchedKey(byte[] key, Database db, Client client)
{
    public byte[] Key { get; } = key;
    public Database Db { get; } = db;
    public Client Client { get; } = client;

    /// <summary>The key existed but had expired when WATCH ran.</summary>
    public bool Expired { get; set; }
}
