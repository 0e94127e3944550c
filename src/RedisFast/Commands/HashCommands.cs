using RedisFast.Server;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Hash commands (Redis 7.0's t_hash.c): HSET HSETNX HGET HMGET HMSET HGETALL HDEL HEXISTS HLEN HSTRLEN HKEYS
/// HVALS here; HINCRBY, HINCRBYFLOAT, HRANDFIELD and HSCAN in the partial files. Values are <see cref="RedisHash"/>.
/// </summary>
internal static partial class HashCommands
{
    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("hset", -4, Write | DenyOom | Fast, 1, 1, 1, HSet, "hash");
        t.Add("hsetnx", 4, Write | DenyOom | Fast, 1, 1, 1, HSetNx, "hash");
        t.Add("hget", 3, ReadOnly | Fast, 1, 1, 1, HGet, "hash");
        t.Add("hmget", -3, ReadOnly | Fast, 1, 1, 1, HMGet, "hash");
        t.Add("hmset", -4, Write | DenyOom | Fast, 1, 1, 1, HMSet, "hash");
        t.Add("hgetall", 2, ReadOnly, 1, 1, 1, HGetAll, "hash");
        t.Add("hdel", -3, Write | Fast, 1, 1, 1, HDel, "hash");
        t.Add("hexists", 3, ReadOnly | Fast, 1, 1, 1, HExists, "hash");
        t.Add("hlen", 2, ReadOnly | Fast, 1, 1, 1, HLen, "hash");
        t.Add("hstrlen", 3, ReadOnly | Fast, 1, 1, 1, HStrLen, "hash");
        t.Add("hkeys", 2, ReadOnly, 1, 1, 1, HKeys, "hash");
        t.Add("hvals", 2, ReadOnly, 1, 1, 1, HVals, "hash");
        t.Add("hincrby", 4, Write | DenyOom | Fast, 1, 1, 1, HIncrBy, "hash");
        t.Add("hincrbyfloat", 4, Write | DenyOom | Fast, 1, 1, 1, HIncrByFloat, "hash");
        t.Add("hrandfield", -2, ReadOnly, 1, 1, 1, HRandField, "hash");
        t.Add("hscan", -3, ReadOnly, 1, 1, 1, HScan, "hash");
        KeyCommands.RegisterValueKind(ValueKind.Hash, static v => ((RedisHash)v).DeepCopy(), static v => ((RedisHash)v).EncodingName);
    }

    /// <summary>
    /// The hash at argument 1 for a read (hits and misses counted): true with null when the key is absent, false
    /// (WRONGTYPE replied) when it holds another type.
    /// </summary>
    private static bool TryGetForRead(Client c, out RedisHash? hash)
    {
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        hash = null;
        if (index < 0) return true;
        ref KeyEntry e = ref db.Table[index];
        if (e.Kind != ValueKind.Hash)
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        hash = (RedisHash)e.Value!;
        return true;
    }

    /// <summary>
    /// hashTypeLookupWriteOrCreate: the hash at argument 1, created empty (and stored) when absent; null with
    /// WRONGTYPE replied when the key holds another type. <paramref name="sizeHint"/> sizes a new listpack.
    /// </summary>
    private static RedisHash? GetOrCreateForWrite(Client c, int sizeHint)
    {
        Database db = c.Db;
        int index = db.LookupOrAdd(c.Args[1], out bool added);
        if (added)
        {
            var hash = new RedisHash(sizeHint);
            db.SetObject(index, ValueKind.Hash, hash);
            return hash;
        }
        ref KeyEntry e = ref db.Table[index];
        if (e.Kind != ValueKind.Hash)
        {
            c.Reply.WriteError(Errors.WrongType);
            return null;
        }
        return (RedisHash)e.Value!;
    }

    /// <summary>The listpack bytes arguments <paramref name="from"/>.. would take, to size a new hash exactly.</summary>
    private static int ListpackBytes(Client c, int from)
    {
        long total = 0;
        for (int j = from; j < c.Argc; j++) total += RedisHash.EntrySize(c.Args.LengthOf(j));
        return (int)Math.Min(total, 4096);
    }

    /// <summary>HSET key field value [field value ...]: the number of new fields.</summary>
    public static void HSet(Client c)
    {
        if ((c.Argc & 1) != 0)
        {
            c.Reply.WriteError("ERR wrong number of arguments for 'hset' command"u8);
            return;
        }
        long added = SetPairs(c);
        if (added >= 0) c.Reply.WriteInteger(added);
    }

    /// <summary>HMSET key field value [field value ...]: deprecated HSET that replies OK.</summary>
    public static void HMSet(Client c)
    {
        if ((c.Argc & 1) != 0)
        {
            c.Reply.WriteError("ERR wrong number of arguments for 'hmset' command"u8);
            return;
        }
        if (SetPairs(c) >= 0) c.Reply.WriteOk();
    }

    /// <summary>hsetCommand's body: the number of fields added, or -1 after a WRONGTYPE reply.</summary>
    private static long SetPairs(Client c)
    {
        RedisHash? hash = GetOrCreateForWrite(c, ListpackBytes(c, 2));
        if (hash is null) return -1;
        var config = c.Server.Config;
        long added = 0;
        for (int j = 2; j < c.Argc; j += 2)
        {
            if (hash.Set(c.Args[j], c.Args[j + 1], config.HashMaxListpackEntries, config.HashMaxListpackValue)) added++;
        }
        c.Db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.Hash, "hset"u8, c.Args[1]);
        return added;
    }

    /// <summary>HSETNX key field value: 1 when the field was set, 0 (and no change, not even of encoding) when it exists.</summary>
    public static void HSetNx(Client c)
    {
        RedisHash? hash = GetOrCreateForWrite(c, ListpackBytes(c, 2));
        if (hash is null) return;
        var config = c.Server.Config;
        if (hash.Find(c.Args[2]) >= 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        hash.Set(c.Args[2], c.Args[3], config.HashMaxListpackEntries, config.HashMaxListpackValue);
        c.Db.KeyModified(c.Args[1]);
        c.Notify(KeyspaceEvents.Hash, "hset"u8, c.Args[1]);
        c.Reply.WriteInteger(1);
    }

    /// <summary>HGET key field</summary>
    public static void HGet(Client c)
    {
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        int position = hash is null ? -1 : hash.Find(c.Args[2]);
        if (position < 0) c.Reply.WriteNull();
        else c.Reply.WriteBulk(hash!.ValueAt(position));
    }

    /// <summary>HMGET key field [field ...]: a null for each missing field (all null for a missing key).</summary>
    public static void HMGet(Client c)
    {
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int j = 2; j < c.Argc; j++)
        {
            int position = hash is null ? -1 : hash.Find(c.Args[j]);
            if (position < 0) c.Reply.WriteNull();
            else c.Reply.WriteBulk(hash!.ValueAt(position));
        }
    }

    /// <summary>HGETALL key: a map in RESP3, a flat field/value array in RESP2.</summary>
    public static void HGetAll(Client c) => GetAllGeneric(c, fields: true, values: true);

    /// <summary>HKEYS key</summary>
    public static void HKeys(Client c) => GetAllGeneric(c, fields: true, values: false);

    /// <summary>HVALS key</summary>
    public static void HVals(Client c) => GetAllGeneric(c, fields: false, values: true);

    /// <summary>t_hash.c genericHgetallCommand.</summary>
    private static void GetAllGeneric(Client c, bool fields, bool values)
    {
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        int count = hash?.Count ?? 0;
        if (fields && values) c.Reply.WriteMapHeader(count);
        else c.Reply.WriteArrayHeader(count);
        if (hash is null) return;
        for (int p = hash.First(); p >= 0; p = hash.Next(p))
        {
            if (fields) c.Reply.WriteBulk(hash.FieldAt(p));
            if (values) c.Reply.WriteBulk(hash.ValueAt(p));
        }
    }

    /// <summary>HDEL key field [field ...]: the number removed; the key goes when its last field does.</summary>
    public static void HDel(Client c)
    {
        Database db = c.Db;
        int index = db.Lookup(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        ref KeyEntry e = ref db.Table[index];
        if (e.Kind != ValueKind.Hash)
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        var hash = (RedisHash)e.Value!;
        long deleted = 0;
        for (int j = 2; j < c.Argc; j++)
        {
            if (!hash.Remove(c.Args[j])) continue;
            deleted++;
            if (hash.Count == 0)
            {
                db.Delete(index);
                break;
            }
        }
        if (deleted > 0)
        {
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Hash, "hdel"u8, c.Args[1]);
            if (hash.Count == 0) c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
        }
        c.Reply.WriteInteger(deleted);
    }

    /// <summary>HEXISTS key field</summary>
    public static void HExists(Client c)
    {
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        c.Reply.WriteInteger(hash is not null && hash.Find(c.Args[2]) >= 0 ? 1 : 0);
    }

    /// <summary>HLEN key</summary>
    public static void HLen(Client c)
    {
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        c.Reply.WriteInteger(hash?.Count ?? 0);
    }

    /// <summary>HSTRLEN key field: 0 for a missing key or field.</summary>
    public static void HStrLen(Client c)
    {
        if (!TryGetForRead(c, out RedisHash? hash)) return;
        int position = hash is null ? -1 : hash.Find(c.Args[2]);
        c.Reply.WriteInteger(position < 0 ? 0 : hash!.ValueAt(position).Length);
    }
}
