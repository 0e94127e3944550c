using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using RedisFast.Networking;
using RedisFast.Server;

namespace RedisFast.Persistence;

/// <summary>
/// The AOF as a whole (Redis's aof.c state): the manifest and files in appenddirname, the ring and the AOF thread,
/// the loop-side <see cref="Propagator"/>, start-up loading, turning appendonly on and off at run time, rewrites
/// and the INFO persistence figures. Its methods run on the event loop (or at start-up before it serves anyone),
/// except where noted. Rewrites (BGREWRITEAOF, the automatic one, CONFIG SET appendonly yes) run in the background
/// from a copy-on-write snapshot: AppendOnlyFile.Rewrite.cs.
/// </summary>
internal sealed partial class AppendOnlyFile
{
    /// <summary>Ring size: bounded memory between the loop and the disk.</summary>
    public const int RingBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Free ring space kept before a command is executed: a command is only run when this much is free, so a normal
    /// command never waits for the disk on the loop; when the ring is that full the connection pauses with its
    /// command unexecuted in its receive buffer until the AOF thread frees space (<see cref="HasRoomForCommand"/>).
    /// </summary>
    public const int ReserveBytes = 1024 * 1024;

    private readonly RedisServer _server;
    // Made when the AOF first starts: a server with appendonly no never holds its 16 MB.
    private AofRing? _ring;
    private readonly List<Connection> _durableWaiters = [];
    private readonly List<Connection> _spaceWaiters = [];
    private readonly NotifyWork _notifyWork;
    private int _waitersPresent;
    private int _notifyQueued;
    private AofWriter? _writer;
    private AofManifest _manifest = new();
    private long _baseSize;
    private long _incrSizesBefore; // sizes of incr files before the open one
    private long _delayedFsyncsBefore;

    public AppendOnlyFile(RedisServer server)
    {
        _server = server;
        _notifyWork = new NotifyWork(this);
        // serverCron's AOF part: finished rewrites, scheduled and automatic ones.
        server.CronTasks.Add(static s => s.Aof.Cron());
    }

    /// <summary>The propagator while the AOF is on, else null (the request path's only check).</summary>
    public Propagator? Propagator { get; private set; }

    public bool IsOn => _writer is not null;

    /// <summary>aof_rewrites</summary>
    public long Rewrites { get; private set; }

    /// <summary>aof_last_rewrite_time_sec, -1 before the first.</summary>
    public long LastRewriteSeconds { get; private set; } = -1;

    /// <summary>aof_last_bgrewrite_status</summary>
    public bool LastRewriteOk { get; private set; } = true;

    /// <summary>aof_rewrites_consecutive_failures</summary>
    public long ConsecutiveRewriteFailures { get; private set; }

    /// <summary>Directory of the AOF files (dir/appenddirname).</summary>
    private string Directory => Path.Combine(_server.Config.Dir, _server.Config.AppendDirName);

    private string FileName => _server.Config.AppendFilename;

    /// <summary>
    /// The bytes <see cref="LoadAndOpen"/> reads: the files of the AOF directory, or an old single-file AOF (0 when they
    /// cannot be listed: loading reports that).
    /// </summary>
    public long BytesToLoad
    {
        get
        {
            try
            {
                var directory = new DirectoryInfo(Directory);
                if (directory.Exists) return directory.EnumerateFiles().Sum(f => f.Length);
                var single = new FileInfo(Path.Combine(_server.Config.Dir, FileName));
                return single.Exists ? single.Length : 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return 0;
            }
        }
    }

    private static FsyncPolicy ParsePolicy(string value) => value switch
    {
        "always" => FsyncPolicy.Always,
        "no" => FsyncPolicy.No,
        _ => FsyncPolicy.EverySec,
    };

    /// <summary>
    /// Start-up with appendonly yes (aof.c loadAppendOnlyFiles + aofOpenIfNeededOnServerStart): loads an existing
    /// manifest's files, or creates an empty base and incr file; then opens the last incr file for appending.
    /// </summary>
    /// <exception cref="AofLoadException">Loading failed (the host logs the message and exits with 1).</exception>
    public void LoadAndOpen()
    {
        System.IO.Directory.CreateDirectory(Directory);
        string manifestPath = Path.Combine(Directory, AofManifest.ManifestName(FileName));
        if (File.Exists(manifestPath))
        {
            _manifest = AofManifest.Parse(File.ReadAllText(manifestPath));
            AofLoader.Load(_server, Directory, _manifest);
            DeleteHistory();
            _baseSize = _manifest.Base is null ? 0 : SizeOf(_manifest.Base.Name);
            if (_manifest.Incrs.Count == 0)
            {
                AddIncr();
                _server.Log.Notice($"Creating AOF incr file {_manifest.Incrs[^1].Name} on server start");
            }
            else
            {
                _server.Log.Notice($"Opening AOF incr file {_manifest.Incrs[^1].Name} on server start");
            }
            _incrSizesBefore = 0;
            for (int i = 0; i < _manifest.Incrs.Count - 1; i++) _incrSizesBefore += SizeOf(_manifest.Incrs[i].Name);
            StartWriter(_manifest.Incrs[^1].Name);
            _rewriteBaseSize = CurrentSize;
            return;
        }
        // No manifest: a new AOF. Redis writes a base of the current data set (empty at start without an RDB).
        WriteNewBaseAndIncr(onStart: true);
        StartWriter(_manifest.Incrs[^1].Name);
        _rewriteBaseSize = CurrentSize;
    }

    private long SizeOf(string name)
    {
        var info = new FileInfo(Path.Combine(Directory, name));
        return info.Exists ? info.Length : 0;
    }

    /// <summary>Adds a new empty incr file to the manifest and persists it.</summary>
    private void AddIncr()
    {
        long seq = _manifest.CurrentIncrSeq + 1;
        string name = AofManifest.IncrName(FileName, seq);
        File.Create(Path.Combine(Directory, name)).Dispose();
        _manifest.Incrs.Add(new AofFileInfo(name, seq, AofFileType.Incr));
        _manifest.CurrentIncrSeq = seq;
        _manifest.Write(Directory, FileName);
    }

    /// <summary>
    /// Writes base N+1 from the keyspace and an empty incr N+1, switches the manifest to them and deletes the old
    /// files. The writer must be stopped.
    /// </summary>
    private void WriteNewBaseAndIncr(bool onStart)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AofManifest old = _manifest;
        var next = new AofManifest
        {
            CurrentBaseSeq = old.CurrentBaseSeq + 1,
            CurrentIncrSeq = old.CurrentIncrSeq + 1,
        };
        bool rdb = _server.Config.AofUseRdbPreamble;
        string baseName = AofManifest.BaseName(FileName, next.CurrentBaseSeq, rdb);
        string temp = Path.Combine(Directory, "temp-rewriteaof-" + Environment.ProcessId + ".aof");
        using (SafeFileHandle h = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            _baseSize = rdb
                ? RdbFile.WriteKeyspace(_server.Keyspace, _server.Functions.LibraryCodes, h, _server.Config, _server.Config.AofFsyncChunkBytes, aofBase: true)
                : AofRewriter.WriteBase(_server.Keyspace, _server.Functions.LibraryCodes, h, _server.Config.AofFsyncChunkBytes);
        }
        File.Move(temp, Path.Combine(Directory, baseName), overwrite: true);
        if (onStart) _server.Log.Notice($"Creating AOF base file {baseName} on server start");
        next.Base = new AofFileInfo(baseName, next.CurrentBaseSeq, AofFileType.Base);
        string incrName = AofManifest.IncrName(FileName, next.CurrentIncrSeq);
        File.Create(Path.Combine(Directory, incrName)).Dispose();
        next.Incrs.Add(new AofFileInfo(incrName, next.CurrentIncrSeq, AofFileType.Incr));
        List<AofFileInfo> history = old.HistoryAfterRewrite(incrName);
        bool keep = _server.Config.AofDisableAutoGc;
        if (keep) next.History.AddRange(history);
        next.Write(Directory, FileName);
        if (onStart) _server.Log.Notice($"Creating AOF incr file {incrName} on server start");
        _manifest = next;
        _incrSizesBefore = 0;
        if (!keep) foreach (AofFileInfo f in history) TryDelete(f.Name);
    }

    /// <summary>
    /// aof.c aofDelHistoryFiles: unless aof-disable-auto-gc is on, deletes the history files the manifest lists and
    /// persists it without them (at start-up, and when CONFIG SET turns auto-gc back on). While a rewrite runs it
    /// leaves them to the rewrite, whose new manifest is built from the one it started with.
    /// </summary>
    public void DeleteHistory()
    {
        if (_server.Config.AofDisableAutoGc || _job is not null || _manifest.History.Count == 0) return;
        foreach (AofFileInfo f in _manifest.History)
        {
            _server.Log.Notice($"Removing the history file {f.Name} in the background");
            TryDelete(f.Name);
        }
        _manifest.History.Clear();
        _manifest.Write(Directory, FileName);
    }

    private void TryDelete(string name)
    {
        try
        {
            File.Delete(Path.Combine(Directory, name));
        }
        catch (IOException)
        {
        }
    }

    private void StartWriter(string incrName)
    {
        string path = Path.Combine(Directory, incrName);
        SafeFileHandle file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        long size = RandomAccess.GetLength(file);
        _ring ??= new AofRing(RingBytes);
        _writer = new AofWriter(_ring, file, incrName, size, _server.Log, OnWriterProgress)
        {
            Policy = ParsePolicy(_server.Config.AppendFsync),
            ChunkBytes = _server.Config.AofFsyncChunkBytes,
        };
        var propagator = Propagator ?? new Propagator(_ring, _server.Config);
        propagator.ResetSelectedDb();
        Propagator = propagator;
        _writer.Start();
    }

    /// <summary>Drains the ring into the file, fsyncs and stops the threads; false if the disk kept failing.</summary>
    private bool StopWriter()
    {
        if (_writer is null) return true;
        bool ok = _writer.Stop(giveUpMs: 5000);
        if (!ok) _server.Log.Warning("Unable to write the remaining AOF buffer to disk: the last writes may be lost.");
        _delayedFsyncsBefore += _writer.DelayedFsyncs;
        _incrSizesBefore += _writer.RetiredSize + _writer.FileSize;
        _writer = null;
        // Everything is on disk (or abandoned): release every connection waiting for it.
        WakeAll();
        return ok;
    }

    /// <summary>appendfsync changed at run time.</summary>
    public void PolicyChanged()
    {
        if (_writer is not null) _writer.Policy = ParsePolicy(_server.Config.AppendFsync);
    }

    /// <summary>
    /// CONFIG SET appendonly yes (aof.c startAppendOnly): logging starts at once into a temporary incr file while a
    /// background rewrite writes the base (AOF_WAIT_REWRITE); when it is done both are renamed into place.
    /// </summary>
    /// <returns>Null, or an error text.</returns>
    public string? Enable()
    {
        if (_writer is not null) return null;
        if (_job is not null)
        {
            _server.Log.Notice("AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.");
            Abandon();
        }
        try
        {
            // An existing manifest's sequences continue (so an older directory is not overwritten in place).
            System.IO.Directory.CreateDirectory(Directory);
            string manifestPath = Path.Combine(Directory, AofManifest.ManifestName(FileName));
            if (File.Exists(manifestPath)) _manifest = AofManifest.Parse(File.ReadAllText(manifestPath));
            string tempIncr = TempIncrName;
            File.Create(Path.Combine(Directory, tempIncr)).Dispose();
            _server.Log.Notice($"Creating AOF incr file {tempIncr} on background rewrite");
            StartWriter(tempIncr);
            _incrSizesBefore = 0;
            StartRewrite(RewriteMode.WaitRewrite);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AofLoadException)
        {
            if (_writer is not null) Disable();
            _server.Log.Warning($"Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error: {e.Message}");
            return "ERR CONFIG SET failed (possibly related to argument 'appendonly') - Failed to start AOF";
        }
    }

    /// <summary>CONFIG SET appendonly no (aof.c stopAppendOnly): stops a running rewrite, flushes, fsyncs, closes.</summary>
    public void Disable()
    {
        if (_writer is null) return;
        Abandon();
        bool waiting = _waitRewrite;
        StopWriter();
        Propagator = null;
        if (waiting)
        {
            _waitRewrite = false;
            TryDelete(TempIncrName);
        }
    }

    /// <summary>SHUTDOWN / server stop: writes and fsyncs what is left (Redis logs "Calling fsync() on the AOF file.").</summary>
    public void Shutdown()
    {
        Abandon();
        if (_writer is null) return;
        _server.Log.Notice("Calling fsync() on the AOF file.");
        StopWriter();
        Propagator = null;
    }

    // ---- loop-side flow control ----

    /// <summary>
    /// Whether a command may run now: false when the ring is nearly full, after registering the connection to be
    /// woken when the AOF thread has freed space. Called before each command while the AOF is on.
    /// </summary>
    public bool HasRoomForCommand(Connection connection)
    {
        // The AOF is on (the caller checked its propagator), so the ring exists.
        if (_ring!.Free >= ReserveBytes) return true;
        if (!_spaceWaiters.Contains(connection)) _spaceWaiters.Add(connection);
        AnnounceWaiters();
        return _ring.Free >= ReserveBytes && _spaceWaiters.Remove(connection);
    }

    /// <summary>
    /// appendfsync always: whether the ring bytes up to <paramref name="offset"/> are on disk; if not, the connection
    /// is woken once they are. The caller holds its replies meanwhile.
    /// </summary>
    public bool IsDurable(Connection connection, long offset)
    {
        AofWriter? writer = _writer;
        if (writer is null || writer.Durable >= offset) return true;
        if (!_durableWaiters.Contains(connection)) _durableWaiters.Add(connection);
        AnnounceWaiters();
        // Re-check after announcing: the AOF thread may have published just before seeing the flag.
        return writer.Durable >= offset;
    }

    /// <summary>Policy is always (replies wait for fsync).</summary>
    public bool HoldsReplies => _writer?.Policy == FsyncPolicy.Always;

    /// <summary>The MISCONF error to refuse writes with, or null when the AOF is healthy.</summary>
    public string? WriteError
    {
        get
        {
            AofWriter? w = _writer;
            if (w is null || w.LastErrno == 0) return null;
            return "MISCONF Errors writing to the AOF file: " + NativeFile.Describe(w.LastErrno);
        }
    }

    private void AnnounceWaiters()
    {
        Volatile.Write(ref _waitersPresent, 1);
        Interlocked.MemoryBarrier();
    }

    /// <summary>On the AOF or fsync thread: something progressed; wake the loop if connections wait.</summary>
    private void OnWriterProgress()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waitersPresent) == 1 && Interlocked.Exchange(ref _notifyQueued, 1) == 0)
            _server.Loop.Post(_notifyWork);
    }

    private void WakeWaiters()
    {
        Volatile.Write(ref _notifyQueued, 0);
        Volatile.Write(ref _waitersPresent, 0);
        Interlocked.MemoryBarrier();
        AofWriter? writer = _writer;
        long durable = writer?.Durable ?? long.MaxValue;
        for (int i = _durableWaiters.Count - 1; i >= 0; i--)
        {
            Connection c = _durableWaiters[i];
            if (c.IsClosing || c.DurableNeeded <= durable)
            {
                _durableWaiters.RemoveAt(i);
                c.Wake();
            }
        }
        if (writer is null || _ring!.Free >= ReserveBytes)
        {
            foreach (Connection c in _spaceWaiters) c.Wake();
            _spaceWaiters.Clear();
        }
        if (_durableWaiters.Count > 0 || _spaceWaiters.Count > 0)
        {
            AnnounceWaiters();
            // Progress published between our reads and the announcement would have found the flag clear.
            if ((writer is not null && writer.Durable != durable) || (_spaceWaiters.Count > 0 && _ring!.Free >= ReserveBytes))
                OnWriterProgress();
        }
    }

    private void WakeAll()
    {
        foreach (Connection c in _durableWaiters) c.Wake();
        foreach (Connection c in _spaceWaiters) c.Wake();
        _durableWaiters.Clear();
        _spaceWaiters.Clear();
    }

    // ---- INFO persistence ----

    public long CurrentSize => _baseSize + _incrSizesBefore + (_writer is null ? 0 : _writer.RetiredSize + _writer.FileSize);

    public long BaseSize => _baseSize;

    public long BufferLength => _writer is null ? 0 : _ring!.Head - _writer.Written;

    public bool FsyncPending => _writer?.FsyncPending ?? false;

    public long DelayedFsyncs => _delayedFsyncsBefore + (_writer?.DelayedFsyncs ?? 0);

    public bool LastWriteOk => _writer is null || _writer.LastErrno == 0;

    private sealed class NotifyWork(AppendOnlyFile aof) : ILoopWork
    {
        public void Run() => aof.WakeWaiters();
    }
}
