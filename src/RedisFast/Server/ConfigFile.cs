using System.Text;

namespace RedisFast.Server;

/// <summary>
/// Reads redis.conf-style configuration the way redis-server does (config.c loadServerConfigFromString): one
/// directive per line, arguments split like sdssplitargs (quotes, escapes), '#' comments, <c>include</c>; the
/// command line's <c>--name value</c> options are appended after the file, so they override it.
/// </summary>
public static class ConfigFile
{
    /// <summary>The version the fatal error banner names, as in Redis's "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***".</summary>
    public const string RedisVersion = "7.0.15";

    /// <summary>Directives Redis 7.0 still accepts and ignores (config.c deprecated_configs), with their argc range.</summary>
    private static readonly (string Name, int Min, int Max)[] Deprecated =
        [("list-max-ziplist-entries", 2, 2), ("list-max-ziplist-value", 2, 2), ("lua-replicate-commands", 2, 2)];

    /// <summary>
    /// Splits redis-server's arguments (server.c main): an optional config file path first (any argument that does
    /// not start with "--"), then options. "--port 6380" becomes the line "port 6380"; a lone "--save" (last, or
    /// followed by another option) becomes <c>save ""</c>.
    /// </summary>
    /// <returns>The config file path (null when none) and the option lines to apply after it.</returns>
    public static (string? Path, string Options) ParseCommandLine(IReadOnlyList<string> args)
    {
        int j = 0;
        string? path = null;
        if (args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            path = args[0];
            j = 1;
        }
        var options = new StringBuilder();
        bool handledLastConfigArg = true;
        for (; j < args.Count; j++)
        {
            string arg = args[j];
            if (handledLastConfigArg && arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (options.Length > 0) options.Append('\n');
                options.Append(arg, 2, arg.Length - 2).Append(' ');
                string[]? parts = SplitArgs(arg);
                if (parts is { Length: 1 })
                {
                    // Just an option name: its value follows in the next argument.
                    handledLastConfigArg = false;
                    bool isSave = arg.Equals("--save", StringComparison.OrdinalIgnoreCase);
                    if (isSave && j != args.Count - 1 && args[j + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        options.Append("\"\"");
                        handledLastConfigArg = true;
                    }
                    else if (isSave && j == args.Count - 1)
                    {
                        options.Append("\"\"");
                    }
                }
                else
                {
                    handledLastConfigArg = true;
                }
            }
            else
            {
                AppendRepr(options, arg);
                options.Append(' ');
                handledLastConfigArg = true;
            }
        }
        return (path, options.ToString());
    }

    /// <summary>Loads <paramref name="path"/> (if any) followed by <paramref name="options"/> into the registry.</summary>
    /// <exception cref="ConfigFileException">A line is not valid; the message is Redis's fatal error block.</exception>
    public static void Load(ConfigRegistry registry, string? path, string options)
    {
        string text = "";
        if (path is not null)
        {
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CannotOpen(path, e);
            }
        }
        if (options.Length > 0) text += "\n" + options;
        LoadString(registry, text);
    }

    /// <summary>Applies configuration text (loadServerConfigFromString).</summary>
    public static void LoadString(ConfigRegistry registry, string text)
    {
        bool wasReading = registry.ReadingConfigFile;
        registry.ReadingConfigFile = true;
        try
        {
            LoadLines(registry, text);
        }
        finally
        {
            registry.ReadingConfigFile = wasReading;
        }
    }

    private static void LoadLines(ConfigRegistry registry, string text)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim(' ', '\t', '\r', '\n');
            if (line.Length == 0 || line[0] == '#') continue;
            string[]? argv = SplitArgs(line);
            if (argv is null) throw Fail(i, line, "Unbalanced quotes in configuration line");
            if (argv.Length == 0) continue;
            argv[0] = argv[0].ToLowerInvariant();
            ConfigParameter? parameter = registry.Find(argv[0]);
            if (parameter is not null)
            {
                if (!parameter.IsMultiArg && argv.Length != 2) throw Fail(i, line, "wrong number of arguments");
                string[] values = parameter.IsMultiArg && argv.Length == 2 && argv[1].Length > 0
                    ? SplitArgs(argv[1]) ?? throw Fail(i, line, "Unbalanced quotes in configuration line")
                    : argv[1..];
                string? error = parameter.Set(values);
                if (error is not null) throw Fail(i, line, error);
                continue;
            }
            bool deprecated = false;
            foreach ((string name, int min, int max) in Deprecated)
                deprecated |= name == argv[0] && argv.Length >= min && argv.Length <= max;
            if (deprecated) continue;
            if (argv[0] == "include" && argv.Length == 2)
            {
                foreach (string file in ExpandInclude(argv[1]))
                {
                    string included;
                    try
                    {
                        included = File.ReadAllText(file);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw CannotOpen(file, e);
                    }
                    LoadString(registry, included);
                }
                continue;
            }
            if (argv[0] is "rename-command" or "user" or "loadmodule" or "sentinel")
                throw Fail(i, line, $"'{argv[0]}' is not supported by RedisFast");
            throw Fail(i, line, "Bad directive or wrong number of arguments");
        }
    }

    /// <summary>include accepts a glob in the file name (Redis 7.0): matching files load in name order.</summary>
    private static IEnumerable<string> ExpandInclude(string pattern)
    {
        string name = Path.GetFileName(pattern);
        if (name.AsSpan().IndexOfAny("*?[") < 0) return [pattern];
        string dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        if (!Directory.Exists(dir)) return [];
        var files = new List<string>();
        foreach (string file in Directory.GetFiles(dir))
            if (Protocol.GlobMatcher.IsMatch(name, Path.GetFileName(file))) files.Add(file);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>loadServerConfig's message, with strerror's wording for the usual causes.</summary>
    private static ConfigFileException CannotOpen(string path, Exception e)
    {
        string reason = e switch
        {
            FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
            UnauthorizedAccessException => "Permission denied",
            _ => e.Message,
        };
        return new ConfigFileException($"Fatal error, can't open config file '{Path.GetFullPath(path)}': {reason}");
    }

    private static ConfigFileException Fail(int index, string line, string reason) =>
        new($"\n*** FATAL CONFIG FILE ERROR (Redis {RedisVersion}) ***\nReading the configuration file, at line {index + 1}\n>>> '{line}'\n{reason}");

    /// <summary>
    /// sdssplitargs: whitespace-separated arguments; "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes,
    /// 'single quotes' with \' only; a closing quote must be followed by a space or the end.
    /// </summary>
    /// <returns>The arguments, or null on unbalanced quotes.</returns>
    public static string[]? SplitArgs(string line)
    {
        var args = new List<string>();
        int p = 0;
        while (true)
        {
            while (p < line.Length && char.IsWhiteSpace(line[p])) p++;
            if (p >= line.Length) return [.. args];
            var current = new StringBuilder();
            bool inDouble = false, inSingle = false, done = false;
            while (!done)
            {
                char c = p < line.Length ? line[p] : '\0';
                bool atEnd = p >= line.Length;
                if (inDouble)
                {
                    if (atEnd) return null;
                    if (c == '\\' && p + 3 < line.Length && line[p + 1] == 'x' && char.IsAsciiHexDigit(line[p + 2]) && char.IsAsciiHexDigit(line[p + 3]))
                    {
                        current.Append((char)Convert.ToInt32(line.Substring(p + 2, 2), 16));
                        p += 3;
                    }
                    else if (c == '\\' && p + 1 < line.Length)
                    {
                        p++;
                        current.Append(line[p] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'a' => '\a', var o => o });
                    }
                    else if (c == '"')
                    {
                        if (p + 1 < line.Length && !char.IsWhiteSpace(line[p + 1])) return null;
                        done = true;
                    }
                    else
                    {
                        current.Append(c);
                    }
                }
                else if (inSingle)
                {
                    if (atEnd) return null;
                    if (c == '\\' && p + 1 < line.Length && line[p + 1] == '\'')
                    {
                        p++;
                        current.Append('\'');
                    }
                    else if (c == '\'')
                    {
                        if (p + 1 < line.Length && !char.IsWhiteSpace(line[p + 1])) return null;
                        done = true;
                    }
                    else
                    {
                        current.Append(c);
                    }
                }
                else if (atEnd || c is ' ' or '\n' or '\r' or '\t' or '\0')
                {
                    done = true;
                }
                else if (c == '"') inDouble = true;
                else if (c == '\'') inSingle = true;
                else current.Append(c);
                if (p < line.Length) p++;
            }
            args.Add(current.ToString());
        }
    }

    /// <summary>sdscatrepr: a double-quoted, escaped form that <see cref="SplitArgs"/> reads back unchanged.</summary>
    public static void AppendRepr(StringBuilder s, string value)
    {
        s.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': s.Append("\\\\"); break;
                case '"': s.Append("\\\""); break;
                case '\n': s.Append("\\n"); break;
                case '\r': s.Append("\\r"); break;
                case '\t': s.Append("\\t"); break;
                case '\a': s.Append("\\a"); break;
                case '\b': s.Append("\\b"); break;
                default:
                    if (c < 32 || c == 127) s.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else s.Append(c);
                    break;
            }
        }
        s.Append('"');
    }
}

/// <summary>A configuration that cannot be loaded; <see cref="Exception.Message"/> is what the host prints to stderr.</summary>
public sealed class ConfigFileException(string message) : Exception(message);
