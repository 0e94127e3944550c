using RedisFast.Tests.Infrastructure;

namespace RedisFast.Tests.Commands;

/// <summary>FLUSHDB, FLUSHALL and SWAPDB touch watched keys, as Redis's touchAllWatchedKeysInDb does.</summary>
[Collection(AdminDifferentialCollection.Name)]
public sealed class TransactionFlushTests(DifferentialFixture f)
{
    [Theory]
    [InlineData("FLUSHDB")]
    [InlineData("FLUSHALL")]
    [InlineData("SWAPDB 0 1")]
    public void WatchedKeyEmptiedByAnotherClientAbortsExec(string flush)
    {
        foreach ((RawClient a, RawClient b) in new[] { (f.Fast.Connect(), f.Fast.Connect()), (f.Real.Connect(), f.Real.Connect()) })
        {
            using (a)
            using (b)
            {
                a.Call("SET", "txflush:k", "v");
                Assert.Equal("+OK\r\n", a.Call("WATCH", "txflush:k"));
                b.Call(flush.Split(' '));
                a.Call("MULTI");
                a.Call("SET", "txflush:k", "w");
                Assert.Equal("*-1\r\n", a.Call("EXEC"));
                b.Call("FLUSHALL");
            }
        }
    }

    [Fact]
    public void WatchedKeyAbsentFromBothDatabasesIsNotTouchedBySwapDb()
    {
        using RawClient a = f.Fast.Connect(), b = f.Fast.Connect();
        a.Call("FLUSHALL");
        a.Call("WATCH", "txflush:missing");
        b.Call("SWAPDB", "0", "1");
        a.Call("MULTI");
        a.Call("SET", "txflush:missing", "w");
        Assert.Equal("*1\r\n+OK\r\n", a.Call("EXEC"));
        a.Call("FLUSHALL");
    }

    [Fact]
    public void SwapDbServesAClientBlockedOnAKeyThatNowHoldsAList()
    {
        foreach ((RawClient blocked, RawClient other) in new[] { (f.Fast.Connect(), f.Fast.Connect()), (f.Real.Connect(), f.Real.Connect()) })
        {
            using (blocked)
            using (other)
            {
                other.Call("SELECT", "1");
                other.Call("RPUSH", "swapblock:l", "x");
                blocked.Send(RawClient.Encode("BLPOP", "swapblock:l", "5"));
                Thread.Sleep(200); // let the BLPOP block before the swap (either server)
                Assert.Equal("+OK\r\n", other.Call("SWAPDB", "0", "1"));
                Assert.Equal("*2\r\n$11\r\nswapblock:l\r\n$1\r\nx\r\n", blocked.ReadReply());
                other.Call("FLUSHALL");
            }
        }
    }
}
