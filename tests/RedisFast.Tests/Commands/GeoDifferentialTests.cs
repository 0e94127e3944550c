using System.Globalization;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// GEOADD GEOPOS GEODIST GEOHASH compared byte for byte with redis-server 7.0 on keys "geo:&lt;test&gt;:..." of the
/// shared differential servers: the scores GEOADD stores, positions, distances in every unit, geohashes, errors,
/// in RESP2 and RESP3, for hand-picked places and a seeded random spread over the whole supported range.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class GeoDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void PlacesDistancesAndHashesAreRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL geo:p:s geo:p:x
            GEOADD geo:p:s 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
            GEOADD geo:p:s CH 13.361389 38.115556 Palermo 2.3522 48.8566 Paris
            GEOADD geo:p:s NX -122.4194 37.7749 SF 13.4 38.1 Palermo
            GEOADD geo:p:s XX CH 0 0 Null 2.3523 48.8566 Paris
            GEOADD geo:p:s 180 85.05112878 corner -180 -85.05112878 other
            ZRANGE geo:p:s 0 -1 WITHSCORES
            GEOPOS geo:p:s Palermo Catania nosuch Paris SF corner other
            GEOPOS geo:p:missing a b
            GEOPOS geo:p:s
            GEODIST geo:p:s Palermo Catania
            GEODIST geo:p:s Palermo Catania km
            GEODIST geo:p:s Palermo Catania MI
            GEODIST geo:p:s Palermo Catania ft
            GEODIST geo:p:s Palermo Paris M
            GEODIST geo:p:s corner other km
            GEODIST geo:p:s Palermo Palermo
            GEODIST geo:p:s Palermo nosuch
            GEODIST geo:p:missing a b
            GEODIST geo:p:s Palermo Catania yards
            GEODIST geo:p:s Palermo Catania km extra
            GEOHASH geo:p:s Palermo Catania Paris SF corner other nosuch
            GEOHASH geo:p:missing a
            GEOADD geo:p:s 181 0 bad
            GEOADD geo:p:s 0 85.06 bad
            GEOADD geo:p:s 0 -86 bad
            GEOADD geo:p:s x 0 bad
            GEOADD geo:p:s 0 nan bad
            GEOADD geo:p:s 1 2
            GEOADD geo:p:s NX XX 1 2 m
            GEOADD geo:p:s NX CH
            GEOADD geo:p:s GT 1 2 m
            SET geo:p:x str
            GEOADD geo:p:x 1 2 m
            GEOPOS geo:p:x m
            GEODIST geo:p:x a b
            GEOHASH geo:p:x a
            HELLO 3
            GEOPOS geo:p:s Palermo nosuch
            GEODIST geo:p:s Palermo Catania
            GEOHASH geo:p:s Paris nosuch
            HELLO 2
            """), reply => System.Text.RegularExpressions.Regex.Replace(reply, @"\$2\r\nid\r\n:\d+", "id"));
    }

    [Fact]
    public void SearchesFindSortAndStoreLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            DEL geo:s:s geo:s:d geo:s:x
            GEOADD geo:s:s 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.222244 edge2
            GEOADD geo:s:s 13.5 38.0 near1 13.2 38.2 near2 14.0 37.0 far 2.3522 48.8566 Paris
            GEORADIUS geo:s:s 15 37 200 km
            GEORADIUS geo:s:s 15 37 200 km ASC
            GEORADIUS geo:s:s 15 37 200 km DESC WITHDIST
            GEORADIUS geo:s:s 15 37 200 km WITHCOORD WITHDIST WITHHASH ASC
            GEORADIUS geo:s:s 15 37 200 km COUNT 3
            GEORADIUS geo:s:s 15 37 200 km COUNT 3 DESC
            GEORADIUS geo:s:s 15 37 200 km COUNT 2 ANY
            GEORADIUS geo:s:s 15 37 10 m
            GEORADIUS geo:s:s 15 37 0 km
            GEORADIUS geo:s:s 15 37 5000 km ASC
            GEORADIUS geo:s:s 15 37 20000 km
            GEORADIUS geo:s:s 15 37 200 mi WITHDIST
            GEORADIUS geo:s:s 15 37 200 ft
            GEORADIUS_RO geo:s:s 15 37 200 km ASC WITHDIST
            GEORADIUSBYMEMBER geo:s:s Palermo 100 km ASC WITHDIST
            GEORADIUSBYMEMBER_RO geo:s:s Catania 300 km WITHCOORD
            GEORADIUSBYMEMBER geo:s:s nosuch 100 km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYRADIUS 200 km ASC
            GEOSEARCH geo:s:s FROMMEMBER Palermo BYBOX 400 400 km ASC WITHDIST
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYBOX 100 400 km WITHCOORD
            GEOSEARCH geo:s:s FROMMEMBER Palermo BYRADIUS 50 km COUNT 1 WITHHASH
            GEOSEARCH geo:s:s BYRADIUS 200 km FROMLONLAT 15 37 DESC
            GEORADIUS geo:s:s 15 37 200 km STORE geo:s:d
            ZRANGE geo:s:d 0 -1 WITHSCORES
            OBJECT ENCODING geo:s:d
            GEORADIUS geo:s:s 15 37 200 km STOREDIST geo:s:d ASC COUNT 3
            ZRANGE geo:s:d 0 -1 WITHSCORES
            GEOSEARCHSTORE geo:s:d geo:s:s FROMLONLAT 15 37 BYRADIUS 200 km
            ZRANGE geo:s:d 0 -1 WITHSCORES
            GEOSEARCHSTORE geo:s:d geo:s:s FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST ASC COUNT 2
            ZRANGE geo:s:d 0 -1 WITHSCORES
            GEOSEARCHSTORE geo:s:d geo:s:s FROMLONLAT 0 0 BYRADIUS 1 km
            EXISTS geo:s:d
            GEOSEARCHSTORE geo:s:d geo:s:missing FROMLONLAT 0 0 BYRADIUS 1 km
            GEORADIUS geo:s:missing 15 37 200 km
            GEORADIUS geo:s:missing 15 37 200 km STORE geo:s:d
            GEORADIUSBYMEMBER geo:s:missing x y km
            GEOSEARCH geo:s:missing FROMMEMBER x BYRADIUS 1 km
            GEORADIUS geo:s:s 15 37 -1 km
            GEORADIUS geo:s:s 15 37 x km
            GEORADIUS geo:s:s 15 37 1 yards
            GEORADIUS geo:s:s 200 37 1 km
            GEORADIUS geo:s:s 15 37 1 km COUNT 0
            GEORADIUS geo:s:s 15 37 1 km COUNT x
            GEORADIUS geo:s:s 15 37 1 km ANY
            GEORADIUS geo:s:s 15 37 1 km STORE geo:s:d WITHDIST
            GEORADIUS_RO geo:s:s 15 37 1 km STORE geo:s:d
            GEORADIUS geo:s:s 15 37 1 km BOGUS
            GEOSEARCH geo:s:s FROMLONLAT 15 37
            GEOSEARCH geo:s:s BYRADIUS 1 km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYBOX -1 1 km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYBOX x 1 km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYBOX 1 x km
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYRADIUS 1 km STORE geo:s:d
            GEOSEARCH geo:s:s FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST
            GEOSEARCHSTORE geo:s:d geo:s:s FROMLONLAT 15 37 BYRADIUS 1 km WITHDIST
            GEOSEARCH geo:s:s FROMMEMBER nosuch BYRADIUS 1 km
            SET geo:s:x str
            GEOSEARCH geo:s:x FROMLONLAT 15 37 BYRADIUS 1 km
            GEORADIUS geo:s:x 15 37 1 km
            DEL geo:s:d
            """));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomSearchesFindWhatRedisFinds(int seed)
    {
        var random = new Random(seed);
        string key = $"geo:rs{seed}";
        var script = new List<string[]> { (["DEL", key]) };
        // Clustered around a few centres, so searches of every size find something.
        for (int i = 0; i < 400; i++)
        {
            double longitude = Math.Clamp(((i % 4) * 60 - 100) + random.NextDouble() * 10, -180, 180);
            double latitude = Math.Clamp((i % 3) * 30 - 30 + random.NextDouble() * 10, -85, 85);
            script.Add(["GEOADD", key, longitude.ToString("R", CultureInfo.InvariantCulture), latitude.ToString("R", CultureInfo.InvariantCulture), "m" + i]);
        }
        for (int i = 0; i < 150; i++)
        {
            string lon = (((i % 4) * 60 - 100) + random.NextDouble() * 10).ToString("R", CultureInfo.InvariantCulture);
            string lat = ((i % 3) * 30 - 30 + random.NextDouble() * 10).ToString("R", CultureInfo.InvariantCulture);
            string radius = (random.Next(4) switch { 0 => random.Next(1, 50), 1 => random.Next(50, 800), 2 => random.Next(800, 5000), _ => random.Next(5000, 20000) }).ToString();
            // Unsorted replies come in the order the cells were read: that order is compared too.
            string order = new[] { "ASC", "DESC", "WITHHASH" }[random.Next(3)];
            script.Add(random.Next(4) switch
            {
                0 => ["GEORADIUS", key, lon, lat, radius, "km", "WITHDIST", order],
                1 => ["GEOSEARCH", key, "FROMLONLAT", lon, lat, "BYBOX", radius, (random.Next(1, 3000)).ToString(), "km", "WITHDIST", order],
                2 => ["GEOSEARCH", key, "FROMMEMBER", "m" + random.Next(400), "BYRADIUS", radius, "km", "WITHCOORD", order, "COUNT", random.Next(1, 30).ToString()],
                _ => ["GEORADIUSBYMEMBER", key, "m" + random.Next(400), radius, "mi", "COUNT", random.Next(1, 30).ToString(), "ANY"],
            });
        }
        Differential.AssertSameReplies(f, script);
    }

    [Fact]
    public void DenseSearchesNearCellEdgesFindWhatRedisFinds()
    {
        // Many points in a small area at latitudes 62-64 (where a cell is narrow for the step the radius suggests) and
        // radii around the cell sizes there: some searches reach past a neighbour cell and geo.c takes one step coarser
        // cells (geohashCalculateAreasByShapeWGS84). Unsorted replies come in the order the cells are read, so other
        // cells show even when they hold the same members.
        var random = new Random(11);
        const string Key = "geo:dense";
        var script = new List<string[]> { (["DEL", Key]) };
        for (int i = 0; i < 3000; i += 100)
        {
            var add = new List<string> { "GEOADD", Key };
            for (int j = i; j < i + 100; j++)
            {
                add.Add((13 + random.NextDouble() * 2).ToString("R", CultureInfo.InvariantCulture));
                add.Add((62 + random.NextDouble() * 2).ToString("R", CultureInfo.InvariantCulture));
                add.Add("p" + j);
            }
            script.Add([.. add]);
        }
        for (int i = 0; i < 300; i++)
        {
            string lon = (13.2 + random.NextDouble() * 1.6).ToString("R", CultureInfo.InvariantCulture);
            string lat = (62.2 + random.NextDouble() * 1.6).ToString("R", CultureInfo.InvariantCulture);
            string radius = (0.5 + random.NextDouble() * 40).ToString("R", CultureInfo.InvariantCulture);
            script.Add(i % 2 == 0
                ? ["GEOSEARCH", Key, "FROMLONLAT", lon, lat, "BYRADIUS", radius, "km"]
                : ["GEOSEARCH", Key, "FROMLONLAT", lon, lat, "BYBOX", radius, (0.5 + random.NextDouble() * 40).ToString("R", CultureInfo.InvariantCulture), "km"]);
        }
        Differential.AssertSameReplies(f, script);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RandomPlacesAreStoredAndMeasuredAsRedisDoes(int seed)
    {
        var random = new Random(seed);
        string key = $"geo:rnd{seed}";
        var script = new List<string[]> { (["DEL", key]) };
        var members = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            double longitude = random.NextDouble() * 360 - 180;
            double latitude = random.NextDouble() * 170.1 - 85.05;
            string member = "m" + i;
            members.Add(member);
            script.Add(["GEOADD", key, longitude.ToString("R", CultureInfo.InvariantCulture), latitude.ToString("R", CultureInfo.InvariantCulture), member]);
        }
        script.Add(["ZRANGE", key, "0", "-1", "WITHSCORES"]);
        script.Add(["GEOPOS", key, .. members]);
        script.Add(["GEOHASH", key, .. members]);
        for (int i = 0; i < 200; i++)
        {
            string unit = new[] { "m", "km", "mi", "ft" }[random.Next(4)];
            script.Add(["GEODIST", key, members[random.Next(members.Count)], members[random.Next(members.Count)], unit]);
        }
        Differential.AssertSameReplies(f, script);
    }
}
