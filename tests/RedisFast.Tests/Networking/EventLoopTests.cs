using RedisFast.Networking;

namespace RedisFast.Tests.Networking;

/// <summary>
/// <see cref="EventLoop.Post"/>: how the AOF thread hands the replies its fsync released to the loop without ever
/// running the loop itself (it has the next fsync to do).
/// </summary>
public sealed class EventLoopTests
{
    private sealed class Work(Action action) : ILoopWork
    {
        public void Run() => action();
    }

    [Fact]
    public void WorkPostedWhileTheLoopIsIdleRunsOnTheLoopsHelperNotOnThePoster()
    {
        using var loop = new EventLoop(LoopMode.Inline, static () => { });
        using var done = new ManualResetEventSlim();
        int posterId = 0, ranOn = 0;
        bool ownedTheLoop = false;
        var poster = new Thread(() =>
        {
            posterId = Environment.CurrentManagedThreadId;
            loop.Post(new Work(() =>
            {
                ranOn = Environment.CurrentManagedThreadId;
                ownedTheLoop = loop.IsLoopThread;
                done.Set();
            }));
        });
        poster.Start();
        Assert.True(poster.Join(10_000));
        Assert.True(done.Wait(10_000));
        Assert.NotEqual(posterId, ranOn);
        Assert.True(ownedTheLoop);
    }

    [Fact]
    public void WorkPostedWhileTheLoopRunsIsTakenByTheRunningLoop()
    {
        using var loop = new EventLoop(LoopMode.Inline, static () => { });
        using var inLoop = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        int ownerId = 0, postedRanOn = 0;
        var owner = new Thread(() => loop.Schedule(new Work(() =>
        {
            ownerId = Environment.CurrentManagedThreadId;
            inLoop.Set();
            release.Wait();
        })));
        owner.Start();
        Assert.True(inLoop.Wait(10_000));
        var poster = new Thread(() => loop.Post(new Work(() =>
        {
            postedRanOn = Environment.CurrentManagedThreadId;
            done.Set();
        })));
        poster.Start();
        // The poster returns at once; the item waits for the loop's owner.
        Assert.True(poster.Join(10_000));
        Assert.False(done.IsSet);
        release.Set();
        Assert.True(done.Wait(10_000));
        Assert.True(owner.Join(10_000));
        Assert.Equal(ownerId, postedRanOn);
    }
}
