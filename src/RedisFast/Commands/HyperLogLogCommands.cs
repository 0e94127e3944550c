using RedisFast.Server;
using System.Text;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// PFADD PFCOUNT PFMERGE PFDEBUG (hyperloglog.c): HyperLogLogs are strings holding Redis's exact representation
/// (<see cref="HyperLogLog"/>), edited in place as "raw" strings, so GET, DUMP and RDB files carry the same bytes as
/// redis-server's and each server counts the other's.
/// </summary>
internal static class HyperLogLogCommands
{
    private const string NotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private const string Corrupt = "INVALIDOBJ Corrupted HLL object detected";

    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("pfadd", -2, Write | DenyOom | Fast, 1, 1, 1, PfAdd, "hyperloglog");
        t.Add("pfcount", -2, ReadOnly | MayReplicate, 1, -1, 1, PfCount, "hyperloglog");
        t.Add("pfmerge", -2, Write | DenyOom, 1, -1, 1, PfMerge, "hyperloglog");
        t.Add("pfdebug", 3, Write | DenyOom | Admin, 2, 2, 1, PfDebug, "hyperloglog");
    }

    /// <summary>isHLLObjectOrReply: a string holding a valid HLL header (an integer-encoded string never does).</summary>
    private static bool IsHll(Client c, Database db, int index)
    {
        ref KeyEntry e = ref db.Table.Peek(index);
        if (!Database.IsString(e.Kind))
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        if (e.Kind == ValueKind.StringInt || !HyperLogLog.IsValid(new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length)))
        {
            c.Reply.WriteError(NotHll);
            return false;
        }
        return true;
    }

    /// <summary>Creates <paramref name="key"/> holding an empty HLL; returns its slot.</summary>
    private static int CreateEmpty(Database db, ReadOnlySpan<byte> key)
    {
        int index = db.LookupOrAdd(key, out _);
        db.SetString(index, ReadOnlySpan<byte>.Empty, keepTtl: false);
        HyperLogLog.WriteEmpty(db.GrowRawString(index, HyperLogLog.EmptySize));
        return index;
    }

    /// <summary>
    /// hllAdd / hllSparseSet / hllDenseSet on the value at <paramref name="index"/>: raises one register, promoting a
    /// sparse HLL to dense when the value does not fit it or it would pass hll-sparse-max-bytes.
    /// </summary>
    private static HyperLogLog.SparseResult SetRegister(Client c, Database db, int index, int register, int count)
    {
        int length = db.StringLength(index);
        Span<byte> s = db.GrowRawString(index, length);
        if (HyperLogLog.IsDense(s))
            return HyperLogLog.DenseSet(s[HyperLogLog.HeaderSize..], register, count) ? HyperLogLog.SparseResult.Updated : HyperLogLog.SparseResult.Unchanged;
        s = db.GrowRawString(index, length + HyperLogLog.MaxSparseGrowth);
        HyperLogLog.SparseResult result = HyperLogLog.SparseSet(s, ref length, register, count, c.Server.Config.HllSparseMaxBytes);
        db.TruncateRawString(index, length);
        if (result != HyperLogLog.SparseResult.NeedsDense) return result;
        if (!ToDense(db, index)) return HyperLogLog.SparseResult.Corrupt;
        HyperLogLog.DenseSet(db.GrowRawString(index, HyperLogLog.DenseSize)[HyperLogLog.HeaderSize..], register, count);
        return HyperLogLog.SparseResult.Updated;
    }

    /// <summary>hllSparseToDense on the value at <paramref name="index"/>; false (value unchanged) when it is corrupt.</summary>
    private static bool ToDense(Database db, int index)
    {
        int length = db.StringLength(index);
        Span<byte> scratch = stackalloc byte[20];
        ReadOnlySpan<byte> current = db.GetStringBytes(index, scratch);
        if (HyperLogLog.IsDense(current)) return true;
        // A sparse HLL is at most hll-sparse-max-bytes long (3000 by default): copied aside, then expanded in place.
        byte[]? rented = length > 4096 ? new byte[length] : null;
        Span<byte> sparse = rented ?? stackalloc byte[4096];
        sparse = sparse[..length];
        current.CopyTo(sparse);
        Span<byte> dense = db.GrowRawString(index, HyperLogLog.DenseSize);
        if (HyperLogLog.SparseToDense(sparse, dense)) return true;
        sparse.CopyTo(dense);
        db.TruncateRawString(index, length);
        return false;
    }

    /// <summary>PFADD key [element ...]: 1 when a register changed or the key was created, else 0.</summary>
    public static void PfAdd(Client c)
    {
        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[1];
        int index = db.Lookup(key);
        bool updated = false;
        if (index < 0)
        {
            index = CreateEmpty(db, key);
            updated = true;
        }
        else if (!IsHll(c, db, index))
        {
            return;
        }
        for (int j = 2; j < c.Argc; j++)
        {
            int count = HyperLogLog.PatternLength(c.Args[j], out int register);
            HyperLogLog.SparseResult result = SetRegister(c, db, index, register, count);
            if (result == HyperLogLog.SparseResult.Corrupt)
            {
                c.Reply.WriteError(Corrupt);
                return;
            }
            if (result == HyperLogLog.SparseResult.Updated) updated = true;
        }
        if (updated)
        {
            HyperLogLog.InvalidateCache(db.GrowRawString(index, db.StringLength(index)));
            db.KeyModified(key);
            c.Notify(KeyspaceEvents.String, "pfadd"u8, key);
        }
        c.Reply.WriteInteger(updated ? 1 : 0);
    }

    /// <summary>
    /// PFCOUNT key [key ...]: one key answers from its cached cardinality, or computes and caches it (a change of
    /// the value, logged like Redis logs it); several keys count the union of their registers, caching nothing.
    /// </summary>
    public static void PfCount(Client c)
    {
        Database db = c.Db;
        if (c.Argc > 2)
        {
            Span<byte> max = stackalloc byte[HyperLogLog.Registers];
            max.Clear();
            if (!MergeSources(c, db, 1, max, out _)) return;
            c.Reply.WriteInteger((long)HyperLogLog.CountRaw(max));
            return;
        }
        int index = db.LookupRead(c.Args[1]);
        if (index < 0)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (!IsHll(c, db, index)) return;
        // A read-only command that makes the value raw (dbUnshareStringValue) and may write the cache into it: like a
        // write, it must have a running snapshot copy the entry first.
        c.Server.Keyspace.ReadOnlyCommand = false;
        Span<byte> hll = db.GrowRawString(index, db.StringLength(index));
        if (HyperLogLog.TryGetCachedCount(hll, out long cached))
        {
            c.Reply.WriteInteger(cached);
            return;
        }
        ulong count = HyperLogLog.Count(hll, out bool corrupt);
        if (corrupt)
        {
            c.Reply.WriteError(Corrupt);
            return;
        }
        HyperLogLog.SetCachedCount(hll, count);
        db.KeyModified(c.Args[1]);
        c.Reply.WriteInteger((long)count);
    }

    /// <summary>
    /// MAX of the registers of the keys from argument <paramref name="from"/> on (missing keys are empty HLLs) into
    /// <paramref name="max"/>; false after an error reply. <paramref name="anyDense"/>: one of them is dense.
    /// </summary>
    private static bool MergeSources(Client c, Database db, int from, Span<byte> max, out bool anyDense)
    {
        anyDense = false;
        Span<byte> scratch = stackalloc byte[20];
        for (int j = from; j < c.Argc; j++)
        {
            int index = db.LookupRead(c.Args[j]);
            if (index < 0) continue;
            if (!IsHll(c, db, index)) return false;
            ReadOnlySpan<byte> hll = db.GetStringBytes(index, scratch);
            anyDense |= HyperLogLog.IsDense(hll);
            if (!HyperLogLog.MergeInto(max, hll))
            {
                c.Reply.WriteError(Corrupt);
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// PFMERGE destkey [sourcekey ...]: destkey (one of the sources itself) gets the MAX of every register; dense
    /// when any source is dense, else sparse until it outgrows it.
    /// </summary>
    public static void PfMerge(Client c)
    {
        Database db = c.Db;
        Span<byte> max = stackalloc byte[HyperLogLog.Registers];
        max.Clear();
        if (!MergeSources(c, db, 1, max, out bool anyDense)) return;
        ReadOnlySpan<byte> key = c.Args[1];
        int index = db.Lookup(key);
        if (index < 0) index = CreateEmpty(db, key);
        if (anyDense && !ToDense(db, index))
        {
            c.Reply.WriteError(Corrupt);
            return;
        }
        for (int j = 0; j < HyperLogLog.Registers; j++)
        {
            if (max[j] != 0) SetRegister(c, db, index, j, max[j]);
        }
        HyperLogLog.InvalidateCache(db.GrowRawString(index, db.StringLength(index)));
        db.KeyModified(key);
        c.Notify(KeyspaceEvents.String, "pfadd"u8, key);
        c.Reply.WriteOk();
    }

    /// <summary>PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the representation, for tests and debugging.</summary>
    public static void PfDebug(Client c)
    {
        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[2];
        int index = db.Lookup(key);
        if (index < 0)
        {
            c.Reply.WriteError("ERR The specified key does not exist"u8);
            return;
        }
        if (!IsHll(c, db, index)) return;
        db.GrowRawString(index, db.StringLength(index)); // dbUnshareStringValue
        ReadOnlySpan<byte> sub = c.Args[1];
        Span<byte> scratch = stackalloc byte[20];
        if (Ascii.EqualsIgnoreCase(sub, "getreg"u8) || Ascii.EqualsIgnoreCase(sub, "todense"u8))
        {
            bool converted = !HyperLogLog.IsDense(db.GetStringBytes(index, scratch));
            if (converted)
            {
                if (!ToDense(db, index))
                {
                    c.Reply.WriteError(Corrupt);
                    return;
                }
                db.KeyModified(key); // the encoding change is propagated
            }
            if (Ascii.EqualsIgnoreCase(sub, "todense"u8))
            {
                c.Reply.WriteInteger(converted ? 1 : 0);
                return;
            }
            ReadOnlySpan<byte> registers = db.GetStringBytes(index, scratch)[HyperLogLog.HeaderSize..];
            c.Reply.WriteArrayHeader(HyperLogLog.Registers);
            for (int j = 0; j < HyperLogLog.Registers; j++) c.Reply.WriteInteger(HyperLogLog.GetDense(registers, j));
        }
        else if (Ascii.EqualsIgnoreCase(sub, "encoding"u8))
        {
            c.Reply.WriteSimpleString(HyperLogLog.IsDense(db.GetStringBytes(index, scratch)) ? "dense"u8 : "sparse"u8);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "decode"u8))
        {
            ReadOnlySpan<byte> hll = db.GetStringBytes(index, scratch);
            if (HyperLogLog.IsDense(hll))
            {
                c.Reply.WriteError("ERR HLL encoding is not sparse"u8);
                return;
            }
            c.Reply.WriteBulk(Encoding.ASCII.GetBytes(HyperLogLog.Decode(hll)));
        }
        else
        {
            c.Reply.WriteError($"ERR Unknown PFDEBUG subcommand '{Encoding.UTF8.GetString(sub)}'");
        }
    }
}
