using RedisFast.Server;

namespace RedisFast.Tests.Server;

public sealed class ConfigFileTests
{
    [Fact]
    public void AFileWithCommentsQuotesAndSeveralSaveLinesLoadsLikeRedis()
    {
        var config = new ServerConfig();
        ConfigFile.LoadString(config.Registry, """
            # a comment
               port 6390   
            bind 127.0.0.1 "::1"
            maxmemory 100mb
            maxmemory-policy ALLKEYS-LRU
            save 900 1
            save 300 10
            protected-mode no
            client-output-buffer-limit normal 1mb 2mb 30
            dbfilename 'my dump.rdb'
            notify-keyspace-events "Ex"
            list-max-ziplist-entries 512
            """);
        Assert.Equal(6390, config.Port);
        Assert.Equal(["127.0.0.1", "::1"], config.Bind);
        Assert.Equal(100L * 1024 * 1024, config.MaxMemory);
        Assert.Equal("allkeys-lru", config.MaxMemoryPolicy);
        Assert.Equal("900 1 300 10", config.Save);
        Assert.False(config.ProtectedMode);
        Assert.Equal(new OutputBufferLimit(1024 * 1024, 2 * 1024 * 1024, 30), config.OutputBufferLimitNormal);
        Assert.Equal("my dump.rdb", config.DbFilename);
        Assert.Equal("xE", config.Registry.Find("notify-keyspace-events")!.Get());
    }

    [Fact]
    public void AnUnknownDirectiveFailsWithRedisFatalErrorBlock()
    {
        var config = new ServerConfig();
        var e = Assert.Throws<ConfigFileException>(() => ConfigFile.LoadString(config.Registry, "port 1234\n\nfoo bar  baz\n"));
        Assert.Equal("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'foo bar  baz'\nBad directive or wrong number of arguments", e.Message);
    }

    [Theory]
    [InlineData("port abc", "argument couldn't be parsed into an integer")]
    [InlineData("port 1 2", "wrong number of arguments")]
    [InlineData("maxmemory 1x", "argument must be a memory value")]
    [InlineData("appendonly maybe", "argument must be 'yes' or 'no'")]
    [InlineData("save 1", "Invalid save parameters")]
    [InlineData("port \"1", "Unbalanced quotes in configuration line")]
    [InlineData("include", "Bad directive or wrong number of arguments")]
    public void AnInvalidValueNamesTheLineAndRedisReason(string line, string reason)
    {
        var config = new ServerConfig();
        var e = Assert.Throws<ConfigFileException>(() => ConfigFile.LoadString(config.Registry, line));
        Assert.EndsWith($"at line 1\n>>> '{line}'\n{reason}", e.Message);
    }

    [Fact]
    public void IncludeLoadsAnotherFileInPlace()
    {
        string dir = Directory.CreateTempSubdirectory("redisfast-conf-").FullName;
        File.WriteAllText(Path.Combine(dir, "extra.conf"), "maxclients 77\nhz 20\n");
        var config = new ServerConfig();
        ConfigFile.LoadString(config.Registry, $"hz 15\ninclude {Path.Combine(dir, "extra.conf")}\ntimeout 9\n");
        Assert.Equal(77, config.MaxClients);
        Assert.Equal(20, config.Hz);
        Assert.Equal(9, config.Timeout);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void CommandLineOptionsBecomeLinesAfterTheFile()
    {
        (string? path, string options) = ConfigFile.ParseCommandLine(["/etc/redis.conf", "--port", "6380", "--save", "900 1", "--bind", "127.0.0.1", "::1"]);
        Assert.Equal("/etc/redis.conf", path);
        Assert.Equal("port \"6380\" \nsave \"900 1\" \nbind \"127.0.0.1\" \"::1\" ", options);
    }

    [Fact]
    public void ALoneSaveOptionMeansNoSnapshots()
    {
        Assert.Equal("save \"\"\nport \"1\" ", ConfigFile.ParseCommandLine(["--save", "--port", "1"]).Options);
        Assert.Equal("port \"1\" \nsave \"\"", ConfigFile.ParseCommandLine(["--port", "1", "--save"]).Options);
        var config = new ServerConfig();
        ConfigFile.LoadString(config.Registry, ConfigFile.ParseCommandLine(["--save", "", "--appendonly", "yes"]).Options);
        Assert.Equal("", config.Save);
        Assert.True(config.AppendOnly);
    }

    [Fact]
    public void OptionsOverrideTheFile()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "port 7000\nmaxclients 50\n");
        var config = new ServerConfig();
        (string? path, string options) = ConfigFile.ParseCommandLine([file, "--port", "7001"]);
        ConfigFile.Load(config.Registry, path, options);
        Assert.Equal(7001, config.Port);
        Assert.Equal(50, config.MaxClients);
        File.Delete(file);
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("\"a b\" 'c d'", new[] { "a b", "c d" })]
    [InlineData("\"\\x41\\n\" 'it\\'s'", new[] { "A\n", "it's" })]
    [InlineData("\"\"", new[] { "" })]
    public void ArgumentsSplitLikeSdssplitargs(string line, string[] expected)
    {
        Assert.Equal(expected, ConfigFile.SplitArgs(line));
    }

    [Theory]
    [InlineData("\"abc")]
    [InlineData("\"a\"b")]
    [InlineData("'abc")]
    public void UnbalancedOrGluedQuotesAreRefused(string line)
    {
        Assert.Null(ConfigFile.SplitArgs(line));
    }
}

public sealed class ConfigFileOpenTests
{
    [Fact]
    public void AMissingConfigFileIsAFatalErrorNamingItsAbsolutePath()
    {
        string missing = Path.Combine(Path.GetTempPath(), "redisfast-no-such-dir", "redis.conf");
        var e = Assert.Throws<ConfigFileException>(() => ConfigFile.Load(new ServerConfig().Registry, missing, ""));
        Assert.Equal($"Fatal error, can't open config file '{missing}': No such file or directory", e.Message);
    }
}

public sealed class StockRedisConfTests
{
    [Fact]
    public void TheRedisConfShippedWithRedisServerLoadsUnchanged()
    {
        // Debian's redis-server package (installed for the differential tests) ships the stock redis.conf here.
        const string path = "/etc/redis/redis.conf";
        Assert.True(File.Exists(path), $"{path} is missing: install redis-server (apt-get install -y redis-server)");
        var config = new ServerConfig();
        ConfigFile.Load(config.Registry, path, "");
        Assert.Equal(6379, config.Port);
        Assert.Equal(["127.0.0.1", "-::1"], config.Bind);
        Assert.Equal("3600 1 300 100 60 10000", config.Save);
        Assert.Equal("dump.rdb", config.DbFilename);
        Assert.Equal("everysec", config.AppendFsync);
        Assert.Equal("notice", config.LogLevel);
    }
}
