using System.Buffers;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>KEYS and SCAN (Redis 7.0's db.c keysCommand, scanGenericCommand).</summary>
internal static partial class KeyCommands
{
    /// <summary>
    /// KEYS pattern. Like Redis 7.0 (keyIsExpired, not expireIfNeeded), expired keys are left out of the reply
    /// but not deleted: DBSIZE and expired_keys do not change.
    /// </summary>
    public static void Keys(Client c)
    {
        Database db = c.Db;
        KeyTable table = db.Table;
        ReadOnlySpan<byte> pattern = c.Args[1];
        bool allKeys = pattern.Length == 1 && pattern[0] == '*';
        int slots = table.SlotCount;
        // The reply's length comes first, so matching slots are collected before anything is written.
        int[] matches = ArrayPool<int>.Shared.Rent(Math.Max(16, Math.Min(table.Count, slots)));
        int found = 0;
        try
        {
            for (int i = 0; i < slots; i++)
            {
                byte[]? key = table[i].Key;
                if (key is null) continue;
                if (!allKeys && !GlobMatcher.IsMatch(pattern, key)) continue;
                if (db.IsExpired(i)) continue;
                if (found == matches.Length) Grow(ref matches);
                matches[found++] = i;
            }
            c.Reply.WriteArrayHeader(found);
            for (int n = 0; n < found; n++) c.Reply.WriteBulk(table[matches[n]].Key);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(matches);
        }
    }

    private static void Grow(ref int[] array)
    {
        int[] bigger = ArrayPool<int>.Shared.Rent(array.Length * 2);
        array.CopyTo(bigger, 0);
        ArrayPool<int>.Shared.Return(array);
        array = bigger;
    }

    /// <summary>
    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a slot index of the
    /// <see cref="KeyTable"/>: a key keeps its slot for its whole life, so a key present from the first call to
    /// the last is returned (exactly once, which is more than Redis promises). COUNT bounds the work like Redis:
    /// the call stops once COUNT keys are collected (before MATCH and TYPE filter them) or after visiting
    /// 10×COUNT empty slots.
    /// </summary>
    public static void Scan(Client c)
    {
        if (!TryParseScanCursor(c.Args[1], out ulong cursor))
        {
            c.Reply.WriteError("ERR invalid cursor"u8);
            return;
        }
        if (!TryParseScanOptions(c, 2, allowType: true, out long count, out int patternArg, out int typeArg)) return;
        bool usePattern = patternArg != 0;

        Database db = c.Db;
        KeyTable table = db.Table;
        ulong slots = (ulong)table.SlotCount;
        // maxiterations = count*10 in Redis; capped so the arithmetic cannot overflow.
        long budget = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
        int want = (int)Math.Min(count, Math.Max(table.Count, 1));
        byte[]?[] keys = ArrayPool<byte[]?>.Shared.Rent(Math.Min(want, 1024));
        int collected = 0;
        ulong slot = cursor;
        try
        {
            if (slot < slots)
            {
                do
                {
                    byte[]? key = table[(int)slot].Key;
                    if (key is not null)
                    {
                        if (collected == keys.Length) GrowKeys(ref keys);
                        keys[collected++] = key;
                    }
                    slot++;
                }
                while (slot < slots && budget-- > 0 && collected < count);
            }
            ulong next = slot >= slots ? 0 : slot;

            // Filter in place, in Redis's order: pattern, then type (a lookup that counts hits and misses and
            // deletes an expired key), then expiry.
            int kept = 0;
            for (int n = 0; n < collected; n++)
            {
                byte[] key = keys[n]!;
                if (usePattern && !GlobMatcher.IsMatch(c.Args[patternArg], key)) continue;
                if (typeArg != 0)
                {
                    int index = db.LookupReadNoTouch(key);
                    ReadOnlySpan<byte> type = index < 0 ? "none"u8 : TypeName(table[index].Kind);
                    if (!System.Text.Ascii.EqualsIgnoreCase(c.Args[typeArg], type)) continue;
                    // An expired key was just deleted by the lookup, so expireIfNeeded no longer sees it and Redis
                    // 7.0 returns its name for TYPE none. Same here.
                    if (index < 0)
                    {
                        keys[kept++] = key;
                        continue;
                    }
                }
                int live = table.Find(key);
                if (live >= 0 && db.IsExpired(live))
                {
                    db.ExpireAt(live);
                    continue;
                }
                keys[kept++] = key;
            }

            c.Reply.WriteArrayHeader(2);
            WriteScanCursor(c, next);
            c.Reply.WriteArrayHeader(kept);
            for (int n = 0; n < kept; n++) c.Reply.WriteBulk(keys[n]);
        }
        finally
        {
            ArrayPool<byte[]?>.Shared.Return(keys, clearArray: true);
        }
    }

    /// <summary>
    /// The options of SCAN, HSCAN, SSCAN and ZSCAN from argument <paramref name="start"/> on (db.c
    /// scanGenericCommand): COUNT n (an integer ≥ 1), MATCH pattern, and TYPE type only when
    /// <paramref name="allowType"/> (the keyspace SCAN); a later option of the same name wins. Replies the error and
    /// returns false on a bad option. <paramref name="patternArg"/> is 0 when MATCH is absent or is "*" (match all).
    /// </summary>
    internal static bool TryParseScanOptions(Client c, int start, bool allowType, out long count, out int patternArg, out int typeArg)
    {
        count = 10;
        patternArg = 0;
        typeArg = 0;
        for (int i = start; i < c.Argc; i += 2)
        {
            ReadOnlySpan<byte> option = c.Args[i];
            bool hasValue = i + 1 < c.Argc;
            if (hasValue && System.Text.Ascii.EqualsIgnoreCase(option, "count"u8))
            {
                if (!NumberParser.TryParseInt64(c.Args[i + 1], out count))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return false;
                }
                if (count < 1)
                {
                    c.Reply.WriteError(Errors.Syntax);
                    return false;
                }
            }
            else if (hasValue && System.Text.Ascii.EqualsIgnoreCase(option, "match"u8))
            {
                patternArg = i + 1;
            }
            else if (allowType && hasValue && System.Text.Ascii.EqualsIgnoreCase(option, "type"u8))
            {
                typeArg = i + 1;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        if (patternArg != 0 && c.Args.LengthOf(patternArg) == 1 && c.Args[patternArg][0] == '*') patternArg = 0;
        return true;
    }

    /// <summary>
    /// The positions one HSCAN/SSCAN call covers, [start, end) in <see cref="IPositionedCollection.Next"/> order, and
    /// the cursor to reply. A compact collection (listpack, intset) comes back whole with cursor 0 whatever the
    /// cursor, as Redis does; a hashtable is walked by slot from the cursor until COUNT elements are seen or
    /// 10×COUNT slots visited (dictScan's maxiterations), and the next cursor is the first slot not covered.
    /// </summary>
    internal static ulong ScanWindow<T>(T collection, ulong cursor, long count, out int start, out int end)
        where T : IPositionedCollection
    {
        if (collection.IsCompact)
        {
            start = collection.First();
            end = -1;
            return 0;
        }
        start = cursor >= int.MaxValue ? -1 : collection.Next((int)cursor - 1);
        long budget = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
        long seen = 0;
        int p = start;
        while (p >= 0 && seen < count && p - start < budget)
        {
            seen++;
            p = collection.Next(p);
        }
        end = p;
        return p < 0 ? 0 : (ulong)p;
    }

    /// <summary>Writes a SCAN-family cursor as the bulk string Redis replies with.</summary>
    internal static void WriteScanCursor(Client c, ulong cursor)
    {
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(cursor, digits, out int length);
        c.Reply.WriteBulk(digits[..length]);
    }

    private static void GrowKeys(ref byte[]?[] array)
    {
        byte[]?[] bigger = ArrayPool<byte[]?>.Shared.Rent(array.Length * 2);
        array.CopyTo(bigger, 0);
        ArrayPool<byte[]?>.Shared.Return(array, clearArray: true);
        array = bigger;
    }

    /// <summary>
    /// db.c parseScanCursorOrReply: strtoul in base 10 (optional sign, a negative value wraps, leading zeros
    /// allowed, the empty string is 0), but no leading white space, no trailing bytes and no overflow.
    /// </summary>
    internal static bool TryParseScanCursor(ReadOnlySpan<byte> s, out ulong cursor)
    {
        cursor = 0;
        s = CString.Of(s);
        if (s.Length == 0) return true;
        if (s[0] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r') return false;
        int i = 0;
        bool negative = false;
        if (s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (i == s.Length) return false; // no digits: strtoul leaves endptr at the start, which is not '\0'
        ulong value = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (value > (ulong.MaxValue - d) / 10) return false; // ERANGE
            value = value * 10 + d;
        }
        cursor = negative ? unchecked(0 - value) : value;
        return true;
    }
}
