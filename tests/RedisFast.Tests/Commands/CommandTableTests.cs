using System.Text;
using RedisFast.Commands;
using RedisFast.Commands.Docs;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// Every command registered in <see cref="CommandTable.Create"/> must declare what redis-server 7.0 declares,
/// so a registration mistake anywhere fails here.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class CommandTableTests(DifferentialFixture f)
{
    [Fact]
    public void EveryRegisteredCommandHasRedisArityFlagsAndKeyPositions()
    {
        CommandLookup table = CommandTable.Create();
        var problems = new StringBuilder();
        using RawClient real = f.Real.Connect();
        foreach (CommandDefinition command in AllCommands(table))
        {
            RespNode reply = RespNode.Parse(Encoding.Latin1.GetBytes(real.Call("COMMAND", "INFO", command.FullName)));
            RespNode entry = reply.Children[0];
            if (entry.Children.Length == 0)
            {
                problems.AppendLine($"{command.FullName}: not a Redis 7.0 command");
                continue;
            }
            string expected = Describe(entry.Children[1].Text!, entry.Children[2].Children.Select(x => x.Text!),
                entry.Children[3].Text!, entry.Children[4].Text!, entry.Children[5].Text!);
            string actual = Describe(command.Arity.ToString(), CommandFlagNames.Of(command.Flags),
                command.FirstKey.ToString(), command.LastKey.ToString(), command.Step.ToString());
            if (expected != actual) problems.AppendLine($"{command.FullName}: redis {expected}, ours {actual}");
        }
        Assert.True(problems.Length == 0, "Command table differs from redis-server 7.0:\n" + problems);
    }

    [Fact]
    public void LookupFindsEveryCommandAndSubcommandInAnyCaseAndNothingElse()
    {
        CommandLookup table = CommandTable.Create();
        var entries = new List<(CommandLookup Lookup, CommandDefinition Command)>();
        foreach (CommandDefinition command in table.All)
        {
            entries.Add((table, command));
            foreach (CommandDefinition sub in command.Subcommands?.All ?? []) entries.Add((command.Subcommands!, sub));
        }
        foreach ((CommandLookup lookup, CommandDefinition command) in entries)
        {
            string name = command.Name;
            string mixed = string.Concat(name.Select((ch, i) => i % 2 == 0 ? char.ToUpperInvariant(ch) : ch));
            foreach (string spelling in new[] { name, name.ToUpperInvariant(), mixed })
                Assert.Same(command, lookup.Find(Encoding.ASCII.GetBytes(spelling)));
            // The lookup folds bytes by setting bit 5, so '-' and CR fold alike, and so do '_' and DEL: the final
            // comparison must refuse the twin.
            byte[] twin = Encoding.ASCII.GetBytes(name.Replace('-', '\r').Replace('_', '\u007f'));
            if (!twin.AsSpan().SequenceEqual(command.NameBytes)) Assert.Null(lookup.Find(twin));
        }
        Assert.Contains(entries, e => e.Command.Name.Contains('-'));
        // The same past byte 8 and past byte 16, where the registered names have no '-' or '_'.
        var synthetic = new CommandLookup();
        foreach (string name in new[] { "abcdefgh-ij", "abcdefghijklmnop_qr", "abcdefgh_ij" })
        {
            var command = new CommandDefinition(name, 1, CommandFlags.None, 0, 0, 0, null, "test");
            synthetic.Add(command);
            Assert.Same(command, synthetic.Find(Encoding.ASCII.GetBytes(name.ToUpperInvariant())));
            Assert.Null(synthetic.Find(Encoding.ASCII.GetBytes(name.Replace('-', '\r').Replace('_', '\u007f'))));
        }
        Assert.Null(synthetic.Find("ABCDEFGHIJKLMNOP_QRS"u8));
        // Names sharing their first 8 bytes differ by length; one byte more, less or different is no command.
        Assert.Equal("zrangebylex", table.Find("ZRANGEBYLEX"u8)!.Name);
        Assert.Equal("zrangebyscore", table.Find("zRangeByScore"u8)!.Name);
        Assert.Null(table.Find("zrangebyscor"u8));
        Assert.Null(table.Find("zrangebyscoree"u8));
        Assert.Null(table.Find("gets"u8));
        Assert.Null(table.Find("ge"u8));
        Assert.Null(table.Find(""u8));
        Assert.Null(table.Find("g\u0005t"u8));
        Assert.Null(table.Find(Encoding.Latin1.GetBytes("g\u00e9t")));
    }

    /// <summary>The commands issues 2, 3 and 4 name (and their subcommands) are all in the table.</summary>
    [Fact]
    public void EveryCommandTheIssuesNameIsRegistered()
    {
        string[] names =
        [
            // connection and server
            "ping", "echo", "quit", "select", "swapdb", "dbsize", "flushdb", "flushall", "time", "info", "config|get",
            "config|set", "config|resetstat", "command", "command|count", "command|info", "command|docs", "command|list",
            "client|id", "client|setname", "client|getname", "client|list", "client|info", "client|kill", "client|unblock",
            "hello", "shutdown", "reset", "bgrewriteaof",
            // strings
            "get", "set", "setnx", "setex", "psetex", "mget", "mset", "msetnx", "getset", "getdel", "getex", "append",
            "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat", "getrange", "substr", "setrange", "lcs",
            // keys
            "del", "unlink", "exists", "type", "touch", "keys", "scan", "rename", "renamenx", "randomkey", "copy",
            "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist",
            "object|encoding", "object|refcount", "object|idletime", "object|freq", "object|help",
            // hashes
            "hset", "hsetnx", "hget", "hmget", "hmset", "hgetall", "hdel", "hexists", "hlen", "hstrlen", "hkeys", "hvals",
            "hincrby", "hincrbyfloat", "hrandfield", "hscan",
            // lists
            "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "lrem",
            "ltrim", "linsert", "lpos", "lmove", "rpoplpush", "lmpop", "blpop", "brpop", "blmove", "brpoplpush", "blmpop",
            // sets
            "sadd", "srem", "smembers", "sismember", "smismember", "scard", "spop", "srandmember", "smove", "sinter",
            "sintercard", "sunion", "sdiff", "sinterstore", "sunionstore", "sdiffstore", "sscan",
            // sorted sets
            "zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank", "zcount", "zlexcount", "zrange",
            "zrangestore", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrevrange",
            "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zpopmin", "zpopmax", "bzpopmin", "bzpopmax", "zmpop",
            "bzmpop", "zrandmember", "zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff", "zintercard",
            "zscan",
            // transactions and pub/sub
            "multi", "exec", "discard", "watch", "unwatch", "subscribe", "unsubscribe", "psubscribe", "punsubscribe",
            "publish", "pubsub|channels", "pubsub|numsub", "pubsub|numpat",
        ];
        CommandLookup table = CommandTable.Create();
        var registered = AllCommands(table).Select(c => c.FullName).ToHashSet();
        string[] missing = names.Where(n => !registered.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, "Not registered: " + string.Join(' ', missing));
    }

    [Fact]
    public void EveryRegisteredContainerCommandIsAContainerInRedis()
    {
        using RawClient real = f.Real.Connect();
        foreach (CommandDefinition command in CommandTable.Create().All)
        {
            RespNode entry = RespNode.Parse(Encoding.Latin1.GetBytes(real.Call("COMMAND", "INFO", command.Name))).Children[0];
            Assert.Equal(command.Subcommands is not null, entry.Children.Length == 10 && entry.Children[9].Children.Length > 0);
        }
    }

    internal static IEnumerable<CommandDefinition> AllCommands(CommandLookup table)
    {
        foreach (CommandDefinition command in table.All)
        {
            yield return command;
            if (command.Subcommands is null) continue;
            foreach (CommandDefinition sub in command.Subcommands.All) yield return sub;
        }
    }

    private static string Describe(string arity, IEnumerable<string> flags, string first, string last, string step) =>
        $"arity={arity} flags=[{string.Join(',', flags)}] keys={first},{last},{step}";
}
