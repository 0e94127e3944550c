namespace RedisFast.Server;

/// <summary>CONFIG SET and CONFIG GET semantics over the registry (config.c configSetCommand, configGetCommand).</summary>
public sealed partial class ConfigRegistry
{
    /// <summary>
    /// Sets several parameters atomically, as CONFIG SET does: every name is checked first (unknown, immutable,
    /// protected, duplicate), then values are set in order and all of them are restored if one fails.
    /// </summary>
    /// <param name="pairs">Name and value pairs as the client sent them.</param>
    /// <param name="allowProtected">Whether protected parameters may be set (enable-protected-configs for this client).</param>
    /// <returns>Null on success, else the whole error reply text starting with "ERR".</returns>
    /// <param name="apply">
    /// Called with the parameters whose value changed once all are set (Redis's apply functions, e.g. rebinding
    /// after port or bind); returns null or an error reply. On error every value is restored and it is called again.
    /// </param>
    public string? SetMany(IReadOnlyList<(string Name, string Value)> pairs, bool allowProtected,
        Func<IReadOnlyList<ConfigParameter>, string?>? apply = null)
    {
        var targets = new ConfigParameter[pairs.Count];
        string? invalidName = null, errorName = null, error = null;
        for (int i = 0; i < pairs.Count; i++)
        {
            ConfigParameter? p = Find(pairs[i].Name);
            if (p is null)
            {
                invalidName ??= pairs[i].Name;
                break;
            }
            if ((p.Flags & ConfigFlags.Immutable) != 0 || ((p.Flags & ConfigFlags.Protected) != 0 && !allowProtected))
            {
                error = (p.Flags & ConfigFlags.Immutable) != 0 ? "can't set immutable config" : "can't set protected config";
                errorName = pairs[i].Name;
                break;
            }
            if (Array.IndexOf(targets, p, 0, i) >= 0)
            {
                error = "duplicate parameter";
                errorName = pairs[i].Name;
                break;
            }
            targets[i] = p;
        }
        if (invalidName is not null) return $"ERR Unknown option or number of arguments for CONFIG SET - '{invalidName}'";
        if (error is not null) return $"ERR CONFIG SET failed (possibly related to argument '{errorName}') - {error}";

        var old = new string[targets.Length];
        for (int i = 0; i < targets.Length; i++) old[i] = targets[i].Get();
        for (int i = 0; i < targets.Length; i++)
        {
            error = targets[i].Set(SplitValue(targets[i], pairs[i].Value));
            if (error is not null)
            {
                // restoreBackupConfig: put back every value set so far, this one included.
                for (int j = 0; j <= i; j++) targets[j].Set(SplitValue(targets[j], old[j]));
                return $"ERR CONFIG SET failed (possibly related to argument '{targets[i].Name}') - {error}";
            }
        }
        if (apply is null) return null;
        var changed = new List<ConfigParameter>();
        for (int i = 0; i < targets.Length; i++)
            if (targets[i].Get() != old[i]) changed.Add(targets[i]);
        if (changed.Count == 0) return null;
        error = apply(changed);
        if (error is null) return null;
        for (int i = 0; i < targets.Length; i++) targets[i].Set(SplitValue(targets[i], old[i]));
        apply(changed);
        return error;
    }

    /// <summary>
    /// CONFIG GET: exact names (and aliases) are looked up directly; glob patterns match every name and alias
    /// except hidden parameters, case-insensitively. Each parameter is reported once, under the first name that
    /// matched it (an alias is a name of its own: "*" reports both replica-read-only and slave-read-only).
    /// </summary>
    public List<(string Name, string Value)> GetMatching(IEnumerable<string> patterns)
    {
        var result = new List<(string Name, string Value)>();
        var seenNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pattern in patterns)
        {
            if (pattern.AsSpan().IndexOfAny("[*?") < 0)
            {
                ConfigParameter? p = Find(pattern);
                if (p is not null && seenNames.Add(pattern)) result.Add((pattern, p.Get()));
                continue;
            }
            foreach (KeyValuePair<string, ConfigParameter> entry in _byName)
            {
                ConfigParameter p = entry.Value;
                if ((p.Flags & ConfigFlags.Hidden) != 0 || seenNames.Contains(entry.Key)) continue;
                if (Protocol.GlobMatcher.IsMatch(pattern, entry.Key, ignoreCase: true))
                {
                    seenNames.Add(entry.Key);
                    result.Add((entry.Key, p.Get()));
                }
            }
        }
        return result;
    }

    /// <summary>performInterfaceSet: a multi-argument value is split on single spaces (sdssplitlen); "" is no arguments.</summary>
    private static string[] SplitValue(ConfigParameter p, string value)
    {
        if (!p.IsMultiArg) return [value];
        return value.Length == 0 ? [] : value.Split(' ');
    }
}
