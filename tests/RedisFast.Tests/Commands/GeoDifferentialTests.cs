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
