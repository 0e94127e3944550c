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
        if (v == 0.0) return LatDistance(lat1, lat2);
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

    /// <summary>geohash_helper.c MERCATOR_MAX: half the earth's circumference in Web Mercator meters.</summary>
    private const double MercatorMax = 20037726.37;

    /// <summary>A cell of the geohash grid at some precision (0 bits and 0 step: none).</summary>
    public readonly record struct Cell(ulong Bits, int Step)
    {
        public bool IsNone => Bits == 0 && Step == 0;

        /// <summary>scoresOfGeoHashBox: the scores of the cell's members, min inclusive, max exclusive.</summary>
        public (double Min, double Max) Scores => (Bits << (52 - Step * 2), (Bits + 1) << (52 - Step * 2));
    }

    /// <summary>
    /// geohashCalculateAreasByShapeWGS84: the cell holding the centre at a precision where its eight neighbours cover
    /// the search area's bounding box, in the order Redis visits them (the centre, N, S, E, W, NE, NW, SE, SW), with
    /// the neighbours the box cannot reach left out (<see cref="Cell.IsNone"/>).
    /// </summary>
    /// <param name="radiusMeters">The radius, or for a box the distance from its centre to a corner.</param>
    /// <param name="bounds">geohashBoundingBox: min longitude, min latitude, max longitude, max latitude.</param>
    public static Cell[] SearchCells(double longitude, double latitude, double radiusMeters, ReadOnlySpan<double> bounds)
    {
        int steps = EstimateSteps(radiusMeters, latitude);
        Cell[] cells = Neighbourhood(longitude, latitude, steps);
        double minLon = bounds[0], minLat = bounds[1], maxLon = bounds[2], maxLat = bounds[3];
        // Near an edge of the centre cell one neighbour may not reach the whole box: one step coarser then.
        bool decrease = Area(cells[1]).LatMax < maxLat || Area(cells[2]).LatMin > minLat
            || Area(cells[3]).LonMax < maxLon || Area(cells[4]).LonMin > minLon;
        if (steps > 1 && decrease) cells = Neighbourhood(longitude, latitude, --steps);
        if (steps >= 2)
        {
            var area = Area(cells[0]);
            const int N = 1, S = 2, E = 3, W = 4, NE = 5, NW = 6, SE = 7, SW = 8;
            if (area.LatMin < minLat) cells[S] = cells[SW] = cells[SE] = default;
            if (area.LatMax > maxLat) cells[N] = cells[NE] = cells[NW] = default;
            if (area.LonMin < minLon) cells[W] = cells[SW] = cells[NW] = default;
            if (area.LonMax > maxLon) cells[E] = cells[SE] = cells[NE] = default;
        }
        return cells;
    }

    /// <summary>geohashBoundingBox for a search of half-width and half-height in meters around a point.</summary>
    public static void BoundingBox(double longitude, double latitude, double halfWidth, double halfHeight, Span<double> bounds)
    {
        double latDelta = halfHeight / EarthRadiusMeters / DegToRad;
        double longDeltaTop = halfWidth / EarthRadiusMeters / Math.Cos((latitude + latDelta) * DegToRad) / DegToRad;
        double longDeltaBottom = halfWidth / EarthRadiusMeters / Math.Cos((latitude - latDelta) * DegToRad) / DegToRad;
        bool southern = latitude < 0;
        bounds[0] = southern ? longitude - longDeltaBottom : longitude - longDeltaTop;
        bounds[2] = southern ? longitude + longDeltaBottom : longitude + longDeltaTop;
        bounds[1] = latitude - latDelta;
        bounds[3] = latitude + latDelta;
    }

    /// <summary>geohashGetLatDistance: meters along a meridian.</summary>
    public static double LatDistance(double lat1, double lat2) => EarthRadiusMeters * Math.Abs(lat2 * DegToRad - lat1 * DegToRad);

    /// <summary>geohashEstimateStepsByRadius</summary>
    private static int EstimateSteps(double rangeMeters, double latitude)
    {
        if (rangeMeters == 0) return StepMax;
        int step = 1;
        while (rangeMeters < MercatorMax)
        {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (latitude > 66 || latitude < -66)
        {
            step--;
            if (latitude > 80 || latitude < -80) step--;
        }
        return Math.Clamp(step, 1, StepMax);
    }

    /// <summary>The cell of a point at <paramref name="step"/> and its neighbours, in <see cref="SearchCells"/>'s order.</summary>
    private static Cell[] Neighbourhood(double longitude, double latitude, int step)
    {
        TryEncode(longitude, latitude, LatMin, LatMax, step, out ulong bits);
        var centre = new Cell(bits, step);
        return
        [
            centre, Move(centre, 0, 1), Move(centre, 0, -1), Move(centre, 1, 0), Move(centre, -1, 0),
            Move(centre, 1, 1), Move(centre, -1, 1), Move(centre, 1, -1), Move(centre, -1, -1),
        ];
    }

    /// <summary>geohash_move_x / geohash_move_y: the cell dx cells east and dy cells north, wrapping around.</summary>
    private static Cell Move(Cell cell, int dx, int dy)
    {
        int shift = 64 - cell.Step * 2;
        ulong bits = MoveAlong(cell.Bits, 0xaaaaaaaaaaaaaaaaUL, shift, dx);
        return new Cell(MoveAlong(bits, 0x5555555555555555UL, shift, dy), cell.Step);
    }

    /// <summary>
    /// Adds <paramref name="d"/> (±1) to the coordinate whose bits <paramref name="axis"/> selects (longitude on the odd
    /// bits, latitude on the even ones): the other coordinate's bits are filled with ones so the carry or borrow
    /// crosses them, then masked away.
    /// </summary>
    private static ulong MoveAlong(ulong bits, ulong axis, int shift, int d)
    {
        if (d == 0) return bits;
        ulong value = bits & axis, rest = bits & ~axis;
        ulong zz = ~axis >> shift;
        value = d > 0 ? value + (zz + 1) : (value | zz) - (zz + 1);
        return (value & (axis >> shift)) | rest;
    }

    /// <summary>geohashDecode: the edges of a cell.</summary>
    private static (double LonMin, double LonMax, double LatMin, double LatMax) Area(Cell cell)
    {
        ulong separated = Deinterleave(cell.Bits);
        uint latCell = (uint)separated, longCell = (uint)(separated >> 32);
        double cells = 1UL << cell.Step;
        double latScale = LatMax - LatMin, longScale = LongMax - LongMin;
        return (
            LongMin + (longCell * 1.0 / cells) * longScale,
            LongMin + ((longCell + 1) * 1.0 / cells) * longScale,
            LatMin + (latCell * 1.0 / cells) * latScale,
            LatMin + ((latCell + 1) * 1.0 / cells) * latScale);
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
