using System.Buffers.Text;
using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Persistence.Rdb;

/// <summary>
/// The collection encodings of rdb.c rdbSaveObject, chosen from the value's in-memory encoding as Redis does (which
/// RedisFast's types switch under the same thresholds and config): LIST_QUICKLIST_2, SET_INTSET or SET,
/// HASH_LISTPACK or HASH, ZSET_LISTPACK or ZSET_2. Values are only read, through the members a background rewrite
/// may use (see each type's SplitForRewrite).
/// </summary>
internal sealed partial class RdbWriter
{
    // quicklist.h QUICKLIST_NODE_CONTAINER_PLAIN, _PACKED.
    private const int ContainerPlain = 1, ContainerPacked = 2;

    // quicklist.c: optimization_level (the node size limits of fill -1..-5), SIZE_SAFETY_LIMIT, SIZE_ESTIMATE_OVERHEAD.
    private static readonly int[] OptimizationLevel = [4096, 8192, 16384, 32768, 65536];
    private const int SizeSafetyLimit = 8192;
    private const int SizeEstimateOverhead = 8;

    private readonly ListpackEncoder _listpack = new();
    private readonly List<int> _nodes = [];
    private long[] _ints = new long[16];
    private byte[] _intset = new byte[64];

    /// <summary>
    /// LIST_QUICKLIST_2: the node count, then per node its container and its listpack (or, for a PLAIN node, the
    /// element) as a string. The list has no nodes in memory: they are cut as RPUSH of the elements in order would
    /// cut them in Redis 7.0 (quicklistPushTail), so a list RPUSHed in one go is written byte for byte as Redis would.
    /// </summary>
    private void SaveList(byte[]? key, RedisList list)
    {
        TypeAndKey(TypeListQuicklist2, key);
        // The count comes first: a pass to cut the nodes, then one to encode them.
        _nodes.Clear();
        int count = list.Count, nodeCount = 0, nodeBytes = 0;
        bool plain = false;
        for (int i = 0; i < count; i++)
        {
            byte[] element = list[i];
            if (nodeCount > 0 && !plain && AllowInsert(nodeBytes, nodeCount, element.Length))
            {
                nodeBytes += ListpackEncoder.EntrySize(element);
                nodeCount++;
                continue;
            }
            if (nodeCount > 0) _nodes.Add(nodeCount);
            plain = element.Length >= PackedThreshold;
            nodeBytes = ListpackEncoder.EmptySize + (plain ? 0 : ListpackEncoder.EntrySize(element));
            nodeCount = 1;
        }
        if (nodeCount > 0) _nodes.Add(nodeCount);
        Length(_nodes.Count);
        int next = 0;
        foreach (int n in _nodes)
        {
            if (n == 1 && list[next].Length >= PackedThreshold)
            {
                Length(ContainerPlain);
                RawString(list[next++]);
                continue;
            }
            Length(ContainerPacked);
            _listpack.Reset();
            for (int end = next + n; next < end; next++) _listpack.Append(list[next]);
            RawString(_listpack.Finish());
        }
    }

    /// <summary>_quicklistNodeAllowInsert for a PACKED node of <paramref name="nodeBytes"/> and an element of <paramref name="size"/> bytes.</summary>
    private bool AllowInsert(int nodeBytes, int nodeCount, int size)
    {
        if (size >= PackedThreshold) return false;
        int fill = Math.Clamp(ListMaxListpackSize, -5, 32767);
        long estimate = (long)nodeBytes + size + SizeEstimateOverhead;
        if (fill < 0) return estimate <= OptimizationLevel[-fill - 1];
        return estimate <= SizeSafetyLimit && nodeCount < fill;
    }

    /// <summary>SET_INTSET from an intset (its members ascending, at the widest member's width), else SET: count and members.</summary>
    private void SaveSet(byte[]? key, RedisSet set)
    {
        Span<byte> scratch = stackalloc byte[20];
        int count = set.Count;
        if (!set.IsIntset)
        {
            TypeAndKey(TypeSet, key);
            Length(count);
            for (int p = set.First(); p >= 0; p = set.Next(p)) RawString(set.MemberAt(p, scratch));
            return;
        }
        if (_ints.Length < count) _ints = new long[Math.Max(count, _ints.Length * 2)];
        int n = 0, width = 2;
        for (int p = set.First(); p >= 0; p = set.Next(p))
        {
            Utf8Parser.TryParse(set.MemberAt(p, scratch), out long value, out _);
            width = Math.Max(width, IntsetEncoder.WidthOf(value));
            _ints[n++] = value;
        }
        int size = IntsetEncoder.Size(width, n);
        if (_intset.Length < size) _intset = new byte[Math.Max(size, _intset.Length * 2)];
        IntsetEncoder.Write(_ints.AsSpan(0, n), width, _intset);
        TypeAndKey(TypeSetIntset, key);
        RawString(_intset.AsSpan(0, size));
    }

    /// <summary>HASH_LISTPACK (field, value, ... in the listpack's order) from a listpack, else HASH: count and pairs.</summary>
    private void SaveHash(byte[]? key, RedisHash hash)
    {
        if (!hash.IsListpack)
        {
            TypeAndKey(TypeHash, key);
            Length(hash.Count);
            for (int p = hash.First(); p >= 0; p = hash.Next(p))
            {
                RawString(hash.FieldAt(p));
                RawString(hash.ValueAt(p));
            }
            return;
        }
        _listpack.Reset();
        for (int p = hash.First(); p >= 0; p = hash.Next(p))
        {
            _listpack.Append(hash.FieldAt(p));
            _listpack.Append(hash.ValueAt(p));
        }
        TypeAndKey(TypeHashListpack, key);
        RawString(_listpack.Finish());
    }

    /// <summary>
    /// ZSET_LISTPACK (member, score as d2string text, ... ascending) from a listpack, else ZSET_2: count, then member
    /// and binary score per element. A DUMP payload (made on the loop) walks the skiplist from the tail as Redis does;
    /// a file walks the member table, all a background snapshot may read of a skiplist set (any order loads the same).
    /// </summary>
    private void SaveSortedSet(byte[]? key, RedisSortedSet set)
    {
        if (set.MemberScores is { } members)
        {
            TypeAndKey(TypeZset2, key);
            Length(members.Count);
            if (_memory is not null)
            {
                for (ZIterator back = set.AtRank(set.Count - 1); back.Valid; back.MovePrevious())
                {
                    RawString(back.Member);
                    BinaryDouble(back.Score);
                }
                return;
            }
            for (int p = members.NextOccupied(0); p >= 0; p = members.NextOccupied(p + 1))
            {
                RawString(members.KeyAt(p));
                BinaryDouble(members.ValueAt(p));
            }
            return;
        }
        _listpack.Reset();
        Span<byte> text = stackalloc byte[40];
        int count = set.Count;
        ZIterator it = set.AtRank(0);
        for (int i = 0; i < count; i++, it.MoveNext())
        {
            _listpack.Append(it.Member);
            AppendScore(it.Score, text);
        }
        TypeAndKey(TypeZsetListpack, key);
        RawString(_listpack.Finish());
    }

    /// <summary>
    /// A score as zzlInsertAt stores it: d2string's text ("inf", "-inf", "-0", an integral value within ±2^62 in
    /// integer form (util.c double2ll: 1e17 is "100000000000000000"), else %.17g), which lpAppend turns into an integer
    /// entry when string2ll accepts it.
    /// </summary>
    private void AppendScore(double score, Span<byte> text)
    {
        if (score == 0 && double.IsNegative(score))
        {
            _listpack.Append("-0"u8);
        }
        else if (score is >= -4611686018427387904d and <= 4611686018427387904d && score == Math.Truncate(score))
        {
            _listpack.Append((long)score);
        }
        else
        {
            _listpack.Append(text[..DoubleFormatter.FormatG17(score, text)]);
        }
    }
}
