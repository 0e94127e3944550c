using RedisFast.Server;
using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>
/// The timeout config (server.c clientsCronHandleTimeout), on a RedisFast and a redis-server 7.0 of this test's own
/// (it closes connections, so no shared fixture), side by side over the same seconds.
/// </summary>
public sealed class ClientTimeoutTests
{
    [Fact]
    public void AnIdleClientIsClosedButBlockedSubscribedAndActiveOnesStay()
    {
        using var fast = new RedisServer(new ServerConfig { Port = 0, Bind = ["127.0.0.1"], Dir = TestDirectory.Create(), LogLevel = "warning" });
        fast.Start();
        using var real = new RealRedisFixture();
        Scenario[] scenarios = [new("redisfast", fast.Port), new("redis-server", real.Port)];
        foreach (Scenario s in scenarios) s.Begin();
        // timeout 2: closed once idle for more than two seconds, checked about once a second. (With timeout 1 a PING
        // every 250 ms was once closed on a loaded machine: a quarter-second sleep that took a second.)
        for (int i = 0; i < 14; i++)
        {
            Thread.Sleep(250);
            foreach (Scenario s in scenarios) Assert.Equal("+PONG\r\n", s.Active.Call("PING"));
        }
        foreach (Scenario s in scenarios) s.Check();
    }

    private sealed class Scenario(string name, int port)
    {
        public RawClient Active { get; } = new("127.0.0.1", port);
        private readonly RawClient _idle = new("127.0.0.1", port);
        private readonly RawClient _blocked = new("127.0.0.1", port);
        private readonly RawClient _subscribed = new("127.0.0.1", port);

        public void Begin()
        {
            Assert.Equal("+OK\r\n", Active.Call("CONFIG", "SET", "timeout", "2"));
            Assert.Equal("+PONG\r\n", _idle.Call("PING"));
            _blocked.Send(RawClient.Encode("BLPOP", "timeout-test-list", "0"));
            Assert.Equal("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", _subscribed.Call("SUBSCRIBE", "ch"));
        }

        public void Check()
        {
            Assert.True(_idle.IsClosedByServer(3000), $"{name}: the idle client is still open");
            Assert.Equal(":1\r\n", Active.Call("LPUSH", "timeout-test-list", "v"));
            Assert.Equal("*2\r\n$17\r\ntimeout-test-list\r\n$1\r\nv\r\n", _blocked.ReadReply());
            Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", _subscribed.Call("PING"));
            Assert.Equal("+OK\r\n", Active.Call("CONFIG", "SET", "timeout", "0"));
            foreach (RawClient c in new[] { Active, _idle, _blocked, _subscribed }) c.Dispose();
        }
    }
}
