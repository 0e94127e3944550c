namespace RedisFast.Storage;

/// <summary>
/// Redis's geohash (geohash.c, geohash_helper.c): a longitude/latitude pair becomes a 52-bit interleaved hash (26
/// bits each, latitude on the even bits) over longitudes -180..180 and Web Mercator latitudes -85.05112878..
/// 85.05112878; that hash, as a double, is the member's sorted set score.
/// </summary>
internal static class GeoHash
{
    public const double LongMin = -180, LongMax = 180, LatMin = -85.05112878, LatMax = 85.05112878;
    public const int StepMax = 26;
    private const double EarthRadiusMeters = 6372797.560856;
    private const double DegToRad = Math.PI / 180.0;

    /// <summary>geohashEncode over the given ranges; false outside the supported coordinates.</summary>
    public static bool TryEncode(double longitude, double latitude, double latMin, double latMax, int step, out ulong bits)
    {
        bits = 0;
        if (longitude > LongMax || longitude < LongMin || latitude > LatMax || latitude < LatMin) return false;
        if (latitude < latMin || latitude > latMax) return false;
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double longOffset = (longitude - LongMin) / (LongMax - LongMin);
        latOffset *= 1UL << step;
        longOffset *= 1UL << step;
        bits = Interleave((uint)latOffset, (uint)longOffset);
        return true;
    }

    /// <summary>geohashEncodeWGS84 at full precision: the score GEOADD stores.</summary>
    public static bool TryEncodeWgs84(double longitude, double latitude, out ulong bits) =>
        TryEncode(longitude, latitude, LatMin, LatMax, StepMax, out bits);

    /// <summary>
    /// decodeGeohash: the centre of the cell a score names (geohashDecodeToLongLatWGS84), clamped to the supported
    /// coordinates.
    /// </summary>
    public static (double Longitude, double Latitude) Decode(double score)
    {
        ulong bits = (ulong)score;
        ulong separated = Deinterleave(bits);
        uint latCell = (uint)separated, longCell = (uint)(separated >> 32);
        double latScale = LatMax - LatMin, longScale = LongMax - LongMin;
        double cells = 1UL << StepMax;
        double latMinEdge = LatMin + (latCell * 1.0 / cells) * latScale;
        double latMaxEdge = LatMin + ((latCell + 1) * 1.0 / cells) * latScale;
        double longMinEdge = LongMin + (longCell * 1.0 / cells) * longScale;
        double longMaxEdge = LongMin + ((longCell + 1) * 1.0 / cells) * longScale;
        double longitude = Math.Clamp((longMinEdge + longMaxEdge) / 2, LongMin, LongMax);
        double latitude = Math.Clamp((latMinEdge + latMaxEdge) / 2, LatMin, LatMax);
        return (longitude, latitude);
    }

    /// <summary>geohashGetDistance: haversine on Redis's earth radius, in meters.</summary>
    public static double Distance(double lon1, double lat1, double lon2, double lat2)
    {
        double lon1r = lon1 * DegToRad, lon2r = lon2 * DegToRad;
        double v = Math.Sin((lon2r - lon1r) / 2);
        // Equal longitudes: the distance along the meridian (geohashGetLatDistance), without the trigonometry.
        if (v == 0.0) return EarthRadiusMeters * Math.Abs(lat2 * DegToRad - lat1 * DegToRad);
        double lat1r = lat1 * DegToRad, lat2r = lat2 * DegToRad;
        double u = Math.Sin((lat2r - lat1r) / 2);
        double a = u * u + Math.Cos(lat1r) * Math.Cos(lat2r) * v * v;
        return 2.0 * EarthRadiusMeters * Math.Asin(Math.Sqrt(a));
    }

    /// <summary>GEOHASH: the standard 11-character base32 geohash (re-encoded over latitudes -90..90).</summary>
    public static string Standard(double score)
    {
        const string Alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        (double longitude, double latitude) = Decode(score);
        TryEncode(longitude, latitude, -90, 90, StepMax, out ulong bits);
        Span<char> text = stackalloc char[11];
        for (int i = 0; i < 11; i++) text[i] = Alphabet[i == 10 ? 0 : (int)((bits >> (52 - (i + 1) * 5)) & 0x1f)];
        return new string(text);
    }

    /// <summary>interleave64: the bits of <paramref name="x"/> on the even positions, of <paramref name="y"/> on the odd.</summary>
    private static ulong Interleave(uint x, uint y) => Spread(x) | (Spread(y) << 1);

    private static ulong Spread(uint v)
    {
        ulong x = v;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return x;
    }

    /// <summary>deinterleave64: the even bits in the low 32, the odd bits in the high 32.</summary>
    private static ulong Deinterleave(ulong interleaved) => Squash(interleaved) | ((ulong)Squash(interleaved >> 1) << 32);

    private static uint Squash(ulong x)
    {
        x &= 0x5555555555555555UL;
        x = (x | (x >> 1)) & 0x3333333333333333UL;
        x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x >> 4)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x >> 16)) & 0x00000000FFFFFFFFUL;
        return (uint)x;
    }
}
