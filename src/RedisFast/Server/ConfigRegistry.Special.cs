using System.Globalization;
using System.Text;
using static RedisFast.Server.ConfigFlags;

namespace RedisFast.Server;

/// <summary>The parameters with a syntax of their own (config.c createSpecialConfig).</summary>
public sealed partial class ConfigRegistry
{
    // notify.c: NOTIFY_* bits.
    private const int NotifyKeyspace = KeyspaceEvents.Keyspace, NotifyKeyevent = KeyspaceEvents.Keyevent,
        NotifyGeneric = KeyspaceEvents.Generic, NotifyString = KeyspaceEvents.String, NotifyList = KeyspaceEvents.List,
        NotifySet = KeyspaceEvents.Set, NotifyHash = KeyspaceEvents.Hash, NotifyZset = KeyspaceEvents.Zset,
        NotifyExpired = KeyspaceEvents.Expired, NotifyEvicted = KeyspaceEvents.Evicted, NotifyStream = KeyspaceEvents.Stream,
        NotifyKeyMiss = KeyspaceEvents.KeyMiss, NotifyLoaded = KeyspaceEvents.Loaded, NotifyModule = KeyspaceEvents.Module,
        NotifyNew = KeyspaceEvents.New;

    private const int NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash | NotifyZset
        | NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule;

    private int _notifyFlags;
    private int[] _oomScoreAdjValues = [0, 200, 800];
    private string _replicaOf = "";
    private double[] _latencyPercentiles = [50, 99, 99.9];

    /// <summary>latency-tracking-info-percentiles: the percentiles INFO latencystats prints.</summary>
    public IReadOnlyList<double> LatencyPercentiles => _latencyPercentiles;

    /// <summary>notify-keyspace-events as NOTIFY_* bits (for the pub/sub notifications).</summary>
    public int NotifyKeyspaceEvents => _notifyFlags;

    private void AddSpecials()
    {
        ServerConfig c = _config;
        Add(new SpecialParameter("dir", null, Protected, () => c.Dir, SetDir));
        Add(new SpecialParameter("save", null, MultiArg, () => c.Save, SetSave));
        Add(new SpecialParameter("client-output-buffer-limit", null, MultiArg, GetOutputBufferLimits, SetOutputBufferLimits));
        Add(new SpecialParameter("oom-score-adj-values", null, MultiArg,
            () => string.Join(' ', _oomScoreAdjValues), SetOomScoreAdjValues));
        Add(new SpecialParameter("notify-keyspace-events", null, None, () => NotifyFlagsToString(_notifyFlags), SetNotifyKeyspaceEvents));
        Add(new SpecialParameter("bind", null, MultiArg, () => string.Join(' ', c.Bind), SetBind));
        Add(new SpecialParameter("replicaof", "slaveof", Immutable | MultiArg, () => _replicaOf, SetReplicaOf));
        Add(new SpecialParameter("latency-tracking-info-percentiles", null, MultiArg,
            () => string.Join(' ', _latencyPercentiles.Select(p => p.ToString("R", CultureInfo.InvariantCulture))), SetLatencyPercentiles));
    }

    /// <summary>setConfigDirOption: the directory must exist; Redis chdir()s into it, the host does the same.</summary>
    private string? SetDir(string[] argv)
    {
        if (argv.Length != 1) return "wrong number of arguments";
        if (!Directory.Exists(argv[0])) return "No such file or directory";
        _config.Dir = Path.GetFullPath(argv[0]);
        return null;
    }

    /// <summary>setConfigSaveOption: pairs of seconds (≥ 1) and changes (≥ 0); a single "" means no snapshots.</summary>
    private string? SetSave(string[] argv)
    {
        if (argv.Length == 1 && argv[0].Length == 0) argv = [];
        if (argv.Length % 2 != 0) return "Invalid save parameters";
        var values = new long[argv.Length];
        for (int j = 0; j < argv.Length; j++)
        {
            if (!ConfigValues.TryStrtoll(argv[j], out values[j]) || (j % 2 == 0 && values[j] < 1) || (j % 2 == 1 && values[j] < 0))
                return "Invalid save parameters";
        }
        var text = new StringBuilder();
        // In a config file several "save" lines add up; the first one replaces the defaults.
        if (ReadingConfigFile && _saveLoadedFromFile && values.Length > 0) text.Append(_config.Save);
        _saveLoadedFromFile |= ReadingConfigFile;
        foreach (long v in values)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(Format(v));
        }
        _config.Save = text.ToString();
        return null;
    }

    private string GetOutputBufferLimits()
    {
        static string Class(string name, OutputBufferLimit l) => $"{name} {l.HardBytes} {l.SoftBytes} {l.SoftSeconds}";
        return Class("normal", _config.OutputBufferLimitNormal) + " " + Class("slave", _config.OutputBufferLimitReplica)
            + " " + Class("pubsub", _config.OutputBufferLimitPubSub);
    }

    /// <summary>setConfigClientOutputBufferLimitOption: groups of class, hard, soft, soft seconds; all or nothing.</summary>
    private string? SetOutputBufferLimits(string[] argv)
    {
        if (argv.Length % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
        var parsed = new List<(string Class, OutputBufferLimit Limit)>();
        for (int j = 0; j < argv.Length; j += 4)
        {
            string cls = argv[j].ToLowerInvariant();
            if (cls is not ("normal" or "slave" or "replica" or "pubsub"))
                return "Invalid client class specified in buffer limit configuration.";
            if (!ConfigValues.TryParseMemory(argv[j + 1], out ulong hard) || !ConfigValues.TryParseMemory(argv[j + 2], out ulong soft)
                || !ConfigValues.TryStrtoll(argv[j + 3], out long seconds) || seconds < 0)
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            parsed.Add((cls, new OutputBufferLimit((long)hard, (long)soft, (int)Math.Min(seconds, int.MaxValue))));
        }
        foreach ((string cls, OutputBufferLimit limit) in parsed)
        {
            if (cls == "normal") _config.OutputBufferLimitNormal = limit;
            else if (cls == "pubsub") _config.OutputBufferLimitPubSub = limit;
            else _config.OutputBufferLimitReplica = limit;
        }
        return null;
    }

    private string? SetOomScoreAdjValues(string[] argv)
    {
        if (argv.Length != 3) return "wrong number of arguments";
        var values = new int[3];
        for (int i = 0; i < 3; i++)
        {
            if (!ConfigValues.TryStrtoll(argv[i], out long v) || v < -2000 || v > 2000)
                return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
            values[i] = (int)v;
        }
        _oomScoreAdjValues = values;
        return null;
    }

    /// <summary>keyspaceEventsStringToFlags (notify.c).</summary>
    private string? SetNotifyKeyspaceEvents(string[] argv)
    {
        if (argv.Length != 1) return "wrong number of arguments";
        int flags = 0;
        foreach (char ch in argv[0])
        {
            int bit = ch switch
            {
                'A' => NotifyAll,
                'g' => NotifyGeneric,
                '$' => NotifyString,
                'l' => NotifyList,
                's' => NotifySet,
                'h' => NotifyHash,
                'z' => NotifyZset,
                'x' => NotifyExpired,
                'e' => NotifyEvicted,
                'K' => NotifyKeyspace,
                'E' => NotifyKeyevent,
                't' => NotifyStream,
                'm' => NotifyKeyMiss,
                'd' => NotifyModule,
                'n' => NotifyNew,
                _ => 0,
            };
            if (bit == 0) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
            flags |= bit;
        }
        _notifyFlags = flags;
        return null;
    }

    /// <summary>keyspaceEventsFlagsToString (notify.c).</summary>
    private static string NotifyFlagsToString(int flags)
    {
        var s = new StringBuilder();
        if ((flags & NotifyAll) == NotifyAll)
        {
            s.Append('A');
        }
        else
        {
            if ((flags & NotifyGeneric) != 0) s.Append('g');
            if ((flags & NotifyString) != 0) s.Append('$');
            if ((flags & NotifyList) != 0) s.Append('l');
            if ((flags & NotifySet) != 0) s.Append('s');
            if ((flags & NotifyHash) != 0) s.Append('h');
            if ((flags & NotifyZset) != 0) s.Append('z');
            if ((flags & NotifyExpired) != 0) s.Append('x');
            if ((flags & NotifyEvicted) != 0) s.Append('e');
            if ((flags & NotifyStream) != 0) s.Append('t');
            if ((flags & NotifyModule) != 0) s.Append('d');
            if ((flags & NotifyNew) != 0) s.Append('n');
        }
        if ((flags & NotifyKeyspace) != 0) s.Append('K');
        if ((flags & NotifyKeyevent) != 0) s.Append('E');
        if ((flags & NotifyKeyMiss) != 0) s.Append('m');
        return s.ToString();
    }

    /// <summary>setConfigBindOption: up to 16 addresses; a single "" means none.</summary>
    private string? SetBind(string[] argv)
    {
        if (argv.Length > MaxBindAddresses) return "Too many bind addresses specified.";
        if (argv.Length == 1 && argv[0].Length == 0) argv = [];
        _config.Bind = argv;
        return null;
    }

    /// <summary>setConfigReplicaOfOption: "no one" or host and port. RedisFast accepts it but does not replicate.</summary>
    private string? SetReplicaOf(string[] argv)
    {
        if (argv.Length != 2) return "wrong number of arguments";
        if (argv[0].Equals("no", StringComparison.OrdinalIgnoreCase) && argv[1].Equals("one", StringComparison.OrdinalIgnoreCase))
        {
            _replicaOf = "";
            return null;
        }
        if (!ConfigValues.TryStrtoll(argv[1], out long port) || port < 0 || port > 65535) return "Invalid master port";
        _replicaOf = argv[0] + " " + Format(port);
        return null;
    }

    private string? SetLatencyPercentiles(string[] argv)
    {
        if (argv.Length == 1 && argv[0].Length == 0) argv = [];
        var values = new double[argv.Length];
        for (int i = 0; i < argv.Length; i++)
        {
            if (!double.TryParse(argv[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                return "latency-tracking-info-percentiles parameters should be a double";
            if (values[i] < 0 || values[i] > 100) return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        }
        _latencyPercentiles = values;
        return null;
    }
}
