using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD (t_zset.c zunionInterDiffGenericCommand). Inputs
/// may be sorted sets or plain sets (intset or hashtable), a plain set's members all scoring 1.
/// </summary>
internal static partial class SortedSetCommands
{
    private enum SetOp : byte { Union, Inter, Diff }

    private enum Aggregate : byte { Sum, Min, Max }

    /// <summary>ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]</summary>
    public static void ZUnionStore(Client c) => SetOpGeneric(c, true, 2, SetOp.Union, false, "zunionstore");

    /// <summary>ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]</summary>
    public static void ZInterStore(Client c) => SetOpGeneric(c, true, 2, SetOp.Inter, false, "zinterstore");

    /// <summary>ZDIFFSTORE destination numkeys key [key ...]</summary>
    public static void ZDiffStore(Client c) => SetOpGeneric(c, true, 2, SetOp.Diff, false, "zdiffstore");

    /// <summary>ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]</summary>
    public static void ZUnion(Client c) => SetOpGeneric(c, false, 1, SetOp.Union, false, "zunion");

    /// <summary>ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]</summary>
    public static void ZInter(Client c) => SetOpGeneric(c, false, 1, SetOp.Inter, false, "zinter");

    /// <summary>ZDIFF numkeys key [key ...] [WITHSCORES]</summary>
    public static void ZDiff(Client c) => SetOpGeneric(c, false, 1, SetOp.Diff, false, "zdiff");

    /// <summary>ZINTERCARD numkeys key [key ...] [LIMIT limit]</summary>
    public static void ZInterCard(Client c) => SetOpGeneric(c, false, 1, SetOp.Inter, true, "zintercard");

    /// <summary>
    /// One input of a set operation (Redis's zsetopsrc): a sorted set, a plain set whose members all score 1
    /// (t_zset.c zuiInitIterator / zuiFind handle OBJ_SET), or neither when the key is missing; and its weight.
    /// </summary>
    private struct SetOpSource
    {
        public RedisSortedSet? Set;
        public RedisSet? PlainSet;
        public double Weight;

        public readonly int Count => Set?.Count ?? PlainSet?.Count ?? 0;

        /// <summary>zuiFind: the member's score in this input (1 in a plain set), false when absent.</summary>
        public readonly bool TryGetScore(ReadOnlySpan<byte> member, out double score)
        {
            if (Set is not null) return Set.TryGetScore(member, out score);
            score = 1.0;
            return PlainSet is not null && PlainSet.Contains(member);
        }
    }

    /// <summary>
    /// zuiNext over one input without allocating: a sorted set in (score, member) order, a plain set in its own
    /// order with score 1 (the order only decides which equal-score sum comes first, and it is per input, so results
    /// do not depend on it). An intset member is formatted into the caller's scratch buffer.
    /// </summary>
    private struct SourceIterator
    {
        private ZIterator _z;
        private readonly RedisSet? _set;
        private int _position;

        public SourceIterator(in SetOpSource source)
        {
            if (source.Set is { } zset) _z = zset.AtRank(0);
            else if (source.PlainSet is { } set)
            {
                _set = set;
                _position = set.First();
            }
        }

        public readonly bool Valid => _set is null ? _z.Valid : _position >= 0;

        public readonly double Score => _set is null ? _z.Score : 1.0;

        /// <summary>Whether <see cref="MemberArray"/> hands back the stored array (no copy): false for an intset.</summary>
        public readonly bool HasStoredArray => _set is null || !_set.IsIntset;

        /// <summary>The member's bytes; an intset member is written into <paramref name="scratch"/> (20 bytes).</summary>
        public readonly ReadOnlySpan<byte> Member(Span<byte> scratch) => _set is null ? _z.Member : _set.MemberAt(_position, scratch);

        /// <summary>The member as an array to keep: the stored one, or a new one for an intset member.</summary>
        public readonly byte[] MemberArray() => _set is null ? _z.Member : _set.MemberArrayAt(_position);

        public void MoveNext()
        {
            if (_set is null) _z.MoveNext();
            else _position = _set.Next(_position);
        }
    }

    private static void SetOpGeneric(Client c, bool store, int numKeysIndex, SetOp op, bool cardinalityOnly, string name)
    {
        if (!NumberParser.TryParseInt64(c.Args[numKeysIndex], out long setCount))
        {
            c.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (setCount < 1)
        {
            c.Reply.WriteError("ERR at least 1 input key is needed for '" + name + "' command");
            return;
        }
        if (setCount > c.Argc - (numKeysIndex + 1))
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        int n = (int)setCount;
        // An allocation per call, proportional to the number of input keys (Redis zcallocs the same array).
        var sources = new SetOpSource[n];
        int j = numKeysIndex + 1;
        for (int i = 0; i < n; i++, j++)
        {
            int index = c.Db.LookupRead(c.Args[j]);
            if (index >= 0)
            {
                ref KeyEntry e = ref c.Db.Table[index];
                // Plain sets are inputs too, every member with score 1 (t_zset.c: OBJ_ZSET or OBJ_SET, else WRONGTYPE).
                if (e.Kind == ValueKind.SortedSet) sources[i].Set = (RedisSortedSet)e.Value!;
                else if (e.Kind == ValueKind.Set) sources[i].PlainSet = (RedisSet)e.Value!;
                else
                {
                    c.Reply.WriteError(Errors.WrongType);
                    return;
                }
            }
            sources[i].Weight = 1.0;
        }
        Aggregate aggregate = Aggregate.Sum;
        bool withScores = false;
        long limit = 0;
        int remaining = c.Argc - j;
        while (remaining > 0)
        {
            ReadOnlySpan<byte> opt = c.Args[j];
            if (op != SetOp.Diff && !cardinalityOnly && remaining >= n + 1 && System.Text.Ascii.EqualsIgnoreCase(opt, "weights"u8))
            {
                j++;
                remaining--;
                for (int i = 0; i < n; i++, j++, remaining--)
                {
                    if (!NumberParser.TryParseScore(c.Args[j], out sources[i].Weight))
                    {
                        c.Reply.WriteError("ERR weight value is not a float"u8);
                        return;
                    }
                }
            }
            else if (op != SetOp.Diff && !cardinalityOnly && remaining >= 2 && System.Text.Ascii.EqualsIgnoreCase(opt, "aggregate"u8))
            {
                ReadOnlySpan<byte> value = c.Args[j + 1];
                if (System.Text.Ascii.EqualsIgnoreCase(value, "sum"u8)) aggregate = Aggregate.Sum;
                else if (System.Text.Ascii.EqualsIgnoreCase(value, "min"u8)) aggregate = Aggregate.Min;
                else if (System.Text.Ascii.EqualsIgnoreCase(value, "max"u8)) aggregate = Aggregate.Max;
                else
                {
                    c.Reply.WriteError(Errors.Syntax);
                    return;
                }
                j += 2;
                remaining -= 2;
            }
            else if (!store && !cardinalityOnly && System.Text.Ascii.EqualsIgnoreCase(opt, "withscores"u8))
            {
                withScores = true;
                j++;
                remaining--;
            }
            else if (cardinalityOnly && remaining >= 2 && System.Text.Ascii.EqualsIgnoreCase(opt, "limit"u8))
            {
                if (!NumberParser.TryParseInt64(c.Args[j + 1], out limit) || limit < 0)
                {
                    c.Reply.WriteError("ERR LIMIT can't be negative"u8);
                    return;
                }
                j += 2;
                remaining -= 2;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        // Smallest first, as Redis sorts its inputs for union and intersection (zuiCompareByCardinality).
        if (op != SetOp.Diff) SortByCardinality(sources);

        int maxEntries = MaxEntries(c), maxValue = MaxValue(c);
        long maxMemberLength = 0, cardinality = 0;
        var result = new Dictionary<byte[], double>(ByteArrayComparer.Instance);
        switch (op)
        {
            case SetOp.Inter:
                if (sources[0].Count > 0) cardinality = Intersect(sources, aggregate, cardinalityOnly, limit, result);
                break;
            case SetOp.Union:
                Union(sources, aggregate, result);
                break;
            default:
                Difference(sources, result);
                break;
        }
        if (cardinalityOnly)
        {
            c.Reply.WriteInteger(cardinality);
            return;
        }
        foreach (byte[] member in result.Keys) maxMemberLength = Math.Max(maxMemberLength, member.Length);
        // zsetConvertToListpackIfNeeded after building: listpack when the result fits the thresholds.
        RedisSortedSet output = RedisSortedSet.Create(result.Count, maxMemberLength, maxEntries, maxValue);
        foreach (KeyValuePair<byte[], double> pair in result) output.Insert(pair.Key, pair.Value, maxEntries, maxValue);
        if (store)
        {
            StoreResult(c, c.Args[1], output);
            return;
        }
        WriteRange(c, output.AtRank(0), output.Count, reverse: false, withScores);
    }

    private static void SortByCardinality(SetOpSource[] sources)
    {
        // Insertion sort: stable and the inputs are few.
        for (int i = 1; i < sources.Length; i++)
        {
            SetOpSource x = sources[i];
            int k = i - 1;
            while (k >= 0 && sources[k].Count > x.Count)
            {
                sources[k + 1] = sources[k];
                k--;
            }
            sources[k + 1] = x;
        }
    }

    /// <summary>zunionInterAggregate: a sum of +inf and -inf is 0, not NaN.</summary>
    private static double Combine(double target, double value, Aggregate aggregate)
    {
        switch (aggregate)
        {
            case Aggregate.Sum:
                target += value;
                return double.IsNaN(target) ? 0 : target;
            case Aggregate.Min:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }

    /// <summary>
    /// The SET_OP_UNION accumulation: inputs one after the other (smallest first), each member's weighted score
    /// folded into the accumulator with the aggregate. A NaN product (0 × inf) counts as 0.
    /// </summary>
    private static void Union(SetOpSource[] sources, Aggregate aggregate, Dictionary<byte[], double> result)
    {
        var byContent = result.GetAlternateLookup<ReadOnlySpan<byte>>();
        Span<byte> scratch = stackalloc byte[20];
        for (int i = 0; i < sources.Length; i++)
        {
            if (sources[i].Count == 0) continue;
            for (var it = new SourceIterator(sources[i]); it.Valid; it.MoveNext())
            {
                double score = sources[i].Weight * it.Score;
                if (double.IsNaN(score)) score = 0;
                bool exists;
                // A stored member array is shared with the result; an intset member is copied only when new.
                ref double slot = ref it.HasStoredArray
                    ? ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(result, it.MemberArray(), out exists)
                    : ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byContent, it.Member(scratch), out exists);
                slot = exists ? Combine(slot, score, aggregate) : score;
            }
        }
    }

    /// <summary>The SET_OP_INTER walk over the smallest input; returns the cardinality for ZINTERCARD.</summary>
    private static long Intersect(SetOpSource[] sources, Aggregate aggregate, bool cardinalityOnly, long limit, Dictionary<byte[], double> result)
    {
        long cardinality = 0;
        Span<byte> scratch = stackalloc byte[20];
        for (var it = new SourceIterator(sources[0]); it.Valid; it.MoveNext())
        {
            double score = sources[0].Weight * it.Score;
            if (double.IsNaN(score)) score = 0;
            ReadOnlySpan<byte> member = it.Member(scratch);
            int j = 1;
            for (; j < sources.Length; j++)
            {
                // Redis does not NaN-check the other inputs' weighted scores before aggregating them.
                if (!sources[j].TryGetScore(member, out double value)) break;
                score = Combine(score, value * sources[j].Weight, aggregate);
            }
            if (j != sources.Length) continue;
            if (cardinalityOnly)
            {
                cardinality++;
                if (limit != 0 && cardinality >= limit) break;
            }
            else
            {
                result[it.MemberArray()] = score;
            }
        }
        return cardinality;
    }

    /// <summary>zdiff: the members of the first input found in no other input, with their own scores (1 from a plain set).</summary>
    private static void Difference(SetOpSource[] sources, Dictionary<byte[], double> result)
    {
        if (sources[0].Count == 0) return;
        Span<byte> scratch = stackalloc byte[20];
        for (var it = new SourceIterator(sources[0]); it.Valid; it.MoveNext())
        {
            ReadOnlySpan<byte> member = it.Member(scratch);
            bool found = false;
            for (int j = 1; j < sources.Length && !found; j++) found = sources[j].TryGetScore(member, out _);
            if (!found) result[it.MemberArray()] = it.Score;
        }
    }
}
