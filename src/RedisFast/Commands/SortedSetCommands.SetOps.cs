using RedisFast.Protocol;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD (t_zset.c zunionInterDiffGenericCommand).
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

    /// <summary>One input of a set operation: its set (null when the key is missing) and weight.</summary>
    private struct SetOpSource
    {
        public RedisSortedSet? Set;
        public double Weight;

        public readonly int Count => Set?.Count ?? 0;
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
                // Redis also accepts plain sets here (score 1 each); see the report: not wired to the set type yet.
                if (e.Kind != ValueKind.SortedSet)
                {
                    c.Reply.WriteError(Errors.WrongType);
                    return;
                }
                sources[i].Set = (RedisSortedSet)e.Value!;
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
                for (int i = 0; i < n; i++)
                {
                    RedisSortedSet? set = sources[i].Set;
                    if (set is null || set.Count == 0) continue;
                    for (ZIterator it = set.AtRank(0); it.Valid; it.MoveNext())
                    {
                        double score = sources[i].Weight * it.Score;
                        if (double.IsNaN(score)) score = 0;
                        ref double slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(result, it.Member, out bool exists);
                        if (exists) slot = Combine(slot, score, aggregate);
                        else slot = score;
                    }
                }
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

    /// <summary>The SET_OP_INTER walk over the smallest input; returns the cardinality for ZINTERCARD.</summary>
    private static long Intersect(SetOpSource[] sources, Aggregate aggregate, bool cardinalityOnly, long limit, Dictionary<byte[], double> result)
    {
        long cardinality = 0;
        RedisSortedSet first = sources[0].Set!;
        for (ZIterator it = first.AtRank(0); it.Valid; it.MoveNext())
        {
            double score = sources[0].Weight * it.Score;
            if (double.IsNaN(score)) score = 0;
            int j = 1;
            for (; j < sources.Length; j++)
            {
                // Redis does not NaN-check the other inputs' weighted scores before aggregating them.
                if (sources[j].Set is not { } other || !other.TryGetScore(it.Member, out double value)) break;
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
                result[it.Member] = score;
            }
        }
        return cardinality;
    }

    /// <summary>zdiff: the members of the first input found in no other input, with their own scores.</summary>
    private static void Difference(SetOpSource[] sources, Dictionary<byte[], double> result)
    {
        RedisSortedSet? first = sources[0].Set;
        if (first is null || first.Count == 0) return;
        for (ZIterator it = first.AtRank(0); it.Valid; it.MoveNext())
        {
            bool found = false;
            for (int j = 1; j < sources.Length && !found; j++)
            {
                found = sources[j].Set is { } other && other.TryGetScore(it.Member, out _);
            }
            if (!found) result[it.Member] = it.Score;
        }
    }
}
