using System.Globalization;

namespace RedisFast.Server;

/// <summary>Flags of a configuration parameter, as in Redis 7.0's config.c (IMMUTABLE_CONFIG and friends).</summary>
[Flags]
public enum ConfigFlags
{
    None = 0,

    /// <summary>Only settable at start-up (config file or arguments); CONFIG SET refuses it.</summary>
    Immutable = 1,

    /// <summary>CONFIG SET refuses it unless enable-protected-configs allows (dir, dbfilename).</summary>
    Protected = 2,

    /// <summary>Value is a secret (requirepass, masterauth).</summary>
    Sensitive = 4,

    /// <summary>Not matched by CONFIG GET glob patterns, only by its exact name.</summary>
    Hidden = 8,

    /// <summary>The value is several space-separated arguments (save, bind, client-output-buffer-limit).</summary>
    MultiArg = 16,
}

/// <summary>
/// One configuration parameter under Redis's name (and alias), with Redis's parsing, validation error texts and
/// value formatting for its type. Values live either in <see cref="ServerConfig"/> (through the accessor
/// delegates) or, for parameters RedisFast accepts but does not act on, in the parameter itself.
/// </summary>
public abstract class ConfigParameter
{
    protected ConfigParameter(string name, string? alias, ConfigFlags flags)
    {
        Name = name;
        Alias = alias;
        Flags = flags;
    }

    public string Name { get; }

    public string? Alias { get; }

    public ConfigFlags Flags { get; }

    public bool IsMultiArg => (Flags & ConfigFlags.MultiArg) != 0;

    /// <summary>The value as CONFIG GET prints it.</summary>
    public abstract string Get();

    /// <summary>Validates and stores a value given as arguments (one unless <see cref="IsMultiArg"/>).</summary>
    /// <returns>Null on success, else Redis's error text for this parameter type.</returns>
    public abstract string? Set(string[] argv);
}

/// <summary>yes/no parameters (boolConfigSet: "argument must be 'yes' or 'no'").</summary>
public sealed class BoolParameter : ConfigParameter
{
    private readonly Func<bool> _get;
    private readonly Action<bool> _set;
    private bool _value;

    public BoolParameter(string name, string? alias, ConfigFlags flags, bool defaultValue, Func<bool>? get = null, Action<bool>? set = null)
        : base(name, alias, flags)
    {
        _value = defaultValue;
        _get = get ?? (() => _value);
        _set = set ?? (v => _value = v);
    }

    public bool Value => _get();

    public override string Get() => _get() ? "yes" : "no";

    public override string? Set(string[] argv)
    {
        // yesnotoi: case-insensitive "yes"/"no" (config.c).
        if (argv[0].Equals("yes", StringComparison.OrdinalIgnoreCase)) _set(true);
        else if (argv[0].Equals("no", StringComparison.OrdinalIgnoreCase)) _set(false);
        else return "argument must be 'yes' or 'no'";
        return null;
    }
}

/// <summary>How a numeric parameter is parsed and printed (config.c INTEGER_CONFIG, MEMORY_CONFIG, PERCENT_CONFIG, OCTAL_CONFIG).</summary>
public enum NumericFormat
{
    Integer,
    Memory,
    MemoryOrPercent,
    Octal,
}

/// <summary>
/// Integer, memory (1gb, 100mb parsed like memtoull and printed in bytes), percent and octal parameters, with
/// Redis's bounds and error texts (numericParseString, numericBoundaryCheck).
/// </summary>
public sealed class NumericParameter : ConfigParameter
{
    private readonly Func<long> _get;
    private readonly Action<long> _set;
    private readonly Func<long, long>? _normalize;
    private long _value;

    /// <param name="unsigned">Bounds are compared as unsigned (uint, size_t, unsigned long long in Redis).</param>
    /// <param name="normalize">Applied to a valid value before storing (hz is clamped to 1..500).</param>
    public NumericParameter(string name, string? alias, ConfigFlags flags, NumericFormat format, bool unsigned,
        long lower, ulong upper, long defaultValue, Func<long>? get = null, Action<long>? set = null, Func<long, long>? normalize = null)
        : base(name, alias, flags)
    {
        Format = format;
        Unsigned = unsigned;
        Lower = lower;
        Upper = upper;
        _value = defaultValue;
        _get = get ?? (() => _value);
        _set = set ?? (v => _value = v);
        _normalize = normalize;
    }

    public NumericFormat Format { get; }
    public bool Unsigned { get; }
    public long Lower { get; }
    public ulong Upper { get; }

    public long Value => _get();

    public override string Get()
    {
        long value = _get();
        return Format switch
        {
            NumericFormat.MemoryOrPercent when value < 0 => (-value).ToString(CultureInfo.InvariantCulture) + "%",
            NumericFormat.Memory or NumericFormat.MemoryOrPercent => ((ulong)value).ToString(CultureInfo.InvariantCulture),
            NumericFormat.Octal => Convert.ToString(value, 8),
            _ => value.ToString(CultureInfo.InvariantCulture),
        };
    }

    public override string? Set(string[] argv)
    {
        string? error = TryParse(argv[0], out long value) ?? CheckBounds(value);
        if (error is not null) return error;
        _set(_normalize is null ? value : _normalize(value));
        return null;
    }

    private string? TryParse(string text, out long value)
    {
        if (Format is NumericFormat.Memory or NumericFormat.MemoryOrPercent && ConfigValues.TryParseMemory(text, out ulong bytes))
        {
            value = (long)bytes;
            return null;
        }
        // Percent values are stored negated (config.c numericParseString).
        if (Format == NumericFormat.MemoryOrPercent && text.Length > 1 && text[^1] == '%'
            && ConfigValues.TryParseInt64(text[..^1], out value) && value >= 0)
        {
            value = -value;
            return null;
        }
        if (Format == NumericFormat.Octal)
        {
            try
            {
                value = Convert.ToInt64(text, 8);
                return null;
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
            }
        }
        if (Format == NumericFormat.Integer && ConfigValues.TryParseInt64(text, out value)) return null;
        value = 0;
        return Format switch
        {
            NumericFormat.MemoryOrPercent => "argument must be a memory or percent value",
            NumericFormat.Memory => "argument must be a memory value",
            _ => "argument couldn't be parsed into an integer",
        };
    }

    private string? CheckBounds(long value)
    {
        if (Unsigned)
        {
            ulong u = (ulong)value;
            if (u > Upper || u < (ulong)Lower)
            {
                return Format == NumericFormat.Octal
                    ? $"argument must be between {Convert.ToString(Lower, 8)} and {Convert.ToString((long)Upper, 8)} inclusive"
                    : $"argument must be between {(ulong)Lower} and {Upper} inclusive";
            }
            return null;
        }
        if (Format == NumericFormat.MemoryOrPercent && value < 0)
            return value < Lower ? $"percentage argument must be less or equal to {-Lower}" : null;
        if (value > (long)Upper || value < Lower) return $"argument must be between {Lower} and {(long)Upper} inclusive";
        return null;
    }
}

/// <summary>
/// Parameters with a fixed set of names (enumConfigSet). Names compare case-insensitively; a multi-argument
/// enum (shutdown-on-sigterm) is a set of flags printed space-separated.
/// </summary>
public sealed class EnumParameter : ConfigParameter
{
    private readonly string[] _names;
    private readonly Func<string> _get;
    private readonly Action<string> _set;
    private readonly Func<string[], string?>? _validate;
    private string _value;

    /// <param name="names">In Redis's table order: the error message lists them in that order.</param>
    public EnumParameter(string name, string? alias, ConfigFlags flags, string[] names, string defaultValue,
        Func<string>? get = null, Action<string>? set = null, Func<string[], string?>? validate = null)
        : base(name, alias, flags)
    {
        _names = names;
        _value = defaultValue;
        _get = get ?? (() => _value);
        _set = set ?? (v => _value = v);
        _validate = validate;
    }

    public string Value => _get();

    public override string Get() => _get();

    public override string? Set(string[] argv)
    {
        var chosen = new List<string>();
        foreach (string arg in argv)
        {
            string? match = null;
            foreach (string n in _names)
            {
                if (n.Equals(arg, StringComparison.OrdinalIgnoreCase))
                {
                    match = n;
                    break;
                }
            }
            if (match is null || (!IsMultiArg && argv.Length != 1))
                return "argument(s) must be one of the following: " + string.Join(", ", _names);
            if (!chosen.Contains(match)) chosen.Add(match);
        }
        if (chosen.Count == 0) return "argument(s) must be one of the following: " + string.Join(", ", _names);
        string[] values = [.. chosen];
        string? error = _validate?.Invoke(values);
        if (error is not null) return error;
        // Bit-flag enums print their set flags in table order.
        if (IsMultiArg)
        {
            var ordered = new List<string>();
            foreach (string n in _names)
                if (chosen.Contains(n)) ordered.Add(n);
            _set(string.Join(' ', ordered));
        }
        else
        {
            _set(values[0]);
        }
        return null;
    }
}

/// <summary>String parameters (stringConfigSet), with an optional validator returning Redis's error text.</summary>
public sealed class StringParameter : ConfigParameter
{
    private readonly Func<string> _get;
    private readonly Action<string> _set;
    private readonly Func<string, string?>? _validate;
    private string _value;

    public StringParameter(string name, string? alias, ConfigFlags flags, string defaultValue,
        Func<string>? get = null, Action<string>? set = null, Func<string, string?>? validate = null)
        : base(name, alias, flags)
    {
        _value = defaultValue;
        _get = get ?? (() => _value);
        _set = set ?? (v => _value = v);
        _validate = validate;
    }

    public string Value => _get();

    public override string Get() => _get();

    public override string? Set(string[] argv)
    {
        string? error = _validate?.Invoke(argv[0]);
        if (error is not null) return error;
        _set(argv[0]);
        return null;
    }
}

/// <summary>Parameters with their own syntax (save, bind, client-output-buffer-limit, dir, ...): createSpecialConfig.</summary>
public sealed class SpecialParameter : ConfigParameter
{
    private readonly Func<string> _get;
    private readonly Func<string[], string?> _set;

    /// <param name="set">Validates and stores; returns null or Redis's error text.</param>
    public SpecialParameter(string name, string? alias, ConfigFlags flags, Func<string> get, Func<string[], string?> set)
        : base(name, alias, flags)
    {
        _get = get;
        _set = set;
    }

    public override string Get() => _get();

    public override string? Set(string[] argv) => _set(argv);
}

/// <summary>Value parsers shared by the parameter types, with Redis's rules (util.c).</summary>
public static class ConfigValues
{
    /// <summary>
    /// memtoull: digits with an optional unit b, k (1000), kb (1024), m, mb, g, gb, case-insensitive; no sign.
    /// </summary>
    public static bool TryParseMemory(string text, out ulong value)
    {
        value = 0;
        if (text.StartsWith('-')) return false;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        string unit = text[digits..];
        ulong mul;
        if (unit.Length == 0 || unit.Equals("b", StringComparison.OrdinalIgnoreCase)) mul = 1;
        else if (unit.Equals("k", StringComparison.OrdinalIgnoreCase)) mul = 1000;
        else if (unit.Equals("kb", StringComparison.OrdinalIgnoreCase)) mul = 1024;
        else if (unit.Equals("m", StringComparison.OrdinalIgnoreCase)) mul = 1000 * 1000;
        else if (unit.Equals("mb", StringComparison.OrdinalIgnoreCase)) mul = 1024 * 1024;
        else if (unit.Equals("g", StringComparison.OrdinalIgnoreCase)) mul = 1000L * 1000 * 1000;
        else if (unit.Equals("gb", StringComparison.OrdinalIgnoreCase)) mul = 1024L * 1024 * 1024;
        else return false;
        if (digits >= 128) return false;
        // strtoull of no digits is 0 without an error, so "" and "gb" read as 0 as in Redis.
        ulong number = 0;
        if (digits > 0 && !ulong.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out number))
            number = ulong.MaxValue; // strtoull saturates at ULLONG_MAX on overflow
        value = unchecked(number * mul);
        return true;
    }

    /// <summary>string2ll: Redis's strict integer syntax.</summary>
    public static bool TryParseInt64(string text, out long value)
    {
        Span<byte> bytes = stackalloc byte[Math.Min(text.Length, 32)];
        value = 0;
        if (text.Length > 32) return false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] > 127) return false;
            bytes[i] = (byte)text[i];
        }
        return Protocol.NumberParser.TryParseInt64(bytes, out value);
    }

    /// <summary>strtoll(s, &amp;end, 10) with *end == '\0': leading spaces and a sign allowed, saturating.</summary>
    public static bool TryStrtoll(string text, out long value)
    {
        value = 0;
        ReadOnlySpan<char> s = text.AsSpan().TrimStart(" \t\n\v\f\r");
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.Length == 0) return text.Length == 0; // strtoll("") consumes nothing: end points at '\0'
        foreach (char c in s)
            if (!char.IsAsciiDigit(c)) return false;
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v)) v = long.MaxValue;
        value = negative ? -v : v;
        return true;
    }
}
