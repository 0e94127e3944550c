using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Seeded random sequences of list commands replayed on RedisFast and redis-server 7.0: lists grow past the
/// ring buffer's wrap-around and shrink points, and every edit (LINSERT, LREM, LSET, LTRIM, moves) is checked
/// by the full LRANGE that follows it.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ListRandomDifferentialTests(DifferentialFixture f)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomListEditsMatchRedis(int seed)
    {
        var random = new Random(seed);
        string[] keys = [$"list:rand:{seed}:a", $"list:rand:{seed}:b"];
        var script = new List<string[]>();
        for (int i = 0; i < 600; i++)
        {
            string key = keys[random.Next(keys.Length)];
            string other = keys[random.Next(keys.Length)];
            string value = "v" + random.Next(12);
            string index = (random.Next(80) - 40).ToString();
            string[] command = random.Next(16) switch
            {
                0 or 1 => ["RPUSH", key, value, "v" + random.Next(12), "v" + random.Next(12)],
                2 or 3 => ["LPUSH", key, value, "v" + random.Next(12)],
                4 => ["LPOP", key, random.Next(4).ToString()],
                5 => ["RPOP", key],
                6 => ["LINSERT", key, random.Next(2) == 0 ? "BEFORE" : "AFTER", value, "ins" + i],
                7 => ["LREM", key, (random.Next(7) - 3).ToString(), value],
                8 => ["LSET", key, index, "set" + i],
                9 => ["LTRIM", key, (random.Next(10) - 3).ToString(), (random.Next(80) - 5).ToString()],
                10 => ["LMOVE", key, other, random.Next(2) == 0 ? "LEFT" : "RIGHT", random.Next(2) == 0 ? "LEFT" : "RIGHT"],
                11 => ["LINDEX", key, index],
                12 => ["LPOS", key, value, "RANK", (random.Next(2) == 0 ? -1 : 1).ToString(), "COUNT", random.Next(3).ToString()],
                13 => ["LMPOP", "2", key, other, random.Next(2) == 0 ? "LEFT" : "RIGHT", "COUNT", (1 + random.Next(5)).ToString()],
                14 => ["RPUSH", key, .. Enumerable.Range(0, 40).Select(n => "bulk" + n)],
                _ => ["LRANGE", key, index, (random.Next(80) - 20).ToString()],
            };
            script.Add(command);
            script.Add(["LRANGE", key, "0", "-1"]);
        }
        script.Add(["DEL", keys[0], keys[1]]);
        Differential.AssertSameReplies(f, script);
    }
}
