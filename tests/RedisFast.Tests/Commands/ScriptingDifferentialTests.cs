using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT compared byte for byte with redis-server 7.0 on keys "lua:..." of the
/// shared differential servers: conversions both ways in RESP2 and RESP3, errors with their positions, the
/// sandbox, the libraries, and the script cache.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ScriptingDifferentialTests(DifferentialFixture f)
{
    private static string[] Eval(string body, params string[] keysThenArgs) => Eval(body, 0, keysThenArgs);

    private static string[] Eval(string body, int numKeys, params string[] keysThenArgs) =>
        ["EVAL", body, numKeys.ToString(), .. keysThenArgs];

    [Fact]
    public void ScriptResultsBecomeRepliesLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            Eval("return 1"),
            Eval("return -3.7"),
            Eval("return 1e20"),
            Eval("return 0/0"),
            Eval("return 'text'"),
            Eval("return true"),
            Eval("return false"),
            Eval("return nil"),
            Eval("return {1, {2, {3}}, 'a', true, false}"),
            Eval("return {1, 2, nil, 4}"),
            Eval("return {}"),
            Eval("return {err = 'x'}"),
            Eval("return {err = 'MY code'}"),
            Eval("return {err = 'line\\none'}"),
            Eval("return {ok = 'fine\\r\\nx'}"),
            Eval("return {ok = 'FINE', err = 'BAD'}"),
            Eval("return {ok = 3}"),
            Eval("return {double = 1.5}"),
            Eval("return {double = 'x'}"),
            Eval("return {map = {a = 1}}"),
            Eval("return {set = {a = true}}"),
            Eval("return {big_number = '123456789012345678901234567890'}"),
            Eval("return {verbatim_string = {format = 'txt', string = 'hello'}}"),
            Eval("return redis.status_reply('S')"),
            Eval("return redis.error_reply('x')"),
            Eval("return redis.error_reply('x y')"),
            Eval("return redis.error_reply('-CODE message\\r\\n')"),
            Eval("return redis.error_reply()"),
            Eval("return redis.status_reply(1)"),
            Eval("return function() end"),
            Eval("return KEYS[1] .. ARGV[1] .. #KEYS .. #ARGV", 1, "lua:k", "v", "w"),
            Eval("return {KEYS, ARGV}", 2, "lua:a", "lua:b", "c"),
        ]);
    }

    [Fact]
    public void Resp3CallersGetResp3RepliesLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            ["HELLO", "3"],
            Eval("return true"),
            Eval("return false"),
            Eval("return nil"),
            Eval("return {double = 1.5}"),
            Eval("return {map = {a = 1}}"),
            Eval("return {set = {a = true}}"),
            Eval("return {big_number = '1234'}"),
            Eval("return {verbatim_string = {format = 'txt', string = 'hello'}}"),
            Eval("redis.setresp(3) return true"),
            Eval("redis.setresp(3) return false"),
            Eval("return redis.call('hgetall', 'lua:nohash')"),
            Eval("redis.setresp(3) return redis.call('hgetall', 'lua:nohash')"),
        ], Normalize);
    }

    [Fact]
    public void CommandRepliesBecomeLuaValuesLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            ["DEL", "lua:c:s", "lua:c:h", "lua:c:z", "lua:c:l"],
            Eval("return redis.call('set', KEYS[1], 'v')", 1, "lua:c:s"),
            Eval("return {redis.call('set', KEYS[1], 'v')}", 1, "lua:c:s"),
            Eval("return redis.call('set', KEYS[1], 'v')['ok']", 1, "lua:c:s"),
            Eval("return type(redis.call('get', 'lua:c:missing'))"),
            Eval("return redis.call('get', 'lua:c:missing') == false"),
            Eval("return redis.call('incr', 'lua:c:n') + 0.5"),
            Eval("return type(redis.call('incr', 'lua:c:n'))"),
            Eval("redis.call('hset', KEYS[1], 'f', 'v', 'g', 'w') return redis.call('hgetall', KEYS[1])", 1, "lua:c:h"),
            Eval("redis.call('zadd', KEYS[1], 1.5, 'a') return redis.call('zrange', KEYS[1], 0, -1, 'withscores')", 1, "lua:c:z"),
            Eval("return redis.call('zscore', 'lua:c:z', 'a')"),
            Eval("local r = redis.pcall('incr', 'lua:c:s') return {r['err'], tostring(r['ignore_error_stats_update'])}"),
            Eval("return redis.pcall('incr', 'lua:c:s')"),
            Eval("return redis.call('type', 'lua:c:s')"),
            Eval("return redis.call('ping')"),
            Eval("return redis.call('lrange', 'lua:c:missing', 0, -1)"),
            Eval("return redis.call('set', 'lua:c:f', 0.1) and redis.call('get', 'lua:c:f')"),
            Eval("redis.call('set', 'lua:c:f', 12345678901234567890) return redis.call('get', 'lua:c:f')"),
            Eval("redis.call('set', 'lua:c:f', 3) return redis.call('get', 'lua:c:f')"),
            Eval("redis.call('set', 'lua:c:f', -0.0) return redis.call('get', 'lua:c:f')"),
            Eval("redis.setresp(3) local r = redis.call('zscore', 'lua:c:z', 'a') return {type(r), r['double']}"),
            Eval("redis.setresp(3) local r = redis.call('hgetall', 'lua:c:h') return r['map']['f']"),
            Eval("redis.setresp(3) return type(redis.call('get', 'lua:c:missing'))"),
            Eval("redis.setresp(3) return redis.call('exists', 'lua:c:h')"),
            Eval("return redis.call('blpop', 'lua:c:l', 0)"),
            Eval("redis.call('select', 1) return redis.call('dbsize') >= 0"),
            ["EVAL", "return redis.call('get', 'lua:c:s')", "0"],
        ]);
    }

    [Fact]
    public void ErrorsCarryRedisTextsAndPositions()
    {
        Differential.AssertSameReplies(f,
        [
            ["SET", "lua:e:s", "abc"],
            Eval("return redis.call('nosuch')"),
            Eval("return redis.pcall('nosuch')"),
            Eval("return redis.call('set')"),
            Eval("return redis.call('get', 'a', 'b')"),
            Eval("return redis.call()"),
            Eval("return redis.pcall()"),
            Eval("return redis.call('get', {})"),
            Eval("return redis.call('get', true)"),
            Eval("return redis.call('config', 'nosuch')"),
            Eval("return redis.call('multi')"),
            Eval("return redis.call('eval', 'return 1', 0)"),
            Eval("return redis.call('incr', 'lua:e:s')"),
            Eval("\n\nreturn redis.call('incr', 'lua:e:s')"),
            Eval("local x = 1\nlocal function f()\n  return redis.call('incr', 'lua:e:s')\nend\nreturn f()"),
            Eval("error('boom')"),
            Eval("error('a\\nb')"),
            Eval("error({err = 'MY boom'})"),
            Eval("error({err = 'MY boom', source = 'x', line = 9})"),
            Eval("error()"),
            Eval("error(42)"),
            Eval("local t = nil return t.x"),
            Eval("return #nil"),
            Eval("return string.rep()"),
            Eval("return pcall(function() error('e') end)"),
            Eval("return {pcall(function() error('e') end)}"),
            Eval("return {pcall(function() error({err = 'x'}) end)}"),
            Eval("return {pcall(redis.call, 'nosuch')}"),
            Eval("syntax error here"),
            Eval("return 'unterminated"),
            Eval("return 1", -1),
            ["EVAL", "return 1", "2", "a"],
            ["EVAL", "return 1", "x"],
            ["EVAL", "return 1"],
            Eval("return redis.sha1hex()"),
            Eval("return redis.log()"),
            Eval("return redis.log('x', 'y')"),
            Eval("return redis.log(9, 'y')"),
            Eval("return redis.setresp(4)"),
            Eval("return redis.setresp()"),
            Eval("return redis.set_repl(7)"),
            Eval("return math.random(0)"),
            Eval("return math.random(3, 1)"),
            Eval("return math.random('x')"),
            Eval("return math.random(1, 2, 3)"),
            Eval("return redis.acl_check_cmd('nosuch')"),
            Eval("return redis.acl_check_cmd('get', 'x')"),
        ]);
    }

    [Fact]
    public void TheSandboxAndItsReadOnlyTablesAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            Eval("x = 1"),
            Eval("return y"),
            Eval("redis = nil"),
            Eval("string.x = 1"),
            Eval("string.len = nil"),
            Eval("redis.call = nil"),
            Eval("cjson.encode = nil"),
            Eval("rawset(_G, 'z', 1) return z"),
            Eval("setmetatable(_G, nil)"),
            Eval("getmetatable(_G).__index = nil"),
            Eval("return getmetatable('').__index == string"),
            Eval("getmetatable('').__index = nil"),
            Eval("local t = {} t.x = 1 return t.x"),
            Eval("KEYS[1] = 'a' return KEYS[1]", 1, "lua:k"),
            Eval("local s = 'x' s.y = 1"),
            Eval("return ('abc'):upper()"),
            Eval("return loadstring('return 2')()"),
            Eval("return loadstring('x=1')()"),
            Eval("return load('return 1')()"),
            Eval("return {type(newproxy)}"),
            Eval("return type(loadfile)"),
            Eval("return type(dofile)"),
            Eval("return type(print)"),
            Eval("return type(os)"),
            Eval("return type(io)"),
            Eval("return type(debug)"),
            Eval("return type(setfenv)"),
            Eval("return type(require)"),
            Eval("return {type(assert), type(collectgarbage), type(coroutine), type(error), type(gcinfo), type(getmetatable), type(ipairs), type(load), type(loadstring), type(next), type(pairs), type(pcall), type(rawequal), type(rawget), type(select), type(tonumber), type(tostring), type(unpack), type(xpcall), _VERSION, type(_G)}"),
            Eval("return {type(string.format), type(table.concat), type(math.floor), type(coroutine.wrap)}"),
            Eval("return redis.REDIS_VERSION"),
            Eval("return redis.REDIS_VERSION_NUM"),
            Eval("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}"),
            Eval("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}"),
            Eval("return {redis.replicate_commands(), redis.breakpoint(), redis.debug('x')}"),
            Eval("return redis.set_repl(redis.REPL_ALL)"),
            Eval("return redis.log(redis.LOG_DEBUG, 'from', 'a', 'script', 1)"),
            Eval("return redis.sha1hex('')"),
            Eval("return redis.sha1hex('abc')"),
            Eval("return tostring(0.1)"),
            Eval("return string.format('%.17g', 0.1)"),
            Eval("return tostring(1e15)"),
            Eval("return tostring(2^53)"),
            Eval("local co = coroutine.wrap(function() coroutine.yield(1) return 2 end) return {co(), co()}"),
        ]);
    }

    [Fact]
    public void TheLibrariesAnswerLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            Eval("return cjson.encode({1, 2, {a = 1}})"),
            Eval("return cjson.encode({a = 'x\\ny', b = {true, false}})"),
            Eval("return cjson.decode('[1,2,{\"a\":[3]}]')[3]['a'][1]"),
            Eval("return cjson.encode(cjson.decode('{\"n\":null}'))"),
            Eval("return cjson.decode('{bad')"),
            Eval("return cjson.encode(0.1)"),
            Eval("return bit.band(0xff, 0x0f)"),
            Eval("return bit.tohex(65535)"),
            Eval("return bit.bxor(5, 3)"),
            Eval("return bit.lshift(1, 40)"),
            Eval("return string.format('%5.2f|%d|%s|%q', 3.14159, 42, 'x', 'a\\nb')"),
            Eval("return table.concat({1, 2, 3}, ',')"),
            Eval("return {string.find('hello world', 'o w')}"),
            Eval("return string.gsub('hello', 'l', 'L')"),
            Eval("local t = {3, 1, 2} table.sort(t) return t"),
            Eval("return math.floor(-3.5)"),
            Eval("math.randomseed(42) return {math.random(1000), math.random(5, 10), tostring(math.random())}"),
            Eval("math.randomseed(7) local t = {} for i = 1, 20 do t[i] = math.random(100) end return t"),
        ]);
    }

    [Fact]
    public void MessagePackEncodesAndDecodesLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            Eval("return cmsgpack.pack({1, 2, 3})"),
            Eval("return cmsgpack.pack({a = 1})"),
            Eval("return cmsgpack.pack(1.5, 'x', true, false, nil, -1, 300, 70000, 5000000000, -200, -40000, -3000000000, 0.1, 1/0, -1/0, 2^63, -2^63, 255, 256, 65535, 65536, -32, -33, -128, -129)"),
            Eval("return cmsgpack.pack(string.rep('x', 31), string.rep('y', 32), string.rep('z', 255), string.rep('w', 256), string.rep('v', 70000))"),
            Eval("local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)"),
            Eval("local t = {} for i = 1, 70000 do t[i] = i % 7 end return cmsgpack.pack(t)"),
            Eval("local t = {} for i = 1, 20 do t['k' .. i] = i end return cmsgpack.pack(t)"),
            Eval("return cmsgpack.pack({1, 2, nil, 4}, {[1] = 'a', [3] = 'c'}, {[0] = 'z'}, {[1.5] = 'f'}, {})"),
            Eval("local t = {} t[1] = t return cmsgpack.pack(t)"),
            Eval("return cmsgpack.pack({nested = {deeper = {1, 'two', {three = 3}}}})"),
            Eval("return {cmsgpack.unpack(cmsgpack.pack({1, {2, 'x'}, {a = {b = 1}}}))}"),
            Eval("return {cmsgpack.unpack(cmsgpack.pack(1, 'two', -3, 4.25, 5000000000, true))}"),
            Eval("local v = cmsgpack.unpack(cmsgpack.pack({a = 1, b = {1, 2}})) return {v.a, v.b[2]}"),
            Eval("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}"),
            Eval("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}"),
            Eval("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}"),
            Eval("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5, 1)}"),
            Eval("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), '1')}"),
            Eval("return cmsgpack.unpack('\\217')"),
            Eval("return cmsgpack.unpack('\\193')"),
            Eval("return cmsgpack.unpack('\\146\\1')"),
            Eval("return cmsgpack.unpack_one('abc', 9)"),
            Eval("return cmsgpack.unpack_one('abc', -1)"),
            Eval("return cmsgpack.unpack_one('abc', 'x')"),
            Eval("return cmsgpack.unpack_limit('abc')"),
            Eval("return cmsgpack.unpack()"),
            Eval("return cmsgpack.unpack({})"),
            Eval("return cmsgpack.unpack(12)"),
            Eval("return cmsgpack.pack()"),
            Eval("return cmsgpack.unpack('\\129\\192\\1')"),
            Eval("return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}"),
            Eval("cmsgpack.pack = nil"),
        ]);
    }

    [Fact]
    public void StructPacksAndUnpacksLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            Eval("return struct.pack('>i', 1)"),
            Eval("return struct.pack('<i', -2)"),
            Eval("return struct.pack('bBhHlLTiI', -1, 255, -300, 65535, -5, 5000000000, 7, -70000, 70000)"),
            Eval("return struct.pack('>i3', 70000)"),
            Eval("return struct.pack('<i16', -1)"),
            Eval("return struct.pack('>I9', 2^60)"),
            Eval("return struct.pack('fd', 1.5, 0.1)"),
            Eval("return struct.pack('>fd', 1.5, 0.1)"),
            Eval("return struct.pack('!bi', 1, 2)"),
            Eval("return struct.pack('!2bd', 1, 2)"),
            Eval("return struct.pack('b x c3 s', 1, 'abcdef', 'zz')"),
            Eval("return struct.pack('c0', 'whole')"),
            Eval("return struct.pack('i', '12')"),
            Eval("return struct.pack('= i', 3)"),
            Eval("return {struct.unpack('>i', struct.pack('>i', 123456))}"),
            Eval("return {struct.unpack('bBhHlLiI', struct.pack('bBhHlLiI', -1, 255, -300, 65535, -5, 5000000000, -70000, 70000))}"),
            Eval("return {struct.unpack('<i16', struct.pack('<i16', -1))}"),
            Eval("return {struct.unpack('>I9', struct.pack('>I9', 2^60))}"),
            Eval("local a, b = struct.unpack('fd', struct.pack('fd', 1.5, 0.1)) return {tostring(a), tostring(b)}"),
            Eval("return {struct.unpack('b c3 s', struct.pack('b c3 s', 1, 'abc', 'hello'))}"),
            Eval("return {struct.unpack('b c0', struct.pack('b c0', 3, 'xyz'))}"),
            Eval("return {struct.unpack('bi', 'abcde', 1)}"),
            Eval("return {struct.unpack('b', 'abc', 3)}"),
            Eval("return {struct.unpack('!4 b i', struct.pack('!4 b i', 1, 2))}"),
            Eval("return {struct.size('bhilfd'), struct.size('!bhilfd'), struct.size('!4 b d'), struct.size('c7 x i3')}"),
            Eval("return struct.size('s')"),
            Eval("return struct.size('c0')"),
            Eval("return struct.size('q')"),
            Eval("return struct.pack('q', 1)"),
            Eval("return struct.pack('!3i', 1)"),
            Eval("return struct.pack('i40', 1)"),
            Eval("return struct.pack('c5', 'ab')"),
            Eval("return struct.pack('i', 'x')"),
            Eval("return struct.pack('s', {})"),
            Eval("return struct.pack('i')"),
            Eval("return struct.pack()"),
            Eval("return {struct.unpack('c0', 'abc')}"),
            Eval("return {struct.unpack('i', 'ab')}"),
            Eval("return {struct.unpack('s', 'ab')}"),
            Eval("return {struct.unpack('b', 'a', 0)}"),
            Eval("return {struct.unpack('b', 'a', -1)}"),
            Eval("return {struct.unpack('b', 'a', 'x')}"),
            Eval("return {struct.unpack('i')}"),
            Eval("return struct.size('i99999999999')"),
            Eval("struct.pack = nil"),
        ]);
    }

    [Fact]
    public void TheScriptCacheAnswersLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            ["SCRIPT", "LOAD", "return 'cached'"],
            ["EVALSHA", "0c1a2b6a1e5d6a5b8f3d6d6d0e6a1f6d2c3b4a59", "0"],
            ["SCRIPT", "EXISTS", "2a5a5e6b5b0f3e1d41b7f1f6b8b0c2d1e4b7c5a0"],
            ["EVALSHA", "abc", "0"],
            ["EVALSHA", "abc", "x"],
            ["EVALSHA", "0000000000000000000000000000000000000000", "x"],
            ["EVAL", "return 'by eval'", "0"],
            ["SCRIPT", "LOAD", "syntax error"],
            ["SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1"],
            ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'lua:sc:a', 'b')", "0"],
            ["EVAL", "#!lua\nreturn 1", "0"],
            ["EVAL", "#!lua flags=bogus\nreturn 1", "0"],
            ["EVAL", "#!lua name=x\nreturn 1", "0"],
            ["EVAL", "#!python\nreturn 1", "0"],
            ["EVAL", "#!lua flags=allow-oom,allow-stale\nreturn redis.call('get', 'lua:sc:a')", "0"],
            ["EVAL_RO", "return redis.call('set', 'lua:sc:a', 'b')", "1", "lua:sc:a"],
            ["EVAL_RO", "return redis.call('get', 'lua:sc:a')", "1", "lua:sc:a"],
            ["SCRIPT", "KILL"],
            ["SCRIPT", "KILL", "extra"],
            ["SCRIPT", "EXISTS"],
            ["SCRIPT", "FLUSH", "bad"],
            ["SCRIPT", "FLUSH", "sync", "x"],
            ["SCRIPT", "DEBUG", "maybe"],
            ["SCRIPT", "DEBUG", "no"],
            ["SCRIPT", "HELP"],
            ["SCRIPT", "NOSUCH"],
            ["SCRIPT"],
        ]);
        using RawClient fast = f.Fast.Connect();
        using RawClient real = f.Real.Connect();
        foreach (RawClient c in new[] { fast, real })
        {
            string sha = c.Call("SCRIPT", "LOAD", "return ARGV[1]");
            Assert.StartsWith("$40\r\n", sha);
            string hex = sha.Split("\r\n")[1];
            Assert.Equal(":1\r\n", c.Call("SCRIPT", "EXISTS", hex)[4..]);
            Assert.Equal("$1\r\nx\r\n", c.Call("EVALSHA", hex, "0", "x"));
            Assert.Equal("$1\r\ny\r\n", c.Call("EVALSHA", hex.ToUpperInvariant(), "0", "y"));
            Assert.Equal("*2\r\n:1\r\n:0\r\n", c.Call("SCRIPT", "EXISTS", hex.ToUpperInvariant(), new string('0', 40)));
            Assert.Equal("$1\r\nz\r\n", c.Call("EVALSHA_RO", hex, "0", "z"));
        }
    }

    [Fact]
    public void CommandInfoAndGetKeysDescribeTheScriptingCommandsLikeRedis()
    {
        Differential.AssertSameReplies(f,
        [
            ["COMMAND", "INFO", "eval", "evalsha", "eval_ro", "evalsha_ro"],
            // SCRIPT's subcommands one by one: redis-server lists them in its dict order, which changes with each start.
            ["COMMAND", "INFO", "script|load", "script|exists", "script|flush", "script|kill", "script|debug", "script|help"],
            ["COMMAND", "DOCS", "eval"],
            ["COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"],
            ["COMMAND", "GETKEYS", "EVAL", "return 1", "0"],
        ]);
    }

    /// <summary>HELLO's reply carries the connection id, which differs between the two servers.</summary>
    private static string Normalize(string reply) =>
        System.Text.RegularExpressions.Regex.Replace(reply, @"\$2\r\nid\r\n:\d+\r\n", "$$2\r\nid\r\n:N\r\n");
}
