using System.Globalization;
using System.Text;
using RedisFast.Protocol;
using RedisFast.Storage;
using static RedisFast.Commands.CommandFlags;

namespace RedisFast.Commands;

/// <summary>
/// GEOADD GEOPOS GEODIST GEOHASH (geo.c): positions are members of a sorted set whose score is their 52-bit geohash
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
    }

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
            ReadOnlySpan<byte> unit = c.Args[4];
            if (Ascii.EqualsIgnoreCase(unit, "m"u8)) toMeters = 1;
            else if (Ascii.EqualsIgnoreCase(unit, "km"u8)) toMeters = 1000;
            else if (Ascii.EqualsIgnoreCase(unit, "ft"u8)) toMeters = 0.3048;
            else if (Ascii.EqualsIgnoreCase(unit, "mi"u8)) toMeters = 1609.34;
            else
            {
                c.Reply.WriteError("ERR unsupported unit provided. please use M, KM, FT, MI"u8);
                return;
            }
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
        double distance = GeoHash.Distance(lon1, lat1, lon2, lat2) / toMeters;
        c.Reply.WriteBulk(Encoding.ASCII.GetBytes(distance.ToString("F4", CultureInfo.InvariantCulture)));
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
