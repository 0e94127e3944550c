using RedisFast.Server;
using System.Buffers;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>SPOP, SRANDMEMBER and SSCAN (t_set.c spopCommand, srandmemberCommand; db.c scanGenericCommand).</summary>
internal static partial class SetCommands
{
    /// <summary>
    /// SPOP key [count]. Without a count: one random member (null for a missing key). With a count (a non-negative
    /// integer): up to count distinct members as a RESP3 set, the whole set (in its order) when count ≥ size. The
    /// key is deleted when emptied.
    /// </summary>
    public static void SPop(Client c)
    {
        if (c.Argc > 3)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        long count = 1;
        if (c.Argc == 3 && (!NumberParser.TryParseInt64(c.Args[2], out count) || count < 0))
        {
            c.Reply.WriteError("ERR value is out of range, must be positive"u8);
            return;
        }
        if (!TryGetSet(c, c.Args[1], read: false, out RedisSet? set)) return;
        if (set is null)
        {
            if (c.Argc == 2) c.Reply.WriteNull();
            else c.Reply.WriteSetHeader(0);
            return;
        }
        if (c.Argc == 2)
        {
            int position = set.RandomPosition();
            WriteMember(c, set, position);
            set.RemoveAt(position);
            DeleteIfEmpty(c, set, c.Args[1]);
            c.Db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Set, "spop"u8, c.Args[1]);
            if (set.Count == 0) c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
            return;
        }
        if (count == 0)
        {
            c.Reply.WriteSetHeader(0);
            return;
        }
        // spopWithCountCommand: the spop event first, whatever the case.
        c.Notify(KeyspaceEvents.Set, "spop"u8, c.Args[1]);
        if (count >= set.Count)
        {
            WriteWholeSet(c, set);
            c.Db.Delete(c.Db.Table.Find(c.Args[1]));
            c.Db.KeyModified(c.Args[1]);
            c.Notify(KeyspaceEvents.Generic, "del"u8, c.Args[1]);
            return;
        }
        int n = (int)count;
        int[] positions = RedisSetSampler.DistinctPositions(set, n);
        byte[][] popped = ArrayPool<byte[]>.Shared.Rent(n);
        try
        {
            // Members are copied out before any removal: removing from an intset shifts the positions after it.
            for (int i = 0; i < n; i++) popped[i] = set.MemberArrayAt(positions[i]);
            c.Reply.WriteSetHeader(n);
            for (int i = 0; i < n; i++)
            {
                c.Reply.WriteBulk(popped[i]);
                set.Remove(popped[i]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
            ArrayPool<byte[]>.Shared.Return(popped, clearArray: true);
        }
        c.Db.KeyModified(c.Args[1]);
    }

    private static void DeleteIfEmpty(Client c, RedisSet set, ReadOnlySpan<byte> key)
    {
        if (set.Count == 0) c.Db.Delete(c.Db.Table.Find(key));
    }

    /// <summary>
    /// SRANDMEMBER key [count]. Without a count: one random member or null. With a count (within ±LONG_MAX): an
    /// array (also in RESP3) of distinct members for a positive count (the whole set in its order when
    /// count ≥ size), of |count| members that may repeat for a negative one.
    /// </summary>
    public static void SRandMember(Client c)
    {
        if (c.Argc > 3)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (c.Argc == 2)
        {
            if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? single)) return;
            if (single is null) c.Reply.WriteNull();
            else WriteMember(c, single, single.RandomPosition());
            return;
        }
        if (!NumberParser.TryParseInt64(c.Args[2], out long l))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (l == long.MinValue)
        {
            c.Reply.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8);
            return;
        }
        if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? set)) return;
        if (set is null || l == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        long count = l > 0 ? l : -l;
        if (l < 0 || count == 1)
        {
            c.Reply.WriteArrayHeader(count);
            for (long n = 0; n < count; n++) WriteMember(c, set, set.RandomPosition());
            return;
        }
        if (count >= set.Count)
        {
            c.Reply.WriteArrayHeader(set.Count);
            for (int p = set.First(); p >= 0; p = set.Next(p)) WriteMember(c, set, p);
            return;
        }
        int[] positions = RedisSetSampler.DistinctPositions(set, (int)count);
        try
        {
            c.Reply.WriteArrayHeader(count);
            for (int i = 0; i < count; i++) WriteMember(c, set, positions[i]);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
        }
    }

    /// <summary>
    /// SSCAN key cursor [MATCH pattern] [COUNT count]: an intset is returned whole with cursor 0 whatever the
    /// cursor, as Redis does; a hashtable is walked by slot index from the cursor, about COUNT members per call.
    /// </summary>
    public static void SScan(Client c)
    {
        if (!KeyCommands.TryParseScanCursor(c.Args[2], out ulong cursor))
        {
            c.Reply.WriteError("ERR invalid cursor"u8);
            return;
        }
        if (!TryGetSet(c, c.Args[1], read: true, out RedisSet? set)) return;
        if (set is null)
        {
            c.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);
            return;
        }
        if (!KeyCommands.TryParseScanOptions(c, 3, allowType: false, out long count, out int patternArg, out _)) return;
        ulong next = KeyCommands.ScanWindow(set, cursor, count, out int start, out int end);
        Span<byte> scratch = stackalloc byte[20];
        long matched = 0;
        for (int p = start; p >= 0 && p != end; p = set.Next(p))
        {
            if (patternArg == 0 || GlobMatcher.IsMatch(c.Args[patternArg], set.MemberAt(p, scratch))) matched++;
        }
        c.Reply.WriteArrayHeader(2);
        KeyCommands.WriteScanCursor(c, next);
        c.Reply.WriteArrayHeader(matched);
        for (int p = start; p >= 0 && p != end; p = set.Next(p))
        {
            ReadOnlySpan<byte> member = set.MemberAt(p, scratch);
            if (patternArg != 0 && !GlobMatcher.IsMatch(c.Args[patternArg], member)) continue;
            c.Reply.WriteBulk(member);
        }
    }
}
