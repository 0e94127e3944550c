using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using RedisFast.Server;

namespace RedisFast.Persistence;

/// <summary>appendfsync policy (server.h AOF_FSYNC_NO / ALWAYS / EVERYSEC).</summary>
internal enum FsyncPolicy
{
    No,
    Always,
    EverySec,
}

/// <summary>
/// The AOF thread: drains the <see cref="AofRing"/> into the current incr file with positional writes, and makes
/// it durable by policy (aof.c flushAppendOnlyFile). <c>always</c>: fdatasync right after each write on this
/// thread, then <see cref="Durable"/> is published; every command appended while that fsync ran is covered by the
/// next one (group commit). <c>everysec</c>: a separate fsync thread (Redis's bio) syncs at most once a second;
/// while it runs, a write is postponed up to 2 s, then done anyway and counted in <see cref="DelayedFsyncs"/>.
/// <c>no</c>: write only. Large backlogs are written in chunks of aof-fsync-chunk-bytes with an fsync after each
/// (always, everysec) so no single fsync covers an unbounded amount of dirty pages.
/// A failed write or fsync sets <see cref="LastErrno"/> (write commands are then refused with MISCONF) and is retried
/// every 100 ms from the same file offset; nothing is dropped from the ring until it is written.
/// </summary>
internal sealed class AofWriter
{
    private const int RetryMs = 100;
    private const int PostponeLimitMs = 2000; // aof.c: "if (server.unixtime - server.aof_flush_postponed_start < 2)"

    private readonly AofRing _ring;
    private readonly ServerLog _log;
    private readonly Action _progress;
    private readonly string _fileName;
    private readonly Thread _thread;
    private readonly Thread _fsyncThread;
    private readonly SemaphoreSlim _fsyncRequest = new(0);
    private SafeFileHandle _file;
    private long _fileSize;
    private long _switchAt = long.MaxValue;
    private SafeFileHandle? _nextFile;
    private long _retiredSize;
    private int _switched;
    private long _written;
    private long _durable;
    private long _bytesSinceSync;
    private long _lastFsyncStart;
    private long _postponedSince;
    private int _fsyncInProgress;
    private long _fsyncTarget;
    private volatile int _lastErrno;
    private volatile int _fsyncErrno;
    private volatile bool _stopping;
    private bool _logged;

    /// <param name="progress">Called on the AOF or fsync thread after the written or durable offset advanced.</param>
    public AofWriter(AofRing ring, SafeFileHandle file, string fileName, long fileSize, ServerLog log, Action progress)
    {
        _ring = ring;
        _file = file;
        _fileName = fileName;
        _fileSize = fileSize;
        _log = log;
        _progress = progress;
        _written = _durable = ring.Head;
        _thread = new Thread(Main) { IsBackground = true, Name = "redisfast-aof" };
        _fsyncThread = new Thread(FsyncMain) { IsBackground = true, Name = "redisfast-aof-fsync" };
    }

    /// <summary>appendfsync, changeable at run time (CONFIG SET appendfsync).</summary>
    public volatile FsyncPolicy Policy;

    /// <summary>aof-fsync-chunk-bytes: an fsync after at most this many bytes written.</summary>
    public long ChunkBytes = 32L * 1024 * 1024;

    /// <summary>Ring offset up to which bytes are in the file (write(2) returned).</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Ring offset up to which bytes are on disk (fdatasync returned).</summary>
    public long Durable => Volatile.Read(ref _durable);

    /// <summary>Size of the incr file being written.</summary>
    public long FileSize => Volatile.Read(ref _fileSize);

    /// <summary>errno of the failing write or fsync, 0 when the AOF is healthy (aof_last_write_status / aof_bio_fsync_status).</summary>
    public int LastErrno => _lastErrno != 0 ? _lastErrno : _fsyncErrno;

    /// <summary>aof_delayed_fsync</summary>
    public long DelayedFsyncs;

    /// <summary>aof_pending_bio_fsync</summary>
    public bool FsyncPending => Volatile.Read(ref _fsyncInProgress) != 0;

    /// <summary>Sizes of the incr files this writer switched away from (INFO aof_current_size).</summary>
    public long RetiredSize => Volatile.Read(ref _retiredSize);

    /// <summary>Whether the switch asked for by <see cref="ScheduleSwitch"/> happened.</summary>
    public bool Switched => Volatile.Read(ref _switched) == 1;

    /// <summary>
    /// Loop: from ring offset <paramref name="ringOffset"/> on, bytes go to another file (a rewrite's new incr file,
    /// aof.c openNewIncrAofForAppend): every byte before it stays in the current file. Called before any byte past
    /// the offset is published, so the AOF thread sees it before it could write such a byte. The file arrives later
    /// (<see cref="ProvideNextFile"/>); until then the AOF thread stops at the offset.
    /// </summary>
    public void ScheduleSwitch(long ringOffset)
    {
        Volatile.Write(ref _switched, 0);
        Volatile.Write(ref _switchAt, ringOffset);
    }

    /// <summary>Any thread: the file to switch to (empty, already listed in the persisted manifest).</summary>
    public void ProvideNextFile(SafeFileHandle file)
    {
        Volatile.Write(ref _nextFile, file);
        _ring.Nudge();
    }

    /// <summary>
    /// Loop, with the rewrite that asked for the switch stopped and its file never provided: writing goes on in the
    /// current file (the manifest still ends with it).
    /// </summary>
    public void CancelSwitch()
    {
        if (Volatile.Read(ref _nextFile) is null) Volatile.Write(ref _switchAt, long.MaxValue);
        _ring.Nudge();
    }

    /// <summary>
    /// AOF thread, at the switch offset: makes the old file durable (so Durable, a ring offset, stays monotonic and
    /// covers everything before the switch), then continues in the new file.
    /// </summary>
    private bool TrySwitch()
    {
        if (_written != Volatile.Read(ref _switchAt)) return false;
        SafeFileHandle? next = Volatile.Read(ref _nextFile);
        if (next is null) return false;
        // The fsync thread must be done with the old handle before it changes.
        while (FsyncPending) Thread.Sleep(1);
        if (NativeFile.DataSync(_file) == 0) Volatile.Write(ref _durable, _written);
        SafeFileHandle old = _file;
        Volatile.Write(ref _retiredSize, _retiredSize + _fileSize);
        _file = next;
        Volatile.Write(ref _fileSize, RandomAccess.GetLength(next));
        _bytesSinceSync = 0;
        Volatile.Write(ref _nextFile, null);
        Volatile.Write(ref _switchAt, long.MaxValue);
        Volatile.Write(ref _switched, 1);
        old.Dispose();
        _progress();
        return true;
    }

    public void Start()
    {
        _thread.Start();
        _fsyncThread.Start();
    }

    /// <summary>
    /// Writes what is left in the ring, fsyncs, stops both threads and closes the file. Waits while the disk
    /// fails, up to <paramref name="giveUpMs"/>; returns false if data was left unwritten.
    /// </summary>
    public bool Stop(int giveUpMs)
    {
        _giveUpMs = giveUpMs;
        _stopGiveUp.Start();
        _stopping = true;
        _ring.Nudge();
        bool joined = _thread.Join(giveUpMs + 2000);
        _fsyncRequest.Release();
        joined &= _fsyncThread.Join(giveUpMs + 2000);
        bool complete = Volatile.Read(ref _written) == _ring.Head;
        if (complete) NativeFile.DataSync(_file);
        // A thread still inside a system call keeps the handle: leak it rather than close it under that thread.
        if (joined) _file.Dispose();
        return complete;
    }

    private long _giveUpMs;

    private void Main()
    {
        while (true)
        {
            bool hasData = _ring.WaitForData(Policy == FsyncPolicy.EverySec ? 100 : 1000);
            if (TrySwitch()) continue;
            if (hasData && _written == Volatile.Read(ref _switchAt))
            {
                // At the switch offset, waiting for the rewrite to open the new incr file.
                if (_stopping && _stopGiveUp.ElapsedMilliseconds > _giveUpMs) return;
                Thread.Sleep(1);
                continue;
            }
            if (hasData && !WriteAvailable())
            {
                if (_stopping && _stopGiveUp.ElapsedMilliseconds > _giveUpMs) return;
                continue;
            }
            if (Policy == FsyncPolicy.EverySec) MaybeStartFsync(force: false);
            if (_stopping && _ring.Tail == _ring.Head)
            {
                while (FsyncPending) Thread.Sleep(1);
                return;
            }
            // everysec and no: at most one write(2) per millisecond. Writing as soon as anything is published costs a
            // system call per few commands and keeps this thread spinning against the loop for the machine's cores;
            // Redis writes once per event-loop iteration. No reply waits on these writes (only always holds replies).
            if (hasData && Policy != FsyncPolicy.Always && !_stopping) Thread.Sleep(1);
        }
    }

    private readonly Stopwatch _stopGiveUp = new();

    /// <summary>Writes up to one chunk from the ring. Returns false when it wrote nothing (error, postponed).</summary>
    private bool WriteAvailable()
    {
        FsyncPolicy policy = Policy;
        if (policy == FsyncPolicy.EverySec && FsyncPending && !_stopping)
        {
            // aof.c flushAppendOnlyFile: with a background fsync in progress, postpone the write up to 2 seconds.
            long now = Environment.TickCount64;
            if (_postponedSince == 0) _postponedSince = now;
            if (now - _postponedSince < PostponeLimitMs)
            {
                Thread.Sleep(1);
                return false;
            }
            Interlocked.Increment(ref DelayedFsyncs);
            _log.Notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.");
        }
        _postponedSince = 0;
        // Head is read (acquire) inside Peek after this: a byte past a switch offset is only published after the
        // offset was set, so reading the offset first could miss it; read the head, then the offset.
        long available = _ring.Head - _written;
        long limit = Math.Min(ChunkBytes, Math.Min(available, Volatile.Read(ref _switchAt) - _written));
        if (limit <= 0) return false;
        int n = _ring.Peek(limit, out ArraySegment<byte> first, out ArraySegment<byte> second);
        int errno = NativeFile.Write(_file, first, _fileSize, out long done);
        if (errno == 0 && second.Count > 0)
        {
            errno = NativeFile.Write(_file, second, _fileSize + first.Count, out long more);
            done += more;
        }
        if (errno != 0)
        {
            WriteFailed(errno, done);
            return false;
        }
        _fileSize += n;
        _ring.Advance(n);
        Volatile.Write(ref _written, _written + n);
        _bytesSinceSync += n;
        if (_lastErrno != 0)
        {
            _log.Warning("AOF write error looks solved, Redis can write again.");
            _lastErrno = 0;
            _logged = false;
        }
        if (policy == FsyncPolicy.Always)
        {
            errno = NativeFile.DataSync(_file);
            if (errno != 0)
            {
                // Redis exits here ("Can't persist AOF for fsync error when the AOF fsync policy is 'always'"); RedisFast
                // keeps the replies held (nothing was acknowledged) and retries the fsync.
                WriteFailed(errno, 0);
                RetrySync();
                return true;
            }
            _bytesSinceSync = 0;
            Volatile.Write(ref _durable, _written);
        }
        else if (policy == FsyncPolicy.EverySec && _bytesSinceSync >= ChunkBytes)
        {
            MaybeStartFsync(force: true);
        }
        _progress();
        return true;
    }

    private void RetrySync()
    {
        while (!_stopping || _stopGiveUp.ElapsedMilliseconds < _giveUpMs)
        {
            Thread.Sleep(RetryMs);
            if (NativeFile.DataSync(_file) == 0)
            {
                _log.Warning("AOF write error looks solved, Redis can write again.");
                _lastErrno = 0;
                _logged = false;
                _bytesSinceSync = 0;
                Volatile.Write(ref _durable, _written);
                _progress();
                return;
            }
        }
    }

    private void WriteFailed(int errno, long partial)
    {
        if (!_logged)
        {
            // aof.c flushAppendOnlyFile, with the same texts.
            if (partial > 0) _log.Warning($"Short write while writing to the AOF file: (nwritten={partial}, expected=?)");
            else _log.Warning($"Error writing to the AOF file: {NativeFile.Describe(errno)}");
            _logged = true;
        }
        // Remove a partial command from the file so a restart does not see it (Redis does the same ftruncate);
        // the retry rewrites from the same offset anyway.
        if (partial > 0 && NativeFile.Truncate(_file, _fileSize) != 0)
            _log.Warning("Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.");
        _lastErrno = errno;
        _progress();
        Thread.Sleep(RetryMs);
    }

    /// <summary>everysec: hands an fsync to the fsync thread at most once a second (or after a chunk when forced).</summary>
    private void MaybeStartFsync(bool force)
    {
        long now = Environment.TickCount64;
        if (FsyncPending || _written == Volatile.Read(ref _durable)) return;
        if (!force && now - _lastFsyncStart < 1000) return;
        _lastFsyncStart = now;
        _bytesSinceSync = 0;
        Volatile.Write(ref _fsyncTarget, _written);
        Volatile.Write(ref _fsyncInProgress, 1);
        _fsyncRequest.Release();
    }

    private void FsyncMain()
    {
        while (true)
        {
            _fsyncRequest.Wait();
            if (Volatile.Read(ref _fsyncInProgress) == 0)
            {
                if (_stopping) return;
                continue;
            }
            long target = Volatile.Read(ref _fsyncTarget);
            int errno = NativeFile.DataSync(_file);
            if (errno == 0)
            {
                if (_fsyncErrno != 0) _log.Warning("AOF fsync error looks solved, Redis can write again.");
                _fsyncErrno = 0;
                Volatile.Write(ref _durable, target);
            }
            else
            {
                if (_fsyncErrno == 0) _log.Warning($"Can't persist AOF for fsync error: {NativeFile.Describe(errno)}");
                _fsyncErrno = errno;
                _lastFsyncStart = 0; // retry at the next check
            }
            Volatile.Write(ref _fsyncInProgress, 0);
            _progress();
            if (_stopping) return;
        }
    }
}
