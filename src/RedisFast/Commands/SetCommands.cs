using RedisFast.Server;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// Set commands (Redis 7.0's t_set.c): SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SMOVE here; SPOP,
/// SRANDMEMBER and SSCAN in SetCommands.Random.cs; SINTER, SUNION, SDIFF and their variants in
/// SetCommands.Algebra.cs. Values are <see cref="RedisSet"/>.
/// </summary>
internal static partial class SetCommands
{
    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("sadd", -3, Write | DenyOom | Fast, 1, 1, 1, SAdd, "set");
        t.Add("srem", -3, Write | Fast, 1, 1, 1, SRem, "set");
        t.Add("smembers", 2, ReadOnly, 1, 1, 1, SMembers, "set");
        t.Add("sismember", 3, ReadOnly | Fast, 1, 1, 1, SIsMember, "set");
        t.Add("smismember", -3, ReadOnly | Fast, 1, 1, 1, SMIsMember, "set");
        t.Add("scard", 2, ReadOnly | Fast, 1, 1, 1, SCard, "set");
        t.Add("spop", -2, Write | Fast, 1, 1, 1, SPop, "set");
        t.Add("srandmember", -2, ReadOnly, 1, 1, 1, SRandMember, "set");
        t.Add("smove", 4, Write | Fast, 1, 2, 1, SMove, "set");
        t.Add("sinter", -2, ReadOnly, 1, -1, 1, SInter, "set");
        t.Add("sintercard", -3, ReadOnly | MovableKeys, 0, 0, 0, SInterCard, "set");
        t.Add("sunion", -2, ReadOnly, 1, -1, 1, SUnion, "set");
        t.Add("sdiff", -2, ReadOnly, 1, -1, 1, SDiff, "set");
        t.Add("sinterstore", -3, Write | DenyOom, 1, -1, 1, SInterStore, "set");
        t.Add("sunionstore", -3, Write | DenyOom, 1, -1, 1, SUnionStore, "set");
        t.Add("sdiffstore", -3, Write | DenyOom, 1, -1, 1, SDiffStore, "set");
        t.Add("sscan", -3, ReadOnly, 1, 1, 1, SScan, "set");
        KeyCommands.RegisterValueKind(ValueKind.Set, static v => ((RedisSet)v).DeepCopy(), static v => ((RedisSet)v).EncodingName);
    }

    /// <summary>
    /// The set at <paramref name="key"/> (hits and misses counted when <paramref name="read"/>): true with null
    /// when absent, false (WRONGTYPE replied) when the key holds another type.
    /// </summary>
    private static bool TryGetSet(Client c, ReadOnlySpan<byte> key, bool read, out RedisSet? set)
    {
        Database db = c.Db;
        int index = read ? db.LookupRead(key) : db.Lookup(key);
        set = null;
        if (index < 0) return true;
        ref KeyEntry e = ref db.Table[index];
        if (e.Kind != ValueKind.Set)
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        set = (RedisSet)e.Value!;
        return true;
    }

    /// <summary>Writes one member as a bulk string.</summary>
    private static void WriteMember(Client c, RedisSet set, int position)
    {
        Span<byte> scratch = stackalloc byte[20];
        c.Reply.WriteBulk(set.MemberAt(position, scratch));
    }

    /// <summary>Writes a whole set (RESP3 set type), in its order: numeric for an intset.</summary>
    private static void WriteWholeSet(Client c, RedisSet? set)
    {
        c.Reply.WriteSetHeader(set?.Count ?? 0);
        if (set is null) return;
        for (int p = set.First(); p >= 0; p = set.Next(p)) WriteMember(c, set, p);
    }

    /// <summary>SADD key member [member ...]: a new key is an intset when its first member is an integer.</summary>
    public static void SAdd(Client c)
    {
        Database db = c.Db;
        int index = db.LookupOrAdd(c.Args[1], out bool created);
        RedisSet set;
        if (created)
        {
            set = RedisSet.CreateFor(c.Args[2]);
            db.SetObject(index, ValueKind.Set, set);
        }
        else if (db.Table[index].Kind != ValueKind.Set)
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        else
        {
            set = (RedisSet)db.Table[index].Value!;
        }
        int max = c.Server.Config.SetMaxIntsetEntries;
        long added = 0;
        for (int j = 2; j < c.Argc; j++)
        {
            if (set.Add(c.Args[j], max)) added++;
        }
        if (added > 0)
        {
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Set, "sadd"u8, c.Args[1]);
        }
        c.Reply.WriteInteger(added);
    }

    /// <summary>SREM key member [member ...]: the number removed; the key goes with its last member.</summary>
    public static void SRem(Client c)
    {
        Database db = c.Db;
        int index = db.Lookup(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (db.Table[index].Kind != ValueKind.Set)
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        var set = (RedisSet)db.Table[index].Value!;
        long removed = 0;
        for (int j = 2; j < c.Argc; j++)
        {
            if (!set.Remove(c.Args[j])) continue;
            removed++;
            if (set.Count == 0)
            {
                db.Delete(index);
                break;
            }
        }
        if (removed > 0)
        {
            db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Set, "srem"u8, c.Args[1]);
            if (set.Count == 0) c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
        }
        c.Reply.WriteInteger(removed);
    }

    /// <summary>SMEMBERS key: a RESP3 set; an empty one for a missing key.</summary>
    public static void SMembers(Client c)
    {
        if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? set)) return;
        WriteWholeSet(c, set);
    }

    /// <summary>SISMEMBER key member: an integer (not a RESP3 boolean, in 7.0).</summary>
    public static void SIsMember(Client c)
    {
        if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? set)) return;
        c.Reply.WriteInteger(set is not null && set.Contains(c.Args[2]) ? 1 : 0);
    }

    /// <summary>SMISMEMBER key member [member ...]: one integer per member.</summary>
    public static void SMIsMember(Client c)
    {
        if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? set)) return;
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int j = 2; j < c.Argc; j++) c.Reply.WriteInteger(set is not null && set.Contains(c.Args[j]) ? 1 : 0);
    }

    /// <summary>SCARD key</summary>
    public static void SCard(Client c)
    {
        if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? set)) return;
        c.Reply.WriteInteger(set?.Count ?? 0);
    }

    /// <summary>
    /// SMOVE source destination member (t_set.c smoveCommand): 0 for a missing source, WRONGTYPE when either key
    /// holds another type, a membership test when both are the same key; the source goes when emptied and the
    /// destination is created (intset or not by the member) when absent.
    /// </summary>
    public static void SMove(Client c)
    {
        Database db = c.Db;
        if (!TryGetSet(c, c.Args[1], read: false, out RedisSet? source)) return;
        int dstIndex = db.Lookup(c.Args[2]);
        if (source is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        RedisSet? destination = null;
        if (dstIndex >= 0)
        {
            if (db.Table[dstIndex].Kind != ValueKind.Set)
            {
                c.Reply.WriteError(Errors.WrongType);
                return;
            }
            destination = (RedisSet)db.Table[dstIndex].Value!;
        }
        ReadOnlySpan<byte> member = c.Args[3];
        if (source == destination)
        {
            c.Reply.WriteInteger(source.Contains(member) ? 1 : 0);
            return;
        }
        if (!source.Remove(member))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        c.Notify(KeyspaceEvents.Set, "srem"u8, c.Args[1]);
        if (source.Count == 0)
        {
            db.Delete(db.Table.Find(c.Args[1]));
            c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
        }
        if (destination is null)
        {
            destination = RedisSet.CreateFor(member);
            db.SetObject(db.LookupOrAdd(c.Args[2], out _), ValueKind.Set, destination);
        }
        db.KeyModified(c.Args[1]);
        if (destination.Add(member, c.Server.Config.SetMaxIntsetEntries))
        {
            db.KeyModified(c.Args[2]);
            c.Notify(KeyspaceEvents.Set, "sadd"u8, c.Args[2]);
        }
        c.Reply.WriteInteger(1);
    }
}
