using RedisFast.Server;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// SORT and SORT_RO (sort.c sortCommandGeneric): the elements of a list, set or sorted set, as numbers (by default)
/// or strings (ALPHA), by themselves or by the keys a BY pattern names, LIMITed, with GET patterns and STORE into a
/// list. A BY pattern without '*' means "don't sort": lists and sorted sets keep their order. Equal numbers fall
/// back to comparing the strings, so the order is the same as redis-server's.
/// </summary>
internal static class SortCommands
{
    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("sort", -2, Write | DenyOom | MovableKeys, 1, 1, 1, Sort, "list");
        t.Add("sort_ro", -2, ReadOnly | MovableKeys, 1, 1, 1, SortReadOnly, "list");
    }

    public static void Sort(Client c) => SortGeneric(c, readOnly: false);

    public static void SortReadOnly(Client c) => SortGeneric(c, readOnly: true);

    /// <summary>One element being sorted: its bytes, and the number or string it sorts by.</summary>
    private sealed class Item(byte[] value)
    {
        public readonly byte[] Value = value;
        public double Score;
        public byte[]? By;
    }

    private static void SortGeneric(Client c, bool readOnly)
    {
        bool desc = false, alpha = false, dontSort = false;
        long limitStart = 0, limitCount = -1;
        int byArg = -1, storeArg = -1;
        var gets = new List<int>();
        for (int j = 2; j < c.Argc; j++)
        {
            ReadOnlySpan<byte> option = c.Args[j];
            int left = c.Argc - j - 1;
            if (Ascii.EqualsIgnoreCase(option, "asc"u8))
            {
                desc = false;
            }
            else if (Ascii.EqualsIgnoreCase(option, "desc"u8))
            {
                desc = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "alpha"u8))
            {
                alpha = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "limit"u8) && left >= 2)
            {
                if (!NumberParser.TryParseInt64(c.Args[j + 1], out limitStart) || !NumberParser.TryParseInt64(c.Args[j + 2], out limitCount))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                j += 2;
            }
            else if (!readOnly && Ascii.EqualsIgnoreCase(option, "store"u8) && left >= 1)
            {
                storeArg = ++j;
            }
            else if (Ascii.EqualsIgnoreCase(option, "by"u8) && left >= 1)
            {
                byArg = ++j;
                // A pattern without '*' (as C reads it, up to a NUL) names no per-element key: nothing to sort by.
                dontSort = CString.Of(c.Args[j]).IndexOf((byte)'*') < 0;
            }
            else if (Ascii.EqualsIgnoreCase(option, "get"u8) && left >= 1)
            {
                gets.Add(++j);
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        ValueKind kind = index >= 0 ? db.Table[index].Kind : ValueKind.List;
        if (kind is not (ValueKind.List or ValueKind.Set or ValueKind.SortedSet))
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        object? value = index >= 0 ? db.Table[index].Value : null;
        // A set has no order of its own: stored without sorting it would differ from replica to replica.
        if (dontSort && kind == ValueKind.Set && storeArg >= 0)
        {
            dontSort = false;
            alpha = true;
            byArg = -1;
        }

        int length = value switch
        {
            RedisList list => list.Count,
            RedisSet set => set.Count,
            RedisSortedSet zset => zset.Count,
            _ => 0,
        };
        long start = limitStart < 0 ? 0 : limitStart;
        long end = limitCount < 0 ? length - 1 : start + limitCount - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) end = length - 1;

        List<Item> items = Load(value, dontSort, desc, ref start, ref end);
        if (!dontSort && !Score(c, db, items, byArg, alpha)) return;
        if (!dontSort)
        {
            Comparison<Item> compare = Comparer(alpha, byArg >= 0, storeArg >= 0);
            // Stable, as glibc's qsort (a merge sort) is: equal keys keep the order the elements were read in.
            items = [.. items.OrderBy(item => item, Comparer<Item>.Create(desc ? (a, b) => compare(b, a) : compare))];
        }

        int outputLength = (int)(end - start + 1) * (gets.Count > 0 ? gets.Count : 1);
        if (end < start) outputLength = 0;
        if (storeArg < 0)
        {
            c.Reply.WriteArrayHeader(outputLength);
            for (long j = start; j <= end; j++)
            {
                Item item = items[(int)j];
                if (gets.Count == 0) c.Reply.WriteBulk(item.Value);
                foreach (int get in gets)
                {
                    byte[]? found = LookupByPattern(db, c.Args[get], item.Value);
                    if (found is null) c.Reply.WriteNull();
                    else c.Reply.WriteBulk(found);
                }
            }
            return;
        }
        var stored = new RedisList();
        for (long j = start; j <= end; j++)
        {
            Item item = items[(int)j];
            if (gets.Count == 0) stored.PushTail(item.Value);
            foreach (int get in gets) stored.PushTail(LookupByPattern(db, c.Args[get], item.Value) ?? []);
        }
        ReadOnlySpan<byte> storeKey = c.Args[storeArg];
        if (outputLength > 0)
        {
            int target = db.LookupOrAdd(storeKey, out _);
            db.SetString(target, ReadOnlySpan<byte>.Empty, keepTtl: false);
            db.SetObject(target, ValueKind.List, stored);
            db.KeyModified(storeKey);
            c.Notify(KeyspaceEvents.List, "sortstore"u8, storeKey);
        }
        else
        {
            KeyCommands.DeleteStoreDestination(c, storeKey);
        }
        c.Reply.WriteInteger(outputLength);
    }

    /// <summary>
    /// The elements to sort. Not sorting a list or sorted set reads just the LIMIT range in the requested direction
    /// (and moves start/end to index it); everything else reads every element.
    /// </summary>
    private static List<Item> Load(object? value, bool dontSort, bool desc, ref long start, ref long end)
    {
        var items = new List<Item>();
        if (value is null) return items;
        if (dontSort && value is RedisList or RedisSortedSet)
        {
            int count = value is RedisList l ? l.Count : ((RedisSortedSet)value).Count;
            if (end >= start)
            {
                for (long j = start; j <= end; j++)
                {
                    int at = (int)(desc ? count - 1 - j : j);
                    items.Add(new Item(value is RedisList list ? list[at] : ((RedisSortedSet)value).AtRank(at).Member));
                }
            }
            end -= start;
            start = 0;
            return items;
        }
        switch (value)
        {
            case RedisList list:
                for (int j = 0; j < list.Count; j++) items.Add(new Item(list[j]));
                break;
            case RedisSet set:
                for (int p = set.First(); p >= 0; p = set.Next(p)) items.Add(new Item(set.MemberArrayAt(p)));
                break;
            case RedisSortedSet zset:
                for (ZIterator it = zset.AtRank(0); it.Valid; it.MoveNext()) items.Add(new Item(it.Member));
                break;
        }
        return items;
    }

    /// <summary>Fills in what each element sorts by; false after "One or more scores can't be converted into double".</summary>
    private static bool Score(Client c, Database db, List<Item> items, int byArg, bool alpha)
    {
        bool conversionError = false;
        foreach (Item item in items)
        {
            byte[]? by = byArg >= 0 ? LookupByPattern(db, c.Args[byArg], item.Value) : item.Value;
            // A missing BY key sorts as 0 (or, with ALPHA, before every present one).
            if (by is null) continue;
            if (alpha)
            {
                if (byArg >= 0) item.By = by;
            }
            else if (!NumberParser.TryParseSortKey(by, out item.Score))
            {
                conversionError = true;
            }
        }
        if (conversionError) c.Reply.WriteError("ERR One or more scores can't be converted into double"u8);
        return !conversionError;
    }

    /// <summary>
    /// sortCompare, ascending (DESC reverses it). ALPHA compares bytes when storing, else as strcoll does in the C
    /// locale (up to a NUL); RedisFast always collates in the C locale.
    /// </summary>
    private static Comparison<Item> Comparer(bool alpha, bool byPattern, bool store)
    {
        if (!alpha) return (a, b) => a.Score > b.Score ? 1 : a.Score < b.Score ? -1 : a.Value.AsSpan().SequenceCompareTo(b.Value);
        Func<byte[], byte[], int> strings = store ? static (x, y) => x.AsSpan().SequenceCompareTo(y) : static (x, y) => CString.Of(x).SequenceCompareTo(CString.Of(y));
        if (!byPattern) return (a, b) => strings(a.Value, b.Value);
        return (a, b) => a.By is null || b.By is null ? (a.By == b.By ? 0 : a.By is null ? -1 : 1) : strings(a.By, b.By);
    }

    /// <summary>
    /// lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the element and the key
    /// read as a string, or with "-&gt;field" after the '*' as that hash field. Null when missing or of another type.
    /// </summary>
    private static byte[]? LookupByPattern(Database db, ReadOnlySpan<byte> pattern, byte[] element)
    {
        // strchr and strstr read the pattern as a C string; the lengths that cut it are the whole argument's.
        ReadOnlySpan<byte> text = CString.Of(pattern);
        if (text.SequenceEqual("#"u8)) return element;
        int star = text.IndexOf((byte)'*');
        if (star < 0) return null;
        int arrow = text[(star + 1)..].IndexOf("->"u8);
        bool hasField = arrow >= 0 && star + 1 + arrow + 2 < text.Length;
        ReadOnlySpan<byte> postfix = hasField ? pattern[(star + 1)..(star + 1 + arrow)] : pattern[(star + 1)..];
        ReadOnlySpan<byte> field = hasField ? pattern[(star + 1 + arrow + 2)..] : default;
        int length = star + element.Length + postfix.Length;
        Span<byte> key = length <= 512 ? stackalloc byte[length] : new byte[length];
        pattern[..star].CopyTo(key);
        element.CopyTo(key[star..]);
        postfix.CopyTo(key[(star + element.Length)..]);
        int index = db.LookupRead(key);
        if (index < 0) return null;
        ref KeyEntry e = ref db.Table[index];
        if (hasField)
        {
            if (e.Kind != ValueKind.Hash) return null;
            var hash = (RedisHash)e.Value!;
            int position = hash.Find(field);
            return position < 0 ? null : hash.ValueAt(position).ToArray();
        }
        if (!Database.IsString(e.Kind)) return null;
        Span<byte> scratch = stackalloc byte[20];
        return db.GetStringBytes(index, scratch).ToArray();
    }
}
