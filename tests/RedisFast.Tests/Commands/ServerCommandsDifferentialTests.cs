using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// A RedisFast server and a real redis-server owned by the server-command tests alone: FLUSHALL, SWAPDB and
/// CONFIG SET change server-wide state, which the shared differential pair must not see.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AdminDifferentialCollection : ICollectionFixture<DifferentialFixture>
{
    public const string Name = "admin-differential";
}

[Collection(AdminDifferentialCollection.Name)]
public sealed class ServerCommandsDifferentialTests(DifferentialFixture f)
{
    [Fact]
    public void MinReplicasToWriteRefusesWritesWithoutReplicasLikeRedis()
    {
        // A master without replicas: with min-replicas-to-write and min-replicas-max-lag both above 0 every write is
        // refused (queued ones too, failing the EXEC); reads, PING and PUBLISH go on. The last lines set it back.
        static string ReplicationFields(string reply) => reply.StartsWith('$')
            ? string.Join(",", reply.Split("\r\n").Where(l => l.StartsWith("connected_slaves") || l.StartsWith("min_slaves")))
            : reply;
        Differential.AssertSameReplies(f, Differential.Script("""
            SET minrep:k v
            CONFIG SET min-replicas-to-write 1
            SET minrep:k w
            GET minrep:k
            DEL minrep:k
            PING
            PUBLISH minrep:ch x
            INFO replication
            MULTI
            SET minrep:k w
            GET minrep:k
            EXEC
            CONFIG SET min-replicas-max-lag 0
            INFO replication
            SET minrep:k x
            CONFIG SET min-replicas-max-lag 10
            CONFIG SET min-slaves-to-write 0
            SET minrep:k y
            GET minrep:k
            DEL minrep:k
            """), ReplicationFields);
    }

    [Fact]
    public void DbSizeFlushDbAndFlushAllAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            FLUSHALL
            DBSIZE
            SET dbsize:a 1
            SET dbsize:b 2
            DBSIZE
            DBSIZE extra
            FLUSHDB
            DBSIZE
            SET dbsize:a 1
            FLUSHDB ASYNC
            DBSIZE
            SET dbsize:a 1
            FLUSHDB sync
            FLUSHDB async extra
            FLUSHDB nosuch
            FLUSHALL nosuch
            FLUSHALL sync extra
            SET dbsize:a 1
            FLUSHALL ASYNC
            DBSIZE
            FLUSHALL SYNC
            """));
    }

    [Fact]
    public void SwapDbMovesKeysAndRejectsBadIndicesLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            FLUSHALL
            SET swap:a 1
            SWAPDB 0 1
            DBSIZE
            GET swap:a
            SWAPDB 1 0
            DBSIZE
            GET swap:a
            SWAPDB 0 0
            GET swap:a
            SWAPDB a 1
            SWAPDB 1 a
            SWAPDB a b
            SWAPDB 1 99
            SWAPDB -1 1
            SWAPDB 0 16
            SWAPDB 99999999999 1
            SWAPDB 1 1.5
            SWAPDB 0
            SWAPDB 0 1 2
            FLUSHALL
            """));
    }

    [Fact]
    public void TimeRepliesWithSecondsAndMicrosecondsAsTwoBulkStrings()
    {
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        string a = fast.Call("TIME"), b = real.Call("TIME");
        string pattern = @"^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d{1,6}\r\n$";
        Assert.Matches(pattern, a);
        Assert.Matches(pattern, b);
        long fastSeconds = long.Parse(a.Split("\r\n")[2]), realSeconds = long.Parse(b.Split("\r\n")[2]);
        Assert.InRange(fastSeconds, realSeconds - 5, realSeconds + 5);
        Differential.AssertSameReplies(f, Differential.Script("""
            TIME extra
            """));
    }

    [Fact]
    public void ConfigGetOfCommonParametersAnswersLikeRedis()
    {
        // The reference runs with --save '' --appendonly no; dir, port, bind, logfile and pidfile differ by setup.
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG SET save ""
            CONFIG GET save
            CONFIG GET maxclients
            CONFIG GET MAXCLIENTS
            CONFIG GET timeout
            CONFIG GET tcp-keepalive
            CONFIG GET tcp-backlog
            CONFIG GET databases
            CONFIG GET hz
            CONFIG GET proto-max-bulk-len
            CONFIG GET client-query-buffer-limit
            CONFIG GET client-output-buffer-limit
            CONFIG GET maxmemory
            CONFIG GET maxmemory-policy
            CONFIG GET maxmemory-clients
            CONFIG GET appendonly
            CONFIG GET appendfsync
            CONFIG GET active-expire-effort
            CONFIG GET protected-mode
            CONFIG GET dbfilename
            CONFIG GET appendfilename
            CONFIG GET notify-keyspace-events
            CONFIG GET slave-read-only
            CONFIG GET replica-read-only
            CONFIG GET list-max-ziplist-size
            CONFIG GET oom-score-adj-values
            CONFIG GET latency-tracking-info-percentiles
            CONFIG GET unixsocketperm
            CONFIG GET shutdown-on-sigterm
            CONFIG GET replicaof
            CONFIG GET requirepass
            CONFIG GET nosuch
            CONFIG GET mAx*mem*pol*
            CONFIG GET tcp-k?epalive
            CONFIG GET
            CONFIG
            CONFIG NOSUCH
            CONFIG HELP
            CONFIG HELP extra
            """));
    }

    [Fact]
    public void ConfigGetWithGlobsAndSeveralPatternsReturnsTheSameSetAsRedis()
    {
        foreach (string[] command in new[]
                 {
                     new[] { "CONFIG", "GET", "*max*" },
                     new[] { "CONFIG", "GET", "maxclients", "timeout", "hz" },
                     new[] { "CONFIG", "GET", "*keepalive*", "tcp-*", "maxclients", "maxclients" },
                     new[] { "CONFIG", "GET", "*ziplist*" },
                     new[] { "CONFIG", "GET", "[st]ave" },
                 })
        {
            Assert.Equal(MapEntries(f.Real, command), MapEntries(f.Fast, command));
        }
    }

    [Fact]
    public void ConfigGetStarListsEveryParameterRedisHasWithTheSameDefaults()
    {
        SortedDictionary<string, string> real = MapEntries(f.Real, "CONFIG", "GET", "*");
        SortedDictionary<string, string> fast = MapEntries(f.Fast, "CONFIG", "GET", "*");
        foreach (string setupDependent in new[] { "dir", "port", "bind", "save", "appendonly", "daemonize", "logfile", "pidfile", "loglevel" })
        {
            real.Remove(setupDependent);
            fast.Remove(setupDependent);
        }
        Assert.Equal(real.Keys, fast.Keys);
        Assert.Equal(real.Where(e => fast[e.Key] != e.Value).ToList(), []);
    }

    [Fact]
    public void ConfigSetValidationErrorsMatchRedisWordForWord()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG SET maxclients x
            CONFIG SET maxclients 0
            CONFIG SET maxclients -1
            CONFIG SET maxclients 99999999999
            CONFIG SET databases 5
            CONFIG SET DATABASES 5
            CONFIG SET daemonize yes
            CONFIG SET unixsocketperm 700
            CONFIG SET slaveof "no one"
            CONFIG SET nosuch 1
            CONFIG SET maxclients 10 nosuch 1
            CONFIG SET a
            CONFIG SET a b c
            CONFIG SET maxclients 1 maxclients 2
            CONFIG SET maxclients 1 MAXCLIENTS 2
            CONFIG SET maxmemory 1x
            CONFIG SET maxmemory -1
            CONFIG SET maxmemory-clients 200%
            CONFIG SET maxmemory-clients 5x
            CONFIG SET appendfsync foo
            CONFIG SET maxmemory-policy foo
            CONFIG SET loglevel foo
            CONFIG SET protected-mode maybe
            CONFIG SET save 1
            CONFIG SET save "0 1"
            CONFIG SET save "10 -1"
            CONFIG SET save "a 1"
            CONFIG SET notify-keyspace-events Q
            CONFIG SET oom-score-adj-values "1 2"
            CONFIG SET oom-score-adj-values "1 2 3000"
            CONFIG SET client-output-buffer-limit "foo 1 2 3"
            CONFIG SET client-output-buffer-limit "normal 1 2"
            CONFIG SET client-output-buffer-limit "normal 1x 2 3"
            CONFIG SET client-output-buffer-limit "master 1 2 3"
            CONFIG SET dir /tmp
            CONFIG SET dbfilename x.rdb
            CONFIG SET hz -1
            CONFIG SET hz abc
            CONFIG SET active-expire-effort 11
            CONFIG SET active-expire-effort 0
            CONFIG SET timeout 1.5
            CONFIG SET proto-max-bulk-len 1000
            CONFIG SET client-query-buffer-limit 1k
            CONFIG SET bind "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"
            CONFIG SET latency-tracking-info-percentiles "50 200"
            CONFIG SET shutdown-on-sigterm "save nosave"
            CONFIG SET shutdown-on-sigterm bogus
            CONFIG SET timeout 9 maxclients x
            CONFIG GET timeout
            CONFIG SET tcp-keepalive 0x10
            CONFIG SET tcp-keepalive " 10"
            CONFIG SET tcp-keepalive +10
            """));
    }

    [Fact]
    public void ConfigSetStoresAndFormatsValuesLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG SET maxmemory 1gb
            CONFIG GET maxmemory
            CONFIG SET maxmemory 10MB
            CONFIG GET maxmemory
            CONFIG SET maxmemory 5k
            CONFIG GET maxmemory
            CONFIG SET maxmemory 0
            CONFIG SET maxmemory-clients 5%
            CONFIG GET maxmemory-clients
            CONFIG SET maxmemory-clients 0
            CONFIG SET save "10 1 20 2"
            CONFIG GET save
            CONFIG SET save ""
            CONFIG GET save
            CONFIG SET client-output-buffer-limit "normal 1mb 2mb 3 replica 1 2 3"
            CONFIG GET client-output-buffer-limit
            CONFIG SET client-output-buffer-limit "normal 0 0 0 slave 268435456 67108864 60"
            CONFIG SET notify-keyspace-events KEA
            CONFIG GET notify-keyspace-events
            CONFIG SET notify-keyspace-events Exg$
            CONFIG GET notify-keyspace-events
            CONFIG SET notify-keyspace-events ""
            CONFIG SET hz 1000
            CONFIG GET hz
            CONFIG SET hz 0
            CONFIG GET hz
            CONFIG SET hz 10
            CONFIG SET appendfsync ALWAYS
            CONFIG GET appendfsync
            CONFIG SET appendfsync everysec
            CONFIG SET protected-mode NO
            CONFIG GET protected-mode
            CONFIG SET protected-mode yes
            CONFIG SET slave-read-only no
            CONFIG GET replica-read-only
            CONFIG SET replica-read-only yes
            CONFIG SET shutdown-on-sigterm "force now"
            CONFIG GET shutdown-on-sigterm
            CONFIG SET shutdown-on-sigterm default
            CONFIG SET timeout 5 tcp-keepalive 100 maxmemory-policy allkeys-lru
            CONFIG GET timeout
            CONFIG GET tcp-keepalive
            CONFIG GET maxmemory-policy
            CONFIG SET timeout 7 tcp-keepalive x
            CONFIG GET timeout
            CONFIG SET timeout 0 tcp-keepalive 300 maxmemory-policy noeviction
            CONFIG SET oom-score-adj-values "0 100 -100"
            CONFIG GET oom-score-adj-values
            CONFIG SET oom-score-adj-values "0 200 800"
            CONFIG SET latency-tracking-info-percentiles "50 99.9"
            CONFIG GET latency-tracking-info-percentiles
            CONFIG SET latency-tracking-info-percentiles "50 99 99.9"
            """));
    }

    [Fact]
    public void ConfigResetStatRewriteAndShutdownErrorsAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            CONFIG RESETSTAT
            CONFIG RESETSTAT extra
            CONFIG REWRITE
            CONFIG REWRITE extra
            SHUTDOWN foo
            SHUTDOWN ABORT
            SHUTDOWN SAVE NOSAVE
            SHUTDOWN NOW ABORT
            SHUTDOWN abort force
            """));
    }

    [Fact]
    public void InfoSectionSelectionAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f, Differential.Script("""
            FLUSHALL
            INFO nosuch
            INFO keyspace
            INFO modules
            INFO cluster KEYSPACE
            INFO KeySpace Cluster nosuch
            SET infosel:a 1
            INFO keyspace
            FLUSHALL
            """));
    }

    [Fact]
    public void InfoShowsTheSameSectionHeadersInTheSameOrderAsRedis()
    {
        foreach (string[] command in new[]
                 {
                     new[] { "INFO" }, new[] { "INFO", "default" }, new[] { "INFO", "all" }, new[] { "INFO", "everything" },
                     new[] { "INFO", "keyspace", "server" }, new[] { "INFO", "commandstats", "default" },
                 })
        {
            Assert.Equal(Headers(f.Real, command), Headers(f.Fast, command));
        }
    }

    [Theory]
    [InlineData("server")]
    [InlineData("clients")]
    [InlineData("memory")]
    [InlineData("persistence")]
    [InlineData("stats")]
    [InlineData("replication")]
    [InlineData("cpu")]
    [InlineData("cluster")]
    public void InfoSectionHasRedisFieldNamesInRedisOrder(string section)
    {
        Assert.Equal(FieldNames(f.Real, section), FieldNames(f.Fast, section));
    }

    [Fact]
    public void InfoCountsCommandsHitsMissesAndCommandStats()
    {
        using RawClient c = f.Fast.Connect();
        c.Call("CONFIG", "RESETSTAT");
        c.Call("SET", "infostat:a", "1");
        c.Call("GET", "infostat:a");
        c.Call("GET", "infostat:missing");
        c.Call("NOSUCHCOMMAND");
        c.Call("GET");
        Dictionary<string, string> stats = Fields(c.Call("INFO", "stats"));
        Assert.Equal("1", stats["keyspace_hits"]);
        Assert.Equal("1", stats["keyspace_misses"]);
        Assert.Equal("2", stats["total_error_replies"]);
        // CONFIG RESETSTAT, SET and two GETs ran; the rejected calls are not processed commands.
        Assert.Equal("4", stats["total_commands_processed"]);
        Dictionary<string, string> commandStats = Fields(c.Call("INFO", "commandstats"));
        Assert.Matches(@"^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$", commandStats["cmdstat_get"]);
        Assert.Matches(@"^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$", commandStats["cmdstat_set"]);
        Assert.StartsWith("calls=1,", commandStats["cmdstat_config|resetstat"]);
        c.Call("DEL", "infostat:a");
    }

    private static SortedDictionary<string, string> MapEntries(object server, params string[] command)
    {
        using RawClient c = server is ServerFixture fast ? fast.Connect() : ((RealRedisFixture)server).Connect();
        string reply = c.Call(command);
        string[] lines = reply.Split("\r\n");
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // *N then $len/value pairs: every value line follows its length line.
        var values = new List<string>();
        for (int i = 1; i + 1 < lines.Length; i += 2) values.Add(lines[i + 1]);
        for (int i = 0; i + 1 < values.Count; i += 2) result[values[i]] = values[i + 1];
        return result;
    }

    private static string InfoText(object server, params string[] command)
    {
        using RawClient c = server is ServerFixture fast ? fast.Connect() : ((RealRedisFixture)server).Connect();
        string reply = c.Call(command);
        return reply[(reply.IndexOf("\r\n", StringComparison.Ordinal) + 2)..];
    }

    private static List<string> Headers(object server, string[] command) =>
        InfoText(server, command).Split("\r\n").Where(l => l.StartsWith('#')).ToList();

    private static List<string> FieldNames(object server, string section) =>
        InfoText(server, "INFO", section).Split("\r\n").Where(l => l.Contains(':')).Select(l => l[..l.IndexOf(':')]).ToList();

    private static Dictionary<string, string> Fields(string reply) =>
        reply.Split("\r\n").Where(l => l.Contains(':') && !l.StartsWith('$')).ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..]);
}
