using RedisFast.Server;
using System.Globalization;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// GEOADD GEOPOS GEODIST GEOHASH GEORADIUS[BYMEMBER][_RO] GEOSEARCH[STORE] (geo.c): positions are members of a sorted set whose score is their 52-bit geohash
/// (<see cref="GeoHash"/>), so every sorted set command works on them, and GEOADD is logged as the ZADD it is.
/// </summary>
internal static class GeoCommands
{
    public static void Register(CommandLookup t)
    {
        // Arity, flags and key positions as COMMAND INFO reports them on redis-server 7.0.15.
        t.Add("geoadd", -5, Write | DenyOom, 1, 1, 1, GeoAdd, "geo");
        t.Add("geopos", -2, ReadOnly, 1, 1, 1, GeoPos, "geo");
        t.Add("geodist", -4, ReadOnly, 1, 1, 1, GeoDist, "geo");
        t.Add("geohash", -2, ReadOnly, 1, 1, 1, GeoHashCommand, "geo");
        t.Add("georadius", -6, Write | DenyOom | MovableKeys, 1, 1, 1, static c => Search(c, 1, SearchFrom.Coordinates), "geo");
        t.Add("georadius_ro", -6, ReadOnly, 1, 1, 1, static c => Search(c, 1, SearchFrom.Coordinates | SearchFrom.NoStore), "geo");
        t.Add("georadiusbymember", -5, Write | DenyOom | MovableKeys, 1, 1, 1, static c => Search(c, 1, SearchFrom.Member), "geo");
        t.Add("georadiusbymember_ro", -5, ReadOnly, 1, 1, 1, static c => Search(c, 1, SearchFrom.Member | SearchFrom.NoStore), "geo");
        t.Add("geosearch", -7, ReadOnly, 1, 1, 1, static c => Search(c, 1, SearchFrom.Options), "geo");
        t.Add("geosearchstore", -8, Write | DenyOom, 1, 2, 1, static c => Search(c, 2, SearchFrom.Options | SearchFrom.Store), "geo");
    }

    /// <summary>georadiusGeneric's flags: where the centre and shape come from, and whether results may be stored.</summary>
    [Flags]
    private enum SearchFrom
    {
        /// <summary>GEORADIUS: longitude latitude radius unit.</summary>
        Coordinates = 1,

        /// <summary>GEORADIUSBYMEMBER: member radius unit.</summary>
        Member = 2,

        /// <summary>The _RO variants: no STORE or STOREDIST.</summary>
        NoStore = 4,

        /// <summary>GEOSEARCH: FROMMEMBER|FROMLONLAT and BYRADIUS|BYBOX options.</summary>
        Options = 8,

        /// <summary>GEOSEARCHSTORE: destination first, STOREDIST allowed.</summary>
        Store = 16,
    }

    /// <summary>One member found: where it is, its distance (meters until the reply divides by the unit) and its score.</summary>
    private struct Found
    {
        public byte[] Member;
        public double Longitude, Latitude, Distance, Score;
    }

    /// <summary>The search area: a circle of radius meters, or a box width x height meters, around a point.</summary>
    private struct Shape
    {
        public double Longitude, Latitude, Radius, Width, Height, Conversion;
        public bool IsBox;
    }

    /// <summary>
    /// georadiusGeneric: GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH and GEOSEARCHSTORE. The members within the
    /// shape are collected cell by cell (the centre's geohash cell and its neighbours, each read as a score range of
    /// the sorted set), optionally sorted by distance and cut at COUNT (ANY: stop collecting there), then replied (WITHDIST,
    /// WITHHASH, WITHCOORD) or stored as a sorted set of geohashes or (STOREDIST) distances.
    /// </summary>
    private static void Search(Client c, int sourceArg, SearchFrom from)
    {
        Database db = c.Db;
        int sourceIndex = db.LookupRead(c.Args[sourceArg]);
        RedisSortedSet? set = null;
        if (sourceIndex >= 0)
        {
            if (db.Table[sourceIndex].Kind != ValueKind.SortedSet)
            {
                c.Reply.WriteError(Errors.WrongType);
                return;
            }
            set = (RedisSortedSet)db.Table[sourceIndex].Value!;
        }

        var shape = new Shape { Conversion = 1 };
        int baseArgs;
        int storeArg = -1;
        if ((from & SearchFrom.Coordinates) != 0)
        {
            baseArgs = 6;
            if (!TryParseLongLat(c, 2, out shape.Longitude, out shape.Latitude)) return;
            if (!TryParseDistance(c, 4, out shape.Radius, out shape.Conversion)) return;
        }
        else if ((from & SearchFrom.Member) != 0)
        {
            baseArgs = 5;
            if (set is not null)
            {
                if (!TryMemberPosition(c, set, c.Args[2], out shape.Longitude, out shape.Latitude)) return;
                if (!TryParseDistance(c, 3, out shape.Radius, out shape.Conversion)) return;
            }
        }
        else
        {
            baseArgs = (from & SearchFrom.Store) != 0 ? 3 : 2;
            if ((from & SearchFrom.Store) != 0) storeArg = 1;
        }

        bool withDist = false, withHash = false, withCoord = false, any = false, storeDist = false;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        int sort = 0; // 0 none, 1 ascending, -1 descending
        long count = 0;
        bool options = (from & SearchFrom.Options) != 0;
        for (int i = baseArgs; i < c.Argc; i++)
        {
            ReadOnlySpan<byte> arg = c.Args[i];
            int left = c.Argc - i - 1;
            if (Ascii.EqualsIgnoreCase(arg, "withdist"u8)) withDist = true;
            else if (Ascii.EqualsIgnoreCase(arg, "withhash"u8)) withHash = true;
            else if (Ascii.EqualsIgnoreCase(arg, "withcoord"u8)) withCoord = true;
            else if (Ascii.EqualsIgnoreCase(arg, "any"u8)) any = true;
            else if (Ascii.EqualsIgnoreCase(arg, "asc"u8)) sort = 1;
            else if (Ascii.EqualsIgnoreCase(arg, "desc"u8)) sort = -1;
            else if (Ascii.EqualsIgnoreCase(arg, "count"u8) && left >= 1)
            {
                if (!NumberParser.TryParseInt64(c.Args[++i], out count))
                {
                    c.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (count <= 0)
                {
                    c.Reply.WriteError("ERR COUNT must be > 0"u8);
                    return;
                }
            }
            else if ((Ascii.EqualsIgnoreCase(arg, "store"u8) || Ascii.EqualsIgnoreCase(arg, "storedist"u8)) && left >= 1
                && (from & (SearchFrom.NoStore | SearchFrom.Options)) == 0)
            {
                storeDist = Ascii.EqualsIgnoreCase(arg, "storedist"u8);
                storeArg = ++i;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "storedist"u8) && options && (from & SearchFrom.Store) != 0)
            {
                storeDist = true;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "frommember"u8) && left >= 1 && options && !fromLonLat)
            {
                i++;
                fromMember = true;
                if (set is not null && !TryMemberPosition(c, set, c.Args[i], out shape.Longitude, out shape.Latitude)) return;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "fromlonlat"u8) && left >= 2 && options && !fromMember)
            {
                if (!TryParseLongLat(c, i + 1, out shape.Longitude, out shape.Latitude)) return;
                fromLonLat = true;
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "byradius"u8) && left >= 2 && options && !byBox)
            {
                if (!TryParseDistance(c, i + 1, out shape.Radius, out shape.Conversion)) return;
                shape.IsBox = false;
                byRadius = true;
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(arg, "bybox"u8) && left >= 3 && options && !byRadius)
            {
                if (!TryParseBox(c, i + 1, out shape.Width, out shape.Height, out shape.Conversion)) return;
                shape.IsBox = true;
                byBox = true;
                i += 3;
            }
            else
            {
                c.Reply.WriteError(Errors.Syntax);
                return;
            }
        }

        if (storeArg >= 0 && (withDist || withHash || withCoord))
        {
            c.Reply.WriteError((from & SearchFrom.Store) != 0
                ? "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
                : "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (options && !(fromMember || fromLonLat))
        {
            c.Reply.WriteError($"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {Encoding.UTF8.GetString(c.Args[0])}");
            return;
        }
        if (options && !(byRadius || byBox))
        {
            c.Reply.WriteError($"ERR exactly one of BYRADIUS and BYBOX can be specified for {Encoding.UTF8.GetString(c.Args[0])}");
            return;
        }
        if (any && count == 0)
        {
            c.Reply.WriteError("ERR the ANY argument requires COUNT argument"u8);
            return;
        }
        if (set is null)
        {
            if (storeArg >= 0)
            {
                KeyCommands.DeleteStoreDestination(c, c.Args[storeArg]);
                c.Reply.WriteInteger(0);
            }
            else
            {
                c.Reply.WriteArrayHeader(0);
            }
            return;
        }
        // COUNT picks the closest ones: without ANY it implies sorting.
        if (count != 0 && sort == 0 && !any) sort = 1;

        List<Found> found = Collect(set, shape, any ? count : 0);
        if (found.Count == 0 && storeArg < 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        int returned = count == 0 || found.Count < count ? found.Count : (int)count;
        if (sort != 0)
        {
            // Stable, as glibc's qsort is: members at the same distance stay in the order they were found.
            found = [.. (sort > 0 ? found.OrderBy(f => f.Distance) : found.OrderByDescending(f => f.Distance))];
        }

        if (storeArg < 0)
        {
            int extra = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
            c.Reply.WriteArrayHeader(returned);
            for (int i = 0; i < returned; i++)
            {
                Found f = found[i];
                if (extra > 0) c.Reply.WriteArrayHeader(extra + 1);
                c.Reply.WriteBulk(f.Member);
                if (withDist) WriteDistance(c, f.Distance / shape.Conversion);
                if (withHash) c.Reply.WriteInteger((long)f.Score);
                if (withCoord)
                {
                    c.Reply.WriteArrayHeader(2);
                    WriteHumanDouble(c, f.Longitude);
                    WriteHumanDouble(c, f.Latitude);
                }
            }
            return;
        }

        ReadOnlySpan<byte> storeKey = c.Args[storeArg];
        if (returned == 0)
        {
            KeyCommands.DeleteStoreDestination(c, storeKey);
            c.Reply.WriteInteger(0);
            return;
        }
        int maxEntries = c.Server.Config.ZsetMaxListpackEntries, maxValue = c.Server.Config.ZsetMaxListpackValue;
        int longest = 0;
        for (int i = 0; i < returned; i++) longest = Math.Max(longest, found[i].Member.Length);
        // zsetConvertToListpackIfNeeded: built as a skiplist, a listpack when small enough.
        var result = RedisSortedSet.Create(returned, longest, maxEntries, maxValue);
        for (int i = 0; i < returned; i++)
            result.Add(found[i].Member, storeDist ? found[i].Distance / shape.Conversion : found[i].Score, 0, out _, out _, maxEntries, maxValue);
        int target = db.LookupOrAdd(storeKey, out _);
        db.SetString(target, ReadOnlySpan<byte>.Empty, keepTtl: false);
        db.SetObject(target, ValueKind.SortedSet, result);
        db.KeyModified(storeKey);
        c.Notify(KeyspaceEvents.Zset, (from & SearchFrom.Store) != 0 ? "geosearchstore"u8 : "georadiusstore"u8, storeKey);
        c.Reply.WriteInteger(returned);
    }

    /// <summary>membersOfAllNeighbors: the members within the shape, cell by cell, each cell in score order.</summary>
    private static List<Found> Collect(RedisSortedSet set, in Shape shape, long limit)
    {
        double radius = shape.IsBox
            ? Math.Sqrt(shape.Width / 2 * (shape.Width / 2) + shape.Height / 2 * (shape.Height / 2))
            : shape.Radius;
        Span<double> bounds = stackalloc double[4];
        GeoHash.BoundingBox(shape.Longitude, shape.Latitude,
            shape.Conversion * (shape.IsBox ? shape.Width / 2 : shape.Radius), shape.Conversion * (shape.IsBox ? shape.Height / 2 : shape.Radius), bounds);
        GeoHash.Cell[] cells = GeoHash.SearchCells(shape.Longitude, shape.Latitude, radius * shape.Conversion, bounds);
        var found = new List<Found>();
        int last = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            GeoHash.Cell cell = cells[i];
            if (cell.IsNone) continue;
            // A huge radius can make neighbours the same cell: each is read once.
            if (last != 0 && cell == cells[last]) continue;
            if (found.Count > 0 && limit != 0 && found.Count >= limit) break;
            (double min, double max) = cell.Scores;
            for (ZIterator it = set.FirstInRange(new ScoreRange(min, max, false, true)); it.Valid && it.Score < max; it.MoveNext())
            {
                if (Within(shape, it.Score, out Found f))
                {
                    f.Member = it.Member;
                    found.Add(f);
                }
                if (found.Count > 0 && limit != 0 && found.Count >= limit) break;
            }
            last = i;
        }
        return found;
    }

    /// <summary>geoAppendIfWithinShape: the member's position and distance when it lies within the shape.</summary>
    private static bool Within(in Shape shape, double score, out Found found)
    {
        (double longitude, double latitude) = GeoHash.Decode(score);
        found = new Found { Longitude = longitude, Latitude = latitude, Score = score };
        if (!shape.IsBox)
        {
            found.Distance = GeoHash.Distance(shape.Longitude, shape.Latitude, longitude, latitude);
            return found.Distance <= shape.Radius * shape.Conversion;
        }
        // geohashGetDistanceIfInRectangle: the cheaper latitude test first.
        if (GeoHash.LatDistance(latitude, shape.Latitude) > shape.Height * shape.Conversion / 2) return false;
        if (GeoHash.Distance(longitude, latitude, shape.Longitude, latitude) > shape.Width * shape.Conversion / 2) return false;
        found.Distance = GeoHash.Distance(shape.Longitude, shape.Latitude, longitude, latitude);
        return true;
    }

    /// <summary>longLatFromMember: the member's position, or "could not decode requested zset member".</summary>
    private static bool TryMemberPosition(Client c, RedisSortedSet set, ReadOnlySpan<byte> member, out double longitude, out double latitude)
    {
        longitude = latitude = 0;
        if (!set.TryGetScore(member, out double score))
        {
            c.Reply.WriteError("ERR could not decode requested zset member"u8);
            return false;
        }
        (longitude, latitude) = GeoHash.Decode(score);
        return true;
    }

    /// <summary>extractDistanceOrReply: a non-negative radius and its unit.</summary>
    private static bool TryParseDistance(Client c, int at, out double radius, out double toMeters)
    {
        toMeters = 1;
        if (!NumberParser.TryParseScore(c.Args[at], out radius))
        {
            c.Reply.WriteError("ERR need numeric radius"u8);
            return false;
        }
        if (radius < 0)
        {
            c.Reply.WriteError("ERR radius cannot be negative"u8);
            return false;
        }
        return TryParseUnit(c, c.Args[at + 1], out toMeters);
    }

    /// <summary>extractBoxOrReply: a non-negative width and height and their unit.</summary>
    private static bool TryParseBox(Client c, int at, out double width, out double height, out double toMeters)
    {
        toMeters = 1;
        height = 0;
        if (!NumberParser.TryParseScore(c.Args[at], out width))
        {
            c.Reply.WriteError("ERR need numeric width"u8);
            return false;
        }
        if (!NumberParser.TryParseScore(c.Args[at + 1], out height))
        {
            c.Reply.WriteError("ERR need numeric height"u8);
            return false;
        }
        if (height < 0 || width < 0)
        {
            c.Reply.WriteError("ERR height or width cannot be negative"u8);
            return false;
        }
        return TryParseUnit(c, c.Args[at + 2], out toMeters);
    }

    /// <summary>extractUnitOrReply: meters per M, KM, FT or MI.</summary>
    private static bool TryParseUnit(Client c, ReadOnlySpan<byte> unit, out double toMeters)
    {
        if (Ascii.EqualsIgnoreCase(unit, "m"u8)) toMeters = 1;
        else if (Ascii.EqualsIgnoreCase(unit, "km"u8)) toMeters = 1000;
        else if (Ascii.EqualsIgnoreCase(unit, "ft"u8)) toMeters = 0.3048;
        else if (Ascii.EqualsIgnoreCase(unit, "mi"u8)) toMeters = 1609.34;
        else
        {
            toMeters = -1;
            c.Reply.WriteError("ERR unsupported unit provided. please use M, KM, FT, MI"u8);
            return false;
        }
        return true;
    }

    /// <summary>addReplyDoubleDistance: four decimals.</summary>
    private static void WriteDistance(Client c, double distance) =>
        c.Reply.WriteBulk(Encoding.ASCII.GetBytes(distance.ToString("F4", CultureInfo.InvariantCulture)));

    /// <summary>
    /// GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD of the members with their geohashes as scores
    /// (its reply, its NX/XX/CH), every position checked before anything is added.
    /// </summary>
    public static void GeoAdd(Client c)
    {
        bool nx = false, xx = false, ch = false;
        int first = 2;
        for (; first < c.Argc; first++)
        {
            ReadOnlySpan<byte> option = c.Args[first];
            if (Ascii.EqualsIgnoreCase(option, "nx"u8)) nx = true;
            else if (Ascii.EqualsIgnoreCase(option, "xx"u8)) xx = true;
            else if (Ascii.EqualsIgnoreCase(option, "ch"u8)) ch = true;
            else break;
        }
        int elements = (c.Argc - first) / 3;
        if ((c.Argc - first) % 3 != 0 || (xx && nx) || elements == 0)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        Span<ulong> hashes = elements <= 64 ? stackalloc ulong[elements] : new ulong[elements];
        for (int i = 0; i < elements; i++)
        {
            if (!TryParseLongLat(c, first + i * 3, out double longitude, out double latitude)) return;
            GeoHash.TryEncodeWgs84(longitude, latitude, out hashes[i]);
        }

        Database db = c.Db;
        ReadOnlySpan<byte> key = c.Args[1];
        int index = db.Lookup(key);
        RedisSortedSet set;
        int maxEntries = c.Server.Config.ZsetMaxListpackEntries, maxValue = c.Server.Config.ZsetMaxListpackValue;
        if (index < 0)
        {
            if (xx)
            {
                c.Reply.WriteInteger(0);
                return;
            }
            set = RedisSortedSet.Create(1, c.Args.LengthOf(first + 2), maxEntries, maxValue);
            db.SetObject(db.LookupOrAdd(key, out _), ValueKind.SortedSet, set);
        }
        else if (db.Table[index].Kind != ValueKind.SortedSet)
        {
            c.Reply.WriteError(Errors.WrongType);
            return;
        }
        else
        {
            set = (RedisSortedSet)db.Table[index].Value!;
        }
        int flags = (nx ? RedisSortedSet.InNx : 0) | (xx ? RedisSortedSet.InXx : 0);
        long added = 0, updated = 0;
        for (int i = 0; i < elements; i++)
        {
            set.Add(c.Args[first + i * 3 + 2], hashes[i], flags, out int outFlags, out _, maxEntries, maxValue);
            if ((outFlags & RedisSortedSet.OutAdded) != 0) added++;
            if ((outFlags & RedisSortedSet.OutUpdated) != 0) updated++;
        }
        if (added + updated > 0)
        {
            db.KeyModified(key);
            c.Notify(KeyspaceEvents.Zset, "zadd"u8, key);
            // geoaddCommand replaces itself with ZADD key [options] score member ...
            if (c.PropagateAs(first + elements * 2) is { } p)
            {
                p.Add("zadd"u8);
                for (int j = 1; j < first; j++) p.Add(c.Args[j]);
                for (int i = 0; i < elements; i++) p.Add((long)hashes[i]).Add(c.Args[first + i * 3 + 2]);
            }
        }
        c.Reply.WriteInteger(ch ? added + updated : added);
    }

    /// <summary>extractLongLatOrReply: two floats within the supported longitudes and latitudes.</summary>
    private static bool TryParseLongLat(Client c, int at, out double longitude, out double latitude)
    {
        latitude = 0;
        if (!NumberParser.TryParseScore(c.Args[at], out longitude) || !NumberParser.TryParseScore(c.Args[at + 1], out latitude))
        {
            c.Reply.WriteError(Errors.NotFloat);
            return false;
        }
        if (longitude < GeoHash.LongMin || longitude > GeoHash.LongMax || latitude < GeoHash.LatMin || latitude > GeoHash.LatMax)
        {
            c.Reply.WriteError(string.Create(CultureInfo.InvariantCulture, $"ERR invalid longitude,latitude pair {longitude:F6},{latitude:F6}"));
            return false;
        }
        return true;
    }

    /// <summary>The sorted set at argument 1 for reading: false after WRONGTYPE; null when missing.</summary>
    private static bool TryGetRead(Client c, out RedisSortedSet? set)
    {
        set = null;
        Database db = c.Db;
        int index = db.LookupRead(c.Args[1]);
        if (index < 0) return true;
        if (db.Table[index].Kind != ValueKind.SortedSet)
        {
            c.Reply.WriteError(Errors.WrongType);
            return false;
        }
        set = (RedisSortedSet)db.Table[index].Value!;
        return true;
    }

    /// <summary>GEOPOS key [member ...]: [longitude, latitude] per member (the centre of its cell), null when missing.</summary>
    public static void GeoPos(Client c)
    {
        if (!TryGetRead(c, out RedisSortedSet? set)) return;
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int j = 2; j < c.Argc; j++)
        {
            if (set is null || !set.TryGetScore(c.Args[j], out double score))
            {
                c.Reply.WriteNullArray();
                continue;
            }
            (double longitude, double latitude) = GeoHash.Decode(score);
            c.Reply.WriteArrayHeader(2);
            WriteHumanDouble(c, longitude);
            WriteHumanDouble(c, latitude);
        }
    }

    /// <summary>addReplyHumanLongDouble: "%.17Lf" of the exact value with trailing zeros (and a bare point) trimmed.</summary>
    private static void WriteHumanDouble(Client c, double value)
    {
        string text = value.ToString("F17", CultureInfo.InvariantCulture);
        if (text.Contains('.')) text = text.TrimEnd('0').TrimEnd('.');
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        if (c.Reply.Protocol == 3)
        {
            c.Reply.WriteRaw(","u8);
            c.Reply.WriteRaw(bytes);
            c.Reply.WriteRaw("\r\n"u8);
        }
        else
        {
            c.Reply.WriteBulk(bytes);
        }
    }

    /// <summary>GEODIST key member1 member2 [M|KM|FT|MI]: the distance with 4 decimals, null when a member is missing.</summary>
    public static void GeoDist(Client c)
    {
        double toMeters = 1;
        if (c.Argc == 5)
        {
            if (!TryParseUnit(c, c.Args[4], out toMeters)) return;
        }
        else if (c.Argc > 5)
        {
            c.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (!TryGetRead(c, out RedisSortedSet? set)) return;
        if (set is null || !set.TryGetScore(c.Args[2], out double a) || !set.TryGetScore(c.Args[3], out double b))
        {
            c.Reply.WriteNull();
            return;
        }
        (double lon1, double lat1) = GeoHash.Decode(a);
        (double lon2, double lat2) = GeoHash.Decode(b);
        WriteDistance(c, GeoHash.Distance(lon1, lat1, lon2, lat2) / toMeters);
    }

    /// <summary>GEOHASH key [member ...]: the standard 11-character geohash per member, null when missing.</summary>
    public static void GeoHashCommand(Client c)
    {
        if (!TryGetRead(c, out RedisSortedSet? set)) return;
        c.Reply.WriteArrayHeader(c.Argc - 2);
        for (int j = 2; j < c.Argc; j++)
        {
            if (set is null || !set.TryGetScore(c.Args[j], out double score)) c.Reply.WriteNull();
            else c.Reply.WriteBulk(Encoding.ASCII.GetBytes(GeoHash.Standard(score)));
        }
    }
}
