using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Commands;

/// <summary>
/// OBJECT (Redis 7.0's object.c objectCommand) and the per-type hooks that COPY and OBJECT ENCODING need from the
/// collection types.
/// </summary>
internal static partial class KeyCommands
{
    /// <summary>
    /// <see cref="KeyEntry.Length"/> of a <see cref="ValueKind.StringInt"/> that is a private object (made by COPY's
    /// dupStringObject) rather than one of Redis's shared integers 0..9999; every other writer leaves it 0.
    /// </summary>
    public const int PrivateInteger = 1;

    /// <summary>server.h OBJ_SHARED_INTEGERS.</summary>
    private const long SharedIntegers = 10000;

    /// <summary>server.h OBJ_SHARED_REFCOUNT: the refcount OBJECT REFCOUNT shows for a shared object.</summary>
    private const long SharedRefCount = int.MaxValue;

    private static readonly Func<object, object>?[] s_deepCopy = new Func<object, object>?[256];
    private static readonly Func<object, string>?[] s_encoding = new Func<object, string>?[256];

    /// <summary>
    /// Registers a collection type's hooks: <paramref name="deepCopy"/> returns an independent copy of a value
    /// (COPY, object.c dupXxxObject), <paramref name="encoding"/> the name OBJECT ENCODING reports for a value
    /// ("listpack", "quicklist", "hashtable", "intset", "skiplist"). Call from the type's command group
    /// registration; registering the same hooks again is harmless.
    /// </summary>
    public static void RegisterValueKind(ValueKind kind, Func<object, object> deepCopy, Func<object, string> encoding)
    {
        s_deepCopy[(int)kind] = deepCopy;
        s_encoding[(int)kind] = encoding;
    }

    /// <summary>OBJECT ENCODING key</summary>
    public static void ObjectEncoding(Client c)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[2], notify: false);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteBulk(EncodingName(db.Table.Peek(index)));
    }

    /// <summary>The name OBJECT ENCODING reports for an entry's value (DEBUG OBJECT shows it too).</summary>
    internal static string EncodingName(in KeyEntry e) => e.Kind switch
    {
        ValueKind.StringInt => "int",
        ValueKind.StringEmbedded => "embstr",
        ValueKind.StringRaw => "raw",
        _ => s_encoding[(int)e.Kind] is { } encoding ? encoding(e.Value!) : "unknown",
    };

    /// <summary>Seconds since the entry was last accessed (OBJECT IDLETIME, DEBUG OBJECT's lru_seconds_idle).</summary>
    internal static long IdleSeconds(Keyspace keyspace, in KeyEntry e)
    {
        uint now = keyspace.NowSeconds;
        // 0: a slot filled through KeyTable directly, never stamped; report it as just accessed.
        return e.AccessedAt != 0 && now > e.AccessedAt ? now - e.AccessedAt : 0;
    }

    /// <summary>
    /// OBJECT REFCOUNT key: 2147483647 for the shared integers 0..9999 (which Redis does not share when maxmemory
    /// is set with an LRU or LFU policy), 1 for everything else.
    /// </summary>
    public static void ObjectRefCount(Client c)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[2], notify: false);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        ref KeyEntry e = ref db.Table[index];
        bool shared = e.Kind == ValueKind.StringInt && e.Length != PrivateInteger
            && e.Number >= 0 && e.Number < SharedIntegers && SharesIntegers(c.Server.Config);
        c.Reply.WriteInteger(shared ? SharedRefCount : 1);
    }

    /// <summary>OBJECT IDLETIME key: seconds since the last access; an error under an LFU policy.</summary>
    public static void ObjectIdleTime(Client c)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[2], notify: false);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        if (c.Server.Keyspace.Lfu)
        {
            c.Reply.WriteError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."u8);
            return;
        }
        c.Reply.WriteInteger(IdleSeconds(c.Server.Keyspace, db.Table.Peek(index)));
    }

    /// <summary>OBJECT FREQ key: the key's LFU access counter (decayed as of now); an error unless the maxmemory policy is LFU.</summary>
    public static void ObjectFreq(Client c)
    {
        Database db = c.Db;
        int index = db.LookupReadNoTouch(c.Args[2], notify: false);
        if (index < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        if (!c.Server.Keyspace.Lfu)
        {
            c.Reply.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."u8);
            return;
        }
        c.Reply.WriteInteger(c.Server.Keyspace.LfuCount(db.Table.Peek(index).AccessedAt));
    }

    /// <summary>OBJECT HELP</summary>
    public static void ObjectHelp(Client c)
    {
        ReadOnlySpan<byte> help = """
            *15
            +OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:
            +ENCODING <key>
            +    Return the kind of internal representation used in order to store the value
            +    associated with a <key>.
            +FREQ <key>
            +    Return the access frequency index of the <key>. The returned integer is
            +    proportional to the logarithm of the recent access frequency of the key.
            +IDLETIME <key>
            +    Return the idle time of the <key>, that is the approximated number of
            +    seconds elapsed since the last access to the key.
            +REFCOUNT <key>
            +    Return the number of references of the value associated with the specified
            +    <key>.
            +HELP
            +    Prints this help.

            """u8;
        c.Reply.WriteRaw(s_objectHelp ??= ToCrLf(help));
    }

    private static byte[]? s_objectHelp;

    private static byte[] ToCrLf(ReadOnlySpan<byte> text)
    {
        var bytes = new List<byte>(text.Length + 32);
        foreach (byte b in text)
        {
            if (b == '\r') continue;
            if (b == '\n') bytes.Add((byte)'\r');
            bytes.Add(b);
        }
        return bytes.ToArray();
    }

    /// <summary>
    /// tryObjectEncoding shares the integers 0..9999 unless maxmemory is set with a policy that needs per-key
    /// LRU/LFU data (MAXMEMORY_FLAG_NO_SHARED_INTEGERS).
    /// </summary>
    private static bool SharesIntegers(Server.ServerConfig config) =>
        config.MaxMemory == 0 || config.MaxMemoryPolicy is not ("allkeys-lru" or "volatile-lru" or "allkeys-lfu" or "volatile-lfu");
}
