namespace RedisFast.Commands.Docs;

/// <summary>Key-spec flags with Redis 7.0's meanings (server.h CMD_KEY_*), as COMMAND INFO names them.</summary>
[Flags]
internal enum KeySpecFlags
{
    None = 0,
    RO = 1 << 0,
    RW = 1 << 1,
    OW = 1 << 2,
    RM = 1 << 3,
    Access = 1 << 4,
    Update = 1 << 5,
    Insert = 1 << 6,
    Delete = 1 << 7,
    NotKey = 1 << 8,
    Incomplete = 1 << 9,
    VariableFlags = 1 << 10,
}

/// <summary>How a key spec finds its first argument (Redis's kspec_bs_type).</summary>
internal enum BeginSearch
{
    Unknown,
    Index,
    Keyword,
}

/// <summary>How a key spec finds the keys after the first (Redis's kspec_fk_type).</summary>
internal enum FindKeys
{
    Unknown,
    Range,
    KeyNum,
}

/// <summary>
/// One key specification of a command (server.h keySpec), read from the captured COMMAND INFO reply. Only the
/// fields of its begin-search and find-keys kinds are meaningful.
/// </summary>
internal sealed class KeySpec
{
    /// <summary>Flag names in the order addReplyFlagsForKeyArgs (server.c) prints them.</summary>
    public static readonly (KeySpecFlags Flag, string Name)[] FlagNames =
    [
        (KeySpecFlags.RO, "RO"),
        (KeySpecFlags.RW, "RW"),
        (KeySpecFlags.OW, "OW"),
        (KeySpecFlags.RM, "RM"),
        (KeySpecFlags.Access, "access"),
        (KeySpecFlags.Update, "update"),
        (KeySpecFlags.Insert, "insert"),
        (KeySpecFlags.Delete, "delete"),
        (KeySpecFlags.NotKey, "not_key"),
        (KeySpecFlags.Incomplete, "incomplete"),
        (KeySpecFlags.VariableFlags, "variable_flags"),
    ];

    public KeySpecFlags Flags;

    public BeginSearch BeginSearch;

    /// <summary>BeginSearch.Index: the argument index of the first key.</summary>
    public int Index;

    /// <summary>BeginSearch.Keyword: the keyword after which the keys start.</summary>
    public string Keyword = "";

    /// <summary>BeginSearch.Keyword: where the search starts; negative counts from the end, searching backwards.</summary>
    public int StartFrom;

    public FindKeys FindKeys;

    /// <summary>FindKeys.Range: the last key relative to the first; negative counts from the end of the arguments.</summary>
    public int LastKey;

    /// <summary>FindKeys.Range and KeyNum: the distance between keys.</summary>
    public int KeyStep;

    /// <summary>FindKeys.Range with LastKey -1: only 1/Limit of the remaining arguments are keys (0: all).</summary>
    public int Limit;

    /// <summary>FindKeys.KeyNum: the numkeys argument, relative to the first.</summary>
    public int KeyNumIndex;

    /// <summary>FindKeys.KeyNum: the first key, relative to the first.</summary>
    public int FirstKey;

    /// <summary>The flag bit of a name as COMMAND INFO prints it ("RW", "access", ...); None for an unknown name.</summary>
    public static KeySpecFlags FlagOf(string name)
    {
        foreach ((KeySpecFlags flag, string known) in FlagNames)
            if (known == name) return flag;
        return KeySpecFlags.None;
    }

    /// <summary>Builds a spec from its COMMAND INFO entry (a RESP2 array of alternating field names and values).</summary>
    public static KeySpec Parse(RespNode resp2)
    {
        var spec = new KeySpec();
        RespNode? flags = Field(resp2, "flags");
        if (flags is not null)
            foreach (RespNode flag in flags.Children) spec.Flags |= FlagOf(flag.Text!);

        RespNode? begin = Field(resp2, "begin_search");
        RespNode? beginSpec = begin is null ? null : Field(begin, "spec");
        switch (begin is null ? null : Field(begin, "type")?.Text)
        {
            case "index":
                spec.BeginSearch = BeginSearch.Index;
                spec.Index = Number(beginSpec, "index");
                break;
            case "keyword":
                spec.BeginSearch = BeginSearch.Keyword;
                spec.Keyword = Field(beginSpec!, "keyword")?.Text ?? "";
                spec.StartFrom = Number(beginSpec, "startfrom");
                break;
        }

        RespNode? find = Field(resp2, "find_keys");
        RespNode? findSpec = find is null ? null : Field(find, "spec");
        switch (find is null ? null : Field(find, "type")?.Text)
        {
            case "range":
                spec.FindKeys = FindKeys.Range;
                spec.LastKey = Number(findSpec, "lastkey");
                spec.KeyStep = Number(findSpec, "keystep");
                spec.Limit = Number(findSpec, "limit");
                break;
            case "keynum":
                spec.FindKeys = FindKeys.KeyNum;
                spec.KeyNumIndex = Number(findSpec, "keynumidx");
                spec.FirstKey = Number(findSpec, "firstkey");
                spec.KeyStep = Number(findSpec, "keystep");
                break;
        }
        return spec;
    }

    private static RespNode? Field(RespNode map, string name)
    {
        for (int i = 0; i + 1 < map.Children.Length; i += 2)
            if (map.Children[i].Text == name) return map.Children[i + 1];
        return null;
    }

    private static int Number(RespNode? map, string name)
    {
        string? text = map is null ? null : Field(map, name)?.Text;
        return text is null ? 0 : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
