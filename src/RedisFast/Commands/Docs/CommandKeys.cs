using RedisFast.Protocol;

namespace RedisFast.Commands.Docs;

/// <summary>A key found in a command line: its argument index (0 is the command name) and its key-spec flags.</summary>
internal readonly record struct KeyReference(int Position, KeySpecFlags Flags);

/// <summary>
/// Finds the keys of a full command line the way Redis 7.0 does for COMMAND GETKEYS (db.c
/// getKeysFromCommandWithSpecs): from the command's key specs (captured COMMAND INFO), falling back to the
/// command's own getkeys procedure when a spec cannot be applied (a bad numkeys) or its flags vary with the
/// arguments (SET ... GET). Not on the request path: allocation is fine here.
/// </summary>
internal static class CommandKeys
{
    /// <summary>A getkeys_proc of Redis 7.0 for a command of our table.</summary>
    private delegate int GetKeysProc(CommandArguments args, int offset, int argc, List<KeyReference> result);

    /// <summary>
    /// The commands of our table that have a getkeys_proc in Redis 7.0 (commands.def): the movable-key ones use
    /// genericGetKeys with (store key, numkeys, first key, step) offsets; SET has setGetKeys.
    /// </summary>
    private static readonly Dictionary<string, GetKeysProc> Procs = new()
    {
        ["set"] = SetGetKeys,
        ["bitfield"] = BitfieldGetKeys,
        ["sort"] = SortGetKeys,
        ["georadius"] = GeoradiusGetKeys,
        ["georadiusbymember"] = GeoradiusGetKeys,
        // sortROGetKeys: the sorted key only.
        ["sort_ro"] = static (_, _, _, result) =>
        {
            result.Add(new KeyReference(1, KeySpecFlags.RO | KeySpecFlags.Access));
            return 1;
        },
        // zunionInterDiffStoreGetKeys
        ["zunionstore"] = Generic(1, 2, 3, 1),
        ["zinterstore"] = Generic(1, 2, 3, 1),
        ["zdiffstore"] = Generic(1, 2, 3, 1),
        // zunionInterDiffGetKeys
        ["zunion"] = Generic(0, 1, 2, 1),
        ["zinter"] = Generic(0, 1, 2, 1),
        ["zdiff"] = Generic(0, 1, 2, 1),
        ["zintercard"] = Generic(0, 1, 2, 1),
        // sintercardGetKeys, lmpopGetKeys, blmpopGetKeys, zmpopGetKeys, bzmpopGetKeys
        ["sintercard"] = Generic(0, 1, 2, 1),
        ["lmpop"] = Generic(0, 1, 2, 1),
        ["blmpop"] = Generic(0, 2, 3, 1),
        ["zmpop"] = Generic(0, 1, 2, 1),
        ["bzmpop"] = Generic(0, 2, 3, 1),
        // evalGetKeys
        ["eval"] = Generic(0, 2, 3, 1),
        ["evalsha"] = Generic(0, 2, 3, 1),
        ["eval_ro"] = Generic(0, 2, 3, 1),
        ["evalsha_ro"] = Generic(0, 2, 3, 1),
        // functionGetKeys
        ["fcall"] = Generic(0, 2, 3, 1),
        ["fcall_ro"] = Generic(0, 2, 3, 1),
    };

    /// <summary>
    /// db.c doesCommandHaveKeys: a getkeys procedure, or at least one key spec that is not marked not_key
    /// (PUBLISH's channel is a spec, but not a key).
    /// </summary>
    public static bool HasKeys(CommandDefinition command, KeySpec[] specs)
    {
        if (Procs.ContainsKey(command.FullName)) return true;
        foreach (KeySpec spec in specs)
            if ((spec.Flags & KeySpecFlags.NotKey) == 0) return true;
        return false;
    }

    /// <summary>
    /// getKeysFromCommandWithSpecs with GET_KEYSPEC_DEFAULT: the keys of the command line made of the arguments
    /// of <paramref name="args"/> from <paramref name="offset"/> on (the command name there). Returns the number
    /// of keys added to <paramref name="result"/>; 0 when none could be found.
    /// </summary>
    public static int Find(CommandDefinition command, KeySpec[] specs, CommandArguments args, int offset, List<KeyReference> result)
    {
        int argc = args.Count - offset;
        bool hasKeySpec = false, hasVariableFlags = false;
        foreach (KeySpec spec in specs)
        {
            if ((spec.Flags & KeySpecFlags.NotKey) == 0) hasKeySpec = true;
            if ((spec.Flags & KeySpecFlags.VariableFlags) != 0) hasVariableFlags = true;
        }
        // Key specs are preferred when their flags are reliable; an inapplicable spec falls back to the procedure.
        if (hasKeySpec && !hasVariableFlags)
        {
            int found = FromSpecs(specs, args, offset, argc, result);
            if (found >= 0) return found;
        }
        result.Clear();
        return Procs.TryGetValue(command.FullName, out GetKeysProc? proc) ? proc(args, offset, argc, result) : 0;
    }

    /// <summary>db.c getKeysUsingKeySpecs: the keys, or -1 when a spec does not fit the arguments (invalid_spec).</summary>
    private static int FromSpecs(KeySpec[] specs, CommandArguments args, int offset, int argc, List<KeyReference> result)
    {
        foreach (KeySpec spec in specs)
        {
            // Specs of things that are not keys (channels) are skipped without GET_KEYSPEC_INCLUDE_NOT_KEYS.
            if ((spec.Flags & KeySpecFlags.NotKey) != 0) continue;

            int first = 0;
            if (spec.BeginSearch == BeginSearch.Index)
            {
                first = spec.Index;
            }
            else if (spec.BeginSearch == BeginSearch.Keyword)
            {
                int startIndex = spec.StartFrom > 0 ? spec.StartFrom : argc + spec.StartFrom;
                int endIndex = spec.StartFrom > 0 ? argc - 1 : 0;
                for (int i = startIndex; i != endIndex; i = startIndex <= endIndex ? i + 1 : i - 1)
                {
                    if (i >= argc || i < 1) break;
                    if (System.Text.Ascii.EqualsIgnoreCase(args[offset + i], spec.Keyword))
                    {
                        first = i + 1;
                        break;
                    }
                }
                // Keyword not found: this spec has no keys in this command line.
                if (first == 0) continue;
            }
            else
            {
                return -1;
            }

            int last, step;
            if (spec.FindKeys == FindKeys.Range)
            {
                step = spec.KeyStep;
                if (spec.LastKey >= 0) last = first + spec.LastKey;
                else if (spec.Limit == 0) last = argc + spec.LastKey;
                else last = first + ((argc - first) / spec.Limit + spec.LastKey);
            }
            else if (spec.FindKeys == FindKeys.KeyNum)
            {
                step = spec.KeyStep;
                if (first + spec.KeyNumIndex >= argc) return -1;
                // string2ll: strict, so "2x" makes the spec invalid (and the procedure's atoi then reads 2).
                if (!NumberParser.TryParseInt64(args[offset + first + spec.KeyNumIndex], out long numKeys) || numKeys < 0) return -1;
                first += spec.FirstKey;
                last = first + (int)numKeys - 1;
            }
            else
            {
                return -1;
            }

            // First or last out of bounds: a syntax error the command itself would report.
            if (last >= argc || last < first || first >= argc) return -1;
            for (int i = first; i <= last; i += step) result.Add(new KeyReference(i, spec.Flags));
            if ((spec.Flags & KeySpecFlags.Incomplete) != 0) return -1;
        }
        return result.Count;
    }

    /// <summary>db.c genericGetKeys: numkeys read with atoi; store key (if any) last; no flags.</summary>
    private static GetKeysProc Generic(int storeKeyOffset, int keyCountOffset, int firstKeyOffset, int keyStep) =>
        (args, offset, argc, result) =>
        {
            int num = Atoi(args[offset + keyCountOffset]);
            // Sanity check: no keys when the command is going to reply with a syntax error.
            if (num < 1 || num > (argc - firstKeyOffset) / keyStep) return 0;
            for (int i = 0; i < num; i++) result.Add(new KeyReference(firstKeyOffset + i * keyStep, KeySpecFlags.None));
            if (storeKeyOffset != 0) result.Add(new KeyReference(storeKeyOffset, KeySpecFlags.None));
            return result.Count;
        };

    /// <summary>t_string.c setGetKeys: the key is RW access update with a GET option, OW update without.</summary>
    private static int SetGetKeys(CommandArguments args, int offset, int argc, List<KeyReference> result)
    {
        for (int i = 3; i < argc; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(args[offset + i], "get"u8))
            {
                result.Add(new KeyReference(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update));
                return 1;
            }
        }
        result.Add(new KeyReference(1, KeySpecFlags.OW | KeySpecFlags.Update));
        return 1;
    }

    /// <summary>
    /// bitops.c bitfieldGetKeys: the key is RO access while every operation is a GET (OVERFLOW skipped), else RW access
    /// update (a syntax error too: the safer guess).
    /// </summary>
    private static int BitfieldGetKeys(CommandArguments args, int offset, int argc, List<KeyReference> result)
    {
        bool readOnly = true;
        for (int i = 2; i < argc; i++)
        {
            int remaining = argc - i - 1;
            ReadOnlySpan<byte> arg = args[offset + i];
            if (System.Text.Ascii.EqualsIgnoreCase(arg, "get"u8) && remaining >= 2)
            {
                i += 2;
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(arg, "overflow"u8) && remaining >= 1)
            {
                i += 1;
            }
            else
            {
                readOnly = false;
                break;
            }
        }
        result.Add(new KeyReference(1, readOnly ? KeySpecFlags.RO | KeySpecFlags.Access : KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update));
        return 1;
    }

    /// <summary>
    /// sort.c sortGetKeys: the sorted key (RO access), and the key of the last STORE (OW update). LIMIT, GET and BY
    /// skip their arguments; any other word skips nothing.
    /// </summary>
    private static int SortGetKeys(CommandArguments args, int offset, int argc, List<KeyReference> result)
    {
        result.Add(new KeyReference(1, KeySpecFlags.RO | KeySpecFlags.Access));
        int store = 0;
        for (int i = 2; i < argc; i++)
        {
            ReadOnlySpan<byte> arg = args[offset + i];
            if (System.Text.Ascii.EqualsIgnoreCase(arg, "limit"u8)) i += 2;
            else if (System.Text.Ascii.EqualsIgnoreCase(arg, "get"u8) || System.Text.Ascii.EqualsIgnoreCase(arg, "by"u8)) i += 1;
            else if (System.Text.Ascii.EqualsIgnoreCase(arg, "store"u8) && i + 1 < argc) store = i + 1;
        }
        if (store > 0) result.Add(new KeyReference(store, KeySpecFlags.OW | KeySpecFlags.Update));
        return result.Count;
    }

    /// <summary>
    /// geo.c georadiusGetKeys (GEORADIUS and GEORADIUSBYMEMBER): the source key (RO access), and the key after the last
    /// STORE or STOREDIST from argument 5 on (OW update).
    /// </summary>
    private static int GeoradiusGetKeys(CommandArguments args, int offset, int argc, List<KeyReference> result)
    {
        int stored = -1;
        for (int i = 5; i < argc; i++)
        {
            ReadOnlySpan<byte> arg = args[offset + i];
            if ((System.Text.Ascii.EqualsIgnoreCase(arg, "store"u8) || System.Text.Ascii.EqualsIgnoreCase(arg, "storedist"u8)) && i + 1 < argc)
            {
                stored = i + 1;
                i++;
            }
        }
        result.Add(new KeyReference(1, KeySpecFlags.RO | KeySpecFlags.Access));
        if (stored >= 0) result.Add(new KeyReference(stored, KeySpecFlags.OW | KeySpecFlags.Update));
        return result.Count;
    }

    /// <summary>
    /// C's atoi as glibc has it, (int)strtol(s, NULL, 10): leading white space, a sign, then digits up to the
    /// first other byte; the long saturates on overflow and is then truncated to int.
    /// </summary>
    public static int Atoi(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r') i++;
        bool negative = false;
        if (i < text.Length && text[i] is (byte)'+' or (byte)'-') negative = text[i++] == '-';
        long value = 0;
        bool overflow = false;
        for (; i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            int digit = text[i] - '0';
            if (!overflow && value > (long.MaxValue - digit) / 10) overflow = true;
            if (!overflow) value = value * 10 + digit;
        }
        if (overflow) value = negative ? long.MinValue : long.MaxValue;
        else if (negative) value = -value;
        return unchecked((int)value);
    }
}
