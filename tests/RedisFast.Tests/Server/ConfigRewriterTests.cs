using RedisFast.Server;

namespace RedisFast.Tests.Server;

public sealed class ConfigRewriterTests
{
    [Fact]
    public void RewriteReplacesDirectivesInPlaceAndAppendsChangedParametersLikeRedis()
    {
        string dir = Directory.CreateTempSubdirectory("redisfast-rewrite-").FullName;
        string file = Path.Combine(dir, "redis.conf");
        File.WriteAllText(file, $"# my conf\nport 7138\nhz 15\nsave 900 1\nsave 300 10\ndir {dir}\nslave-read-only yes\n");
        var config = new ServerConfig();
        ConfigFile.Load(config.Registry, file, "");
        Assert.Null(config.Registry.SetMany(
            [("hz", "20"), ("maxmemory", "1gb"), ("save", "60 5"), ("client-output-buffer-limit", "pubsub 1mb 2mb 3"),
             ("notify-keyspace-events", "KEA"), ("maxmemory-clients", "5%")], allowProtected: false));

        ConfigRewriter.Rewrite(config.Registry, file);

        // The layout Redis 7.0.15 produces for the same file and changes (its appended lines come in hash order).
        string[] lines = File.ReadAllText(file).Split('\n');
        Assert.Equal(["# my conf", "port 7138", "hz 20", "save 60 5", "", $"dir \"{dir}\"", "replica-read-only yes", "", ConfigRewriter.Marker],
            lines[..9]);
        Assert.Equal(
            ["client-output-buffer-limit pubsub 1mb 2mb 3", "maxmemory 1gb", "maxmemory-clients 5%", "notify-keyspace-events \"AKE\""],
            lines[9..^1].Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("", lines[^1]);

        // Rewriting again is stable and the result loads back to the same values.
        ConfigRewriter.Rewrite(config.Registry, file);
        Assert.Equal(lines, File.ReadAllText(file).Split('\n'));
        var reloaded = new ServerConfig();
        ConfigFile.Load(reloaded.Registry, file, "");
        foreach (ConfigParameter p in config.Registry.Parameters) Assert.Equal(p.Get(), reloaded.Registry.Find(p.Name)!.Get());
        Directory.Delete(dir, true);
    }
}
