using System.Diagnostics;
using System.Net.Sockets;
using RedisFast.Commands;
using RedisFast.Protocol;
using RedisFast.Server;

namespace RedisFast.Networking;

/// <summary>
/// One client socket, driven by two reusable SocketAsyncEventArgs (receive and send). Completions only record
/// what happened and hand the connection to the <see cref="EventLoop"/>; everything else (parsing, executing,
/// buffering, closing) happens on the loop, so the fields here need no synchronization except the two that
/// completions write. Receive: RESP parsed in place from a pinned slab; every complete command of a read is
/// executed and all their replies leave in one send. A client whose replies are not being drained is not read
/// from (back-pressure) and is closed at its client-output-buffer-limit.
/// </summary>
internal sealed partial class Connection : ILoopWork
{
    private const int ReceivedEvent = 1, SentEvent = 2, StartEvent = 4, CloseEvent = 8;

    /// <summary>
    /// Stop executing and reading once this many reply bytes wait for a send in flight, unless a hard
    /// client-output-buffer-limit is set: then the client may run up to it and be closed there, as in Redis.
    /// </summary>
    private const int BackPressureBytes = 256 * 1024;

    /// <summary>Synchronous receive completions handled in a row before yielding to other connections.</summary>
    private const int MaxInlineReceives = 16;

    private readonly RedisServer _server;
    private readonly EventLoop _loop;
    private readonly Socket? _socket;
    private readonly SocketAsyncEventArgs _receiveArgs = new();
    private readonly SocketAsyncEventArgs _sendArgs = new();
    private readonly SlabPool _pool;
    private readonly CommandArguments _args = new();

    // Written by completion threads.
    private int _events;
    private int _queued;

    // Loop-owned.
    private byte[] _receiveBuffer = [];
    private int _receiveEnd;
    private bool _receivePending;
    private bool _zeroByteReceive;  // the pending or last receive was a zero-byte "tell me when data arrives"
    private bool _dataReady;        // a zero-byte receive completed: the next receive is a real one
    private bool _sendPending;
    private bool _closing;
    private bool _executing;        // a command of this connection is running: its arguments point into the slab
    private bool _released;

    /// <param name="socket">Null for a detached connection (benchmarks and allocation tests run commands without a socket).</param>
    public Connection(RedisServer server, Socket? socket)
    {
        _server = server;
        _loop = server.Loop;
        _pool = server.Pool;
        _socket = socket;
        _receiveArgs.UserToken = this;
        _sendArgs.UserToken = this;
        _receiveArgs.Completed += OnCompleted;
        _sendArgs.Completed += OnCompleted;
        RemoteAddress = socket?.RemoteEndPoint?.ToString() ?? "?:0";
        LocalAddress = socket?.LocalEndPoint?.ToString() ?? "?:0";
        Fd = socket is null ? -1 : (long)socket.Handle;
        Output = new OutputBuffer(_pool);
        Client = new Client(server, this, _args, new ReplyWriter(Output, server.Errors));
    }

    public Client Client { get; }

    public OutputBuffer Output { get; }

    /// <summary>"ip:port" of the peer, for CLIENT LIST.</summary>
    public string RemoteAddress { get; }

    /// <summary>The accepted socket (null for a detached connection); for tests of its options.</summary>
    internal Socket? Socket => _socket;

    /// <summary>"ip:port" of the local end, for CLIENT LIST.</summary>
    public string LocalAddress { get; }

    /// <summary>The socket's file descriptor, -1 without a socket (CLIENT LIST fd; Redis shows -1 for fake clients).</summary>
    public long Fd { get; }

    /// <summary>Bytes received and not yet executed (CLIENT LIST qbuf).</summary>
    public int QueryBufferLength => _receiveEnd - _args.CommandStart;

    /// <summary>Size of the receive buffer (CLIENT LIST qbuf + qbuf-free).</summary>
    public int QueryBufferCapacity => _receiveBuffer.Length;

    public bool IsClosing => _closing;

    /// <summary>
    /// appendfsync always: the AOF ring offset that must be fsynced before any reply of this connection is sent
    /// (the end of what its last write command appended); 0 when nothing is waiting. Set by Client after a write.
    /// </summary>
    public long DurableNeeded;

    /// <summary>The AOF ring is nearly full: commands wait in the receive buffer until the AOF thread frees space.</summary>
    private bool _aofPaused;

    /// <summary>Called by the listener on its own thread: the loop takes the connection over from here.</summary>
    public void Start() => Signal(StartEvent);

    /// <summary>Closes the connection from any thread (SHUTDOWN, server stop).</summary>
    public void CloseFromOutside() => Signal(CloseEvent);

    /// <summary>
    /// Asks the loop to pump this connection again: another client's command wrote into its output (PUBLISH) or
    /// made it runnable again (a push that serves a blocked client). Safe from any thread; on the loop the
    /// connection runs after the current one.
    /// </summary>
    public void Wake() => Signal(0);

    private static void OnCompleted(object? sender, SocketAsyncEventArgs e)
    {
        var connection = (Connection)e.UserToken!;
        connection.Signal(e.LastOperation == SocketAsyncOperation.Receive ? ReceivedEvent : SentEvent);
    }

    private void Signal(int @event)
    {
        Interlocked.Or(ref _events, @event);
        if (Interlocked.Exchange(ref _queued, 1) == 0) _loop.Schedule(this);
    }

    /// <summary>Runs on the loop: handles whatever completed, then pumps (execute, send, receive) until it must wait.</summary>
    public void Run()
    {
        Interlocked.Exchange(ref _queued, 0);
        int events = Interlocked.Exchange(ref _events, 0);
        if (_released) return;
        if ((events & StartEvent) != 0 && !OnStart()) return;
        if ((events & SentEvent) != 0)
        {
            _sendPending = false;
            if (!OnSendCompleted()) Close();
        }
        if ((events & ReceivedEvent) != 0)
        {
            _receivePending = false;
            if (!OnReceiveCompleted()) Close();
        }
        if ((events & CloseEvent) != 0) Close();
        Pump();
    }

    private bool OnStart()
    {
        if (!_server.RegisterClient(Client))
        {
            // Redis replies before closing when maxclients is reached (networking.c, acceptCommonHandler).
            Client.Reply.WriteRaw("-ERR max number of clients reached\r\n"u8);
            Client.CloseAfterReply = true;
        }
        return true;
    }

    private void Pump()
    {
        int inlineReceives = 0;
        while (!_closing)
        {
            bool stalled = ExecuteBuffered();
            if (!Flush()) break;
            // Woken by the AOF when the ring has room again; reading more meanwhile would only pile up commands.
            if (_aofPaused) break;
            if (Client.CloseAfterReply)
            {
                if (Output.Pending == 0) Close();
                break;
            }
            if (Output.Pending > BackPressureThreshold) break;
            // Commands left in the buffer by back-pressure must run now that the replies went out: the client may
            // have sent everything already and be waiting, so a receive would never complete.
            if (stalled) continue;
            if (_receivePending) break;
            if (_receiveEnd == 0 && !_dataReady)
            {
                // Nothing buffered: give the slabs back and wait for data with a zero-byte receive, so idle
                // connections hold no buffers. On Linux .NET does this as recv(MSG_PEEK, 1) and completes it from
                // epoll with no further syscall: the same count as re-arming a real receive (strace, perf/README.md).
                ReleaseIdleBuffers();
                _zeroByteReceive = true;
                _receiveArgs.SetBuffer(Memory<byte>.Empty);
            }
            else
            {
                if (!PrepareReceiveSpace()) break;
                _zeroByteReceive = false;
                _receiveArgs.SetBuffer(_receiveBuffer, _receiveEnd, _receiveBuffer.Length - _receiveEnd);
            }
            if (_socket!.ReceiveAsync(_receiveArgs))
            {
                _receivePending = true;
                break;
            }
            if (!OnReceiveCompleted())
            {
                Close();
                break;
            }
            if (++inlineReceives == MaxInlineReceives)
            {
                // Let other connections run; come back through the queue.
                ExecuteBuffered();
                Flush();
                Signal(0);
                break;
            }
        }
        if (_closing) TryRelease();
    }

    private bool OnReceiveCompleted()
    {
        if (_receiveArgs.SocketError != SocketError.Success) return false;
        if (_zeroByteReceive)
        {
            // Data (or the peer's FIN, which the real receive will read as 0 bytes) is waiting.
            _zeroByteReceive = false;
            _dataReady = true;
            return true;
        }
        _dataReady = false;
        int n = _receiveArgs.BytesTransferred;
        if (n == 0) return false;
        _receiveEnd += n;
        _server.Stats.NetInputBytes += n;
        return true;
    }

    /// <summary>The reply backlog at which the connection stops executing and reading.</summary>
    private long BackPressureThreshold
    {
        get
        {
            long hard = _server.Config.OutputBufferLimitNormal.HardBytes;
            return hard > 0 ? hard : BackPressureBytes;
        }
    }

    /// <summary>Parses and executes every complete command in the buffer, until back-pressure or a close.</summary>
    /// <returns>True when it stopped because of back-pressure (complete commands may still be buffered).</returns>
    private bool ExecuteBuffered()
    {
        if (_receiveEnd == _args.Position && _args.MultibulkRemaining == 0 && _args.Count == 0) return false;
        _server.Keyspace.RefreshClock();
        _server.Stats.CommandClock = Stopwatch.GetTimestamp();
        Client.LastInteraction = Environment.TickCount64;
        long threshold = BackPressureThreshold;
        bool stalled = false;
        _aofPaused = false;
        Persistence.AppendOnlyFile aof = _server.Aof;
        while (!_closing && !Client.CloseAfterReply && !Client.IsBlocked)
        {
            if (Output.Pending > threshold)
            {
                stalled = true;
                break;
            }
            if (aof.Propagator is not null && !aof.HasRoomForCommand(this))
            {
                // Bounded memory: the next command stays unexecuted until the AOF thread drains the ring.
                _aofPaused = true;
                break;
            }
            if (Client.Postponed)
            {
                // The command CLIENT PAUSE held, still parsed in _args: it runs now, or waits again.
                Client.Postponed = false;
                _server.Pause.Forget(Client);
                _executing = true;
                Client.Execute();
                _executing = false;
                if (Client.Postponed) break;
                _args.BeginNext();
                continue;
            }
            var reader = new RespReader(_receiveBuffer.AsSpan(0, _receiveEnd), _args, _server.Config.ProtoMaxBulkLen);
            ParseStatus status = reader.Read();
            if (status == ParseStatus.Complete)
            {
                _executing = true;
                Client.Execute();
                _executing = false;
                if (Client.Postponed) break;
                _args.BeginNext();
            }
            else if (status == ParseStatus.Empty)
            {
                _args.BeginNext();
            }
            else if (status == ParseStatus.NeedMore)
            {
                break;
            }
            else
            {
                Client.Reply.WriteError("ERR " + reader.Error);
                _server.Log.ProtocolError(Client, reader.Error!);
                Client.CloseAfterReply = true;
                break;
            }
        }
        // Never while a receive is in flight: it writes at the old _receiveEnd of this very buffer.
        if (_args.CommandStart == _receiveEnd && _args.MultibulkRemaining == 0 && !_receivePending)
        {
            _receiveEnd = 0;
            _args.Reset();
        }
        return stalled;
    }

    /// <summary>Returns the receive slab, and the output slab if nothing waits to be sent, to the pool.</summary>
    private void ReleaseIdleBuffers()
    {
        if (_receiveBuffer.Length > 0)
        {
            _pool.Return(_receiveBuffer);
            _receiveBuffer = [];
            _args.Buffer = [];
            _args.Reset();
        }
        if (Output.Pending == 0) Output.Release();
    }

    /// <summary>Makes room for the next receive: moves a partial command to the front, or grows the buffer.</summary>
    /// <returns>False if the client went over client-query-buffer-limit and was closed.</returns>
    private bool PrepareReceiveSpace()
    {
        if (_receiveBuffer.Length == 0)
        {
            _receiveBuffer = _pool.Rent(SlabPool.DefaultSize);
            _args.Buffer = _receiveBuffer;
        }
        int live = _receiveEnd - _args.CommandStart;
        if (live >= _server.Config.ClientQueryBufferLimit)
        {
            _server.Log.Warning($"Closing client that reached max query buffer length: {Client.Describe()}");
            Close();
            return false;
        }
        long required = Math.Max(_args.RequiredLength, live + 1);
        if (_receiveEnd < _receiveBuffer.Length && required <= _receiveBuffer.Length - _args.CommandStart) return true;
        if (live < _receiveBuffer.Length)
        {
            // Not full yet: receive into the room there is (moving the partial command to the front first). Growing
            // here would let a client that announces a huge bulk double the buffer with every few bytes it sends.
            if (_args.CommandStart > 0) Compact(_receiveBuffer);
            return true;
        }
        // Full of one partial command: grow at most twofold per step, so memory follows the bytes actually received.
        long target = Math.Min(required, (long)_receiveBuffer.Length * 2);
        byte[] bigger = _pool.Rent((int)Math.Min(target, int.MaxValue - 64));
        Compact(bigger);
        return true;
    }

    private void Compact(byte[] destination)
    {
        int start = _args.CommandStart;
        int live = _receiveEnd - start;
        Buffer.BlockCopy(_receiveBuffer, start, destination, 0, live);
        if (!ReferenceEquals(destination, _receiveBuffer))
        {
            _pool.Return(_receiveBuffer);
            _receiveBuffer = destination;
            _args.Buffer = destination;
        }
        _args.Shift(start);
        _receiveEnd = live;
    }

    /// <summary>Sends pending replies until the socket would block.</summary>
    /// <returns>False when the connection failed and was closed.</returns>
    private bool Flush()
    {
        // Checked with a send in flight too: a client that reads nothing keeps its send pending forever, and that
        // is exactly the client the limit is for (Redis checks on every reply added, networking.c).
        if (Output.Pending > 0 && Client.OutputLimitReached())
        {
            Close();
            return false;
        }
        if (DurableNeeded != 0)
        {
            // appendfsync always: every reply waits until the AOF thread published a durable offset covering this
            // connection's last write; the AOF wakes the connection then. The loop goes on serving others.
            if (!_server.Aof.IsDurable(this, DurableNeeded)) return true;
            DurableNeeded = 0;
        }
        while (!_sendPending && Output.Pending > 0)
        {
            ArraySegment<byte> range = Output.PeekSendable();
            _sendArgs.SetBuffer(range.Array, range.Offset, range.Count);
            _server.Stats.SendCalls++;
            if (_socket!.SendAsync(_sendArgs))
            {
                _sendPending = true;
                return true;
            }
            if (!OnSendCompleted())
            {
                Close();
                return false;
            }
        }
        return true;
    }

    private bool OnSendCompleted()
    {
        if (_sendArgs.SocketError != SocketError.Success) return false;
        int n = _sendArgs.BytesTransferred;
        Output.Consume(n);
        _server.Stats.NetOutputBytes += n;
        // Redis counts writes as interaction too: a slow reader draining a big reply, or a client just unblocked,
        // is not idle.
        Client.LastInteraction = Environment.TickCount64;
        return true;
    }

    /// <summary>Closes the socket (idempotent); buffers are released once no operation is in flight.</summary>
    public void Close()
    {
        if (_closing) return;
        _closing = true;
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket?.Close();
        _server.UnregisterClient(Client);
        TryRelease();
    }

    private void TryRelease()
    {
        // A command that closed its own connection (over its output limit while publishing) still reads its
        // arguments from the receive slab: release after it returns, from Pump.
        if (_released || _receivePending || _sendPending || _executing) return;
        _released = true;
        if (_receiveBuffer.Length > 0) _pool.Return(_receiveBuffer);
        _receiveBuffer = [];
        _args.Buffer = [];
        Output.Release();
        _receiveArgs.Dispose();
        _sendArgs.Dispose();
    }

    /// <summary>
    /// Runs the commands in <paramref name="request"/> on a detached connection (no socket) exactly as receives
    /// would: the bytes go in through the same buffer management (compaction, growth, limits) and replies are
    /// drained as a send would drain them, so any request size works and a partial command waits for the next
    /// call. Returns the reply bytes produced, discarding them. For benchmarks and allocation budgets; the caller
    /// must be the only thread using the server.
    /// </summary>
    internal int ExecuteDetached(ReadOnlySpan<byte> request) => RunDetached(request, null);

    /// <summary>Like <see cref="ExecuteDetached"/> but returns the reply bytes (tests).</summary>
    internal byte[] ExecuteDetachedWithReply(ReadOnlySpan<byte> request)
    {
        var reply = new List<byte>();
        RunDetached(request, reply);
        return reply.ToArray();
    }

    private int RunDetached(ReadOnlySpan<byte> request, List<byte>? reply)
    {
        if (Client.Id == 0 && !_closing) OnStart();
        int produced = 0;
        while (!_closing)
        {
            if (request.Length > 0)
            {
                if (!PrepareReceiveSpace()) break;
                int n = Math.Min(request.Length, _receiveBuffer.Length - _receiveEnd);
                request[..n].CopyTo(_receiveBuffer.AsSpan(_receiveEnd));
                _receiveEnd += n;
                request = request[n..];
            }
            bool stalled = ExecuteBuffered();
            while (Output.Pending > 0)
            {
                ArraySegment<byte> range = Output.PeekSendable();
                reply?.AddRange(range);
                produced += range.Count;
                Output.Consume(range.Count);
            }
            if (!stalled && request.Length == 0) break;
        }
        return produced;
    }
}
