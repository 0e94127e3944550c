using System.Collections.Concurrent;
using System.Diagnostics;

namespace RedisFast.Networking;

/// <summary>How socket completions reach the thread that owns the keyspace (see perf/README.md for the figures).</summary>
public enum LoopMode
{
    /// <summary>
    /// The completion that finds the loop idle runs it on its own thread; one that finds it busy queues its
    /// connection for the running loop. With inline socket completions and one socket engine thread (what the
    /// host configures) that thread is the engine thread every time: Redis's model, with no hop at all.
    /// </summary>
    Inline,

    /// <summary>Completions queue their connection and wake one dedicated loop thread: one hop per received batch.</summary>
    Dedicated,
}

/// <summary>
/// The event loop: the only code that touches the keyspace, client state and buffers. Connections whose socket
/// operations completed are handed over through a lock-free MPSC queue; at most one thread runs the loop at a
/// time, so the data it owns needs no locks. Work from other threads (timers, shutdown) is posted the same way.
/// </summary>
internal sealed class EventLoop : IDisposable
{
    private readonly ConcurrentQueue<ILoopWork> _ready = new();
    private readonly LoopMode _mode;
    private readonly Action _onIdle;
    private readonly Thread? _thread;
    private readonly SemaphoreSlim? _wake;
    private readonly AutoResetEvent _helperWake = new(false);
    private Thread? _helper;
    private int _running;
    private int _sleeping;
    private volatile bool _stopping;

    /// <param name="onIdle">Run after each drain of the queue (periodic work: expiry cycle, client timeouts).</param>
    public EventLoop(LoopMode mode, Action onIdle)
    {
        _mode = mode;
        _onIdle = onIdle;
        if (mode == LoopMode.Dedicated)
        {
            _wake = new SemaphoreSlim(0);
            _thread = new Thread(DedicatedMain) { IsBackground = true, Name = "redisfast-loop" };
            _thread.Start();
        }
    }

    public LoopMode Mode => _mode;

    /// <summary>The managed id of the thread running the loop right now, or 0.</summary>
    public int OwnerThreadId { get; private set; }

    /// <summary>Whether the caller is the thread running the loop (for assertions and re-entrant posts).</summary>
    public bool IsLoopThread => OwnerThreadId == Environment.CurrentManagedThreadId;

    /// <summary>Hands <paramref name="work"/> to the loop from any thread.</summary>
    public void Schedule(ILoopWork work)
    {
        if (_mode == LoopMode.Inline && Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            // The loop is idle: run the work right here, skipping the queue (the common case: one completion at a time).
            OwnerThreadId = Environment.CurrentManagedThreadId;
            RunOne(work);
            Drain();
            OwnerThreadId = 0;
            Interlocked.Exchange(ref _running, 0);
            if (!_ready.IsEmpty) RunInline();
            return;
        }
        _ready.Enqueue(work);
        if (_mode == LoopMode.Inline)
        {
            RunInline();
        }
        else if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            _wake!.Release();
        }
    }

    /// <summary>
    /// Hands <paramref name="work"/> to the loop from a background thread that must not become the loop (the AOF
    /// thread: its next write and fsync are due as soon as this one is published). A running loop takes it before it
    /// goes idle; an idle loop is run by the loop's helper thread. So the replies an fsync released go out on another
    /// core while the AOF thread already writes and fsyncs the next group of commands.
    /// </summary>
    public void Post(ILoopWork work)
    {
        if (_mode != LoopMode.Inline)
        {
            Schedule(work);
            return;
        }
        _ready.Enqueue(work);
        // Every thread that holds the loop re-checks the queue after releasing it; if it released before our enqueue,
        // we see the loop free here (both sides are full fences) and the helper runs it.
        if (Volatile.Read(ref _running) == 0) WakeHelper();
    }

    private void WakeHelper()
    {
        if (_helper is null)
        {
            var helper = new Thread(HelperMain) { IsBackground = true, Name = "redisfast-loop-helper" };
            if (Interlocked.CompareExchange(ref _helper, helper, null) == null) helper.Start();
        }
        _helperWake.Set();
    }

    private void HelperMain()
    {
        while (!_stopping)
        {
            _helperWake.WaitOne();
            RunInline();
        }
    }

    private void RunInline()
    {
        while (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            OwnerThreadId = Environment.CurrentManagedThreadId;
            Drain();
            OwnerThreadId = 0;
            // A full fence: an item queued after our last TryDequeue and before this release is seen below.
            Interlocked.Exchange(ref _running, 0);
            if (_ready.IsEmpty) return;
        }
    }

    private void Drain()
    {
        while (_ready.TryDequeue(out ILoopWork? work)) RunOne(work);
        _onIdle();
    }

    private static void RunOne(ILoopWork work)
    {
        try
        {
            work.Run();
        }
        catch (Exception ex)
        {
            // A bug in one connection's processing must not take the loop down.
            Trace.TraceError($"event loop: {ex}");
        }
    }

    private void DedicatedMain()
    {
        OwnerThreadId = Environment.CurrentManagedThreadId;
        while (!_stopping)
        {
            Drain();
            // Spin briefly before sleeping: a batch usually arrives within microseconds under load.
            SpinWait spin = default;
            while (_ready.IsEmpty && !spin.NextSpinWillYield) spin.SpinOnce();
            if (!_ready.IsEmpty) continue;
            Volatile.Write(ref _sleeping, 1);
            Interlocked.MemoryBarrier();
            if (!_ready.IsEmpty)
            {
                // Work arrived while announcing sleep; if a producer already took the flag it also released: consume that.
                if (Interlocked.Exchange(ref _sleeping, 0) == 0) _wake!.Wait();
                continue;
            }
            bool signaled = _wake!.Wait(100);
            if (!signaled && Interlocked.Exchange(ref _sleeping, 0) == 0) _wake.Wait();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _helperWake.Set();
        if (_wake is not null)
        {
            _wake.Release();
            _thread!.Join(1000);
        }
    }
}

/// <summary>Something the event loop runs: a connection with completed operations, or posted work.</summary>
internal interface ILoopWork
{
    void Run();
}
