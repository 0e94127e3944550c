using RedisFast.Networking;

namespace RedisFast.Tests.Networking;

/// <summary>
/// <see cref="EventLoop.RunFromBackground"/>: how the AOF thread hands the replies its fsync released to the loop
/// without becoming the loop for longer than that one item.
/// </summary>
public sealed class EventLoopTests
{
    private sealed class Work(Action action) : ILoopWork
    {
        public void Run() => action();
    }

    [Fact]
    public void BackgroundWorkRunsOnTheCallingThreadWhenTheLoopIsIdle()
    {
        using var loop = new EventLoop(LoopMode.Inline, static () => { });
        int ranOn = 0;
        bool ownedTheLoop = false;
        var caller = new Thread(() => loop.RunFromBackground(new Work(() =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            ownedTheLoop = loop.IsLoopThread;
        })));
        caller.Start();
        Assert.True(caller.Join(10_000));
        Assert.Equal(caller.ManagedThreadId, ranOn);
        Assert.True(ownedTheLoop);
    }

    [Fact]
    public void WorkQueuedWhileABackgroundThreadHoldsTheLoopRunsOnAnotherThread()
    {
        using var loop = new EventLoop(LoopMode.Inline, static () => { });
        using var done = new ManualResetEventSlim();
        int callerId = 0, followUpRanOn = 0;
        var followUp = new Work(() =>
        {
            followUpRanOn = Environment.CurrentManagedThreadId;
            done.Set();
        });
        var caller = new Thread(() =>
        {
            callerId = Environment.CurrentManagedThreadId;
            // The item queues more loop work (as releasing replies may): the caller must not run it.
            loop.RunFromBackground(new Work(() => loop.Schedule(followUp)));
        });
        caller.Start();
        Assert.True(caller.Join(10_000));
        Assert.True(done.Wait(10_000));
        Assert.NotEqual(callerId, followUpRanOn);
    }

    [Fact]
    public void BackgroundWorkWaitsForTheRunningLoopAndRunsThere()
    {
        using var loop = new EventLoop(LoopMode.Inline, static () => { });
        using var inLoop = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        int ownerId = 0, backgroundRanOn = 0;
        var owner = new Thread(() => loop.Schedule(new Work(() =>
        {
            ownerId = Environment.CurrentManagedThreadId;
            inLoop.Set();
            release.Wait();
        })));
        owner.Start();
        Assert.True(inLoop.Wait(10_000));
        var caller = new Thread(() => loop.RunFromBackground(new Work(() =>
        {
            backgroundRanOn = Environment.CurrentManagedThreadId;
            done.Set();
        })));
        caller.Start();
        // The caller returns at once: the loop is busy, so the item is queued for its owner.
        Assert.True(caller.Join(10_000));
        Assert.False(done.IsSet);
        release.Set();
        Assert.True(done.Wait(10_000));
        Assert.True(owner.Join(10_000));
        Assert.Equal(ownerId, backgroundRanOn);
    }
}
