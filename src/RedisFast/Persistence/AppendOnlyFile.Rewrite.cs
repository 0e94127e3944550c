using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>How a rewrite ends (aof.c backgroundRewriteDoneHandler's cases).</summary>
internal enum RewriteMode
{
    /// <summary>appendonly yes: writes after the instant go to a new incr file opened at the start.</summary>
    On,

    /// <summary>CONFIG SET appendonly yes (AOF_WAIT_REWRITE): writes go to a temporary incr file renamed at the end.</summary>
    WaitRewrite,

    /// <summary>BGREWRITEAOF with appendonly no: a base file and an empty incr file.</summary>
    Off,
}

/// <summary>
/// Background AOF rewrite (aof.c rewriteAppendOnlyFileBackground and backgroundRewriteDoneHandler), with a thread and
/// a copy-on-write snapshot instead of a fork:
/// <list type="number">
/// <item>Start, on the loop between two commands: every <see cref="KeyTable"/> records its snapshot
/// (<see cref="KeyTable.BeginSnapshot"/>, O(1) plus a state byte per slot); with the AOF on, the AOF thread is told
/// to switch files at the ring offset of this instant, so every write before it is in the old incr files (and in the
/// snapshot) and every write after it in the new incr file.</item>
/// <item>The rewrite thread creates the new incr file and persists a manifest that lists it after the old ones (a
/// crash from here on loads old base + old incrs + new incr), hands the file to the AOF thread, writes the snapshot
/// to temp-rewriteaof-bg-PID.aof (fsync every aof-fsync-chunk-bytes and at the end), waits until the AOF thread has
/// switched, renames the temp file to base N+1 and persists the manifest base N+1 + new incr (temp, fsync, rename,
/// directory fsync), then deletes the old files.</item>
/// <item>The loop's cron (Redis's checkChildrenDone) sees it done, detaches the snapshots and updates the figures.</item>
/// </list>
/// A crash at any step leaves a manifest whose files exist and add up to the data set.
/// </summary>
internal sealed partial class AppendOnlyFile
{
    private RewriteJob? _job;
    private bool _waitRewrite;
    private long _rewriteBaseSize;

    /// <summary>aof_rewrite_in_progress</summary>
    public bool RewriteInProgress => _job is not null;

    /// <summary>
    /// The rewrite that creates the AOF of CONFIG SET appendonly yes is running (Redis's AOF_WAIT_REWRITE with an AOF
    /// child): until it ends, the data set exists nowhere on disk, so SHUTDOWN without FORCE is refused.
    /// </summary>
    public bool WritingInitialAof => _job is not null && _waitRewrite;

    /// <summary>aof_rewrite_scheduled: BGREWRITEAOF inside EXEC (started by the next cron).</summary>
    public bool RewriteScheduled { get; private set; }

    /// <summary>aof_current_rewrite_time_sec, -1 when none runs.</summary>
    public long CurrentRewriteSeconds => _job is null ? -1 : (long)Stopwatch.GetElapsedTime(_job.Started).TotalSeconds;

    /// <summary>aof_last_cow_size: bytes the loop copied for the last rewrite's snapshot.</summary>
    public long LastCowSize { get; private set; }

    /// <summary>How long the loop paused to take the last snapshot, in microseconds (logged at verbose level).</summary>
    public long LastSnapshotPauseMicroseconds { get; private set; }

    /// <summary>Test knob: the next rewrites wait for this gate before their first key.</summary>
    internal ManualResetEventSlim? TestRewriteGate { get; set; }

    /// <summary>Test knob: the rewrite thread sleeps 1 ms every this many keys.</summary>
    internal int TestRewritePauseEveryKeys { get; set; }

    /// <summary>Test knob: raised on the rewrite thread with the temp base file complete, before it is renamed.</summary>
    internal Action? TestBeforeCommit { get; set; }

    private string TempIncrName => "temp-" + FileName + ".incr";

    /// <summary>BGREWRITEAOF inside EXEC: started by the cron, as Redis's aof_rewrite_scheduled.</summary>
    public void ScheduleRewrite() => RewriteScheduled = true;

    /// <summary>
    /// Starts a background rewrite now (BGREWRITEAOF, the automatic rewrite). False when it could not start (logged).
    /// </summary>
    public bool StartRewrite() =>
        StartRewrite(_writer is null ? RewriteMode.Off : _waitRewrite ? RewriteMode.WaitRewrite : RewriteMode.On);

    private bool StartRewrite(RewriteMode mode)
    {
        // One snapshot at a time (Redis: one child): a BGSAVE in progress makes the rewrite wait for the cron.
        if (_server.Rdb.SaveInProgress)
        {
            if (mode == RewriteMode.WaitRewrite)
            {
                _waitRewrite = true;
                _server.Log.Warning("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.");
            }
            RewriteScheduled = true;
            return true;
        }
        if (_job is not null) return false;
        RewriteScheduled = false;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _server.Log.Warning($"Can't open or create append-only dir {Directory}: {e.Message}");
            return false;
        }
        long pauseStart = Stopwatch.GetTimestamp();
        Keyspace keyspace = _server.Keyspace;
        var snapshot = new RewriteSnapshot(keyspace, keyspace.Now) { Functions = _server.Functions.LibraryCodes };
        var tables = new List<KeyTable>(keyspace.Databases.Length);
        foreach (Database db in keyspace.Databases)
        {
            snapshot.Tables.Add(db.Table.BeginSnapshot(db.Id, snapshot));
            tables.Add(db.Table);
        }
        var job = new RewriteJob(this, mode, snapshot, tables, _manifest)
        {
            Control = new RewriteControl { Gate = TestRewriteGate, PauseEveryKeys = TestRewritePauseEveryKeys },
            Writer = _writer,
            Directory = Directory,
            FileName = FileName,
            ChunkBytes = _server.Config.AofFsyncChunkBytes,
            TempIncr = TempIncrName,
            Config = _server.Config,
            BeforeCommit = TestBeforeCommit,
        };
        if (mode == RewriteMode.On)
        {
            // aof.c openNewIncrAofForAppend: the file opened now takes every write after this instant.
            _writer!.ScheduleSwitch(_ring!.PendingHead);
            // aof.c rewriteAppendOnlyFileBackground: aof_selected_db = -1, so the new incr file starts with a SELECT.
            Propagator?.ResetSelectedDb();
            _server.Log.Notice($"Creating AOF incr file {job.NewIncr.Name} on background rewrite");
        }
        LastSnapshotPauseMicroseconds = (long)Stopwatch.GetElapsedTime(pauseStart).TotalMicroseconds;
        _waitRewrite = mode == RewriteMode.WaitRewrite;
        _job = job;
        Rewrites++;
        job.Start();
        _server.Log.Notice($"Background append only file rewriting started by thread {job.ThreadId}");
        _server.Log.Verbose($"AOF rewrite snapshot of {keyspace.Databases.Length} databases taken in {LastSnapshotPauseMicroseconds} microseconds");
        return true;
    }

    /// <summary>serverCron's AOF part: a finished rewrite, a scheduled one, the automatic one.</summary>
    private void Cron()
    {
        if (_job is not null && _job.IsComplete) Finish();
        if (_job is not null || _server.Rdb.SaveInProgress) return;
        if (RewriteScheduled)
        {
            if (!RewriteLimited()) StartRewrite();
            return;
        }
        // server.c serverCron: "Trigger an AOF rewrite if needed."
        long percentage = _server.Config.AutoAofRewritePercentage;
        long size = CurrentSize;
        if (_writer is null || _waitRewrite || percentage == 0 || size <= _server.Config.AutoAofRewriteMinSize) return;
        long baseSize = _rewriteBaseSize > 0 ? _rewriteBaseSize : 1;
        long growth = size * 100 / baseSize - 100;
        if (growth < percentage || RewriteLimited()) return;
        _server.Log.Notice($"Starting automatic rewriting of AOF on {growth}% growth");
        StartRewrite();
    }

    private const int RewriteLimitThreshold = 3;  // server.h AOF_REWRITE_LIMITE_THRESHOLD
    private const int RewriteLimitMaxMinutes = 60; // server.h AOF_REWRITE_LIMITE_MAX_MINUTES
    private int _limitDelayMinutes;
    private long _limitNextRewrite;

    /// <summary>
    /// aof.c aofRewriteLimited: after 3 failed rewrites in a row, the cron's rewrites (scheduled or automatic; not
    /// BGREWRITEAOF) wait 1 minute, then 2, 4 ... up to 60, so a full disk does not restart a rewrite every tick.
    /// </summary>
    private bool RewriteLimited()
    {
        if (ConsecutiveRewriteFailures < RewriteLimitThreshold)
        {
            _limitDelayMinutes = 0;
            _limitNextRewrite = 0;
            return false;
        }
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (_limitNextRewrite != 0)
        {
            if (now < _limitNextRewrite) return true;
            _limitNextRewrite = 0;
            return false;
        }
        _limitDelayMinutes = _limitDelayMinutes == 0 ? 1 : Math.Min(_limitDelayMinutes * 2, RewriteLimitMaxMinutes);
        _limitNextRewrite = now + _limitDelayMinutes * 60L;
        _server.Log.Warning($"Background AOF rewrite has repeatedly failed and triggered the limit, will retry in {_limitDelayMinutes} minutes");
        return true;
    }

    /// <summary>
    /// Stops a running rewrite (SHUTDOWN, appendonly no/yes; Redis's killAppendOnlyChild): its temp file goes, the
    /// manifest stays as the thread left it (old files, plus the new incr file if it was already listed).
    /// </summary>
    private void Abandon()
    {
        RewriteJob? job = _job;
        if (job is null) return;
        _server.Log.Notice($"Killing running AOF rewrite child: {job.ThreadId}");
        job.Control.Cancel();
        job.Join();
        Finish();
    }

    /// <summary>On the loop, once the rewrite thread has ended (done, failed or cancelled).</summary>
    private void Finish()
    {
        RewriteJob job = _job!;
        _job = null;
        for (int i = 0; i < job.Tables.Count; i++) job.Tables[i].EndSnapshot(job.Snapshot.Tables[i]);
        job.Snapshot.End();
        LastRewriteSeconds = (long)Stopwatch.GetElapsedTime(job.Started).TotalSeconds;
        LastCowSize = job.Snapshot.CowBytes;
        if (job.Committed)
        {
            _manifest = job.Final!;
            _baseSize = job.BaseSize;
            // Only the incr file written now is left: what the writer wrote before is in deleted files.
            _incrSizesBefore = job.Mode == RewriteMode.Off ? 0 : -(_writer?.RetiredSize ?? 0);
            _waitRewrite = false;
            LastRewriteOk = true;
            ConsecutiveRewriteFailures = 0;
            _server.Log.Notice("Background AOF rewrite terminated with success");
            _server.Log.Notice($"Successfully renamed the temporary AOF base file {job.TempBase} into {_manifest.Base!.Name}");
            if (job.Mode == RewriteMode.WaitRewrite)
                _server.Log.Notice($"Successfully renamed the temporary AOF incr file {job.TempIncr} into {_manifest.Incrs[^1].Name}");
            foreach (string name in job.Deleted) _server.Log.Notice($"Removing the history file {name} in the background");
            _server.Log.Notice("Background AOF rewrite finished successfully");
            _rewriteBaseSize = CurrentSize;
            return;
        }
        if (job.IncrListed) _manifest = job.During!;
        else if (job.Mode == RewriteMode.On) _writer?.CancelSwitch();
        if (job.Control.IsCancelled)
        {
            _server.Log.Notice("Background AOF rewrite stopped before it finished: the manifest is unchanged");
            return;
        }
        LastRewriteOk = false;
        ConsecutiveRewriteFailures++;
        _server.Log.Warning($"Background AOF rewrite terminated with error: {job.Error?.Message}");
        if (job.Mode == RewriteMode.WaitRewrite)
        {
            // aof.c: with AOF_WAIT_REWRITE a failed rewrite is retried by the cron (aof_rewrite_scheduled).
            RewriteScheduled = true;
            _waitRewrite = true;
        }
    }

    /// <summary>One background rewrite: its snapshot, its thread and what the thread did (read by the loop after it ended).</summary>
    private sealed class RewriteJob
    {
        private readonly Thread _thread;
        private int _complete;

        public RewriteJob(AppendOnlyFile aof, RewriteMode mode, RewriteSnapshot snapshot, List<KeyTable> tables, AofManifest current)
        {
            Mode = mode;
            Snapshot = snapshot;
            Tables = tables;
            Current = current.Copy();
            NewIncr = new AofFileInfo(AofManifest.IncrName(aof.FileName, current.CurrentIncrSeq + 1), current.CurrentIncrSeq + 1, AofFileType.Incr);
            TempBase = "temp-rewriteaof-bg-" + Environment.ProcessId + ".aof";
            // aof-use-rdb-preamble as it was when the rewrite started (CONFIG SET may change it meanwhile).
            RdbBase = aof._server.Config.AofUseRdbPreamble;
            _thread = new Thread(Run) { IsBackground = true, Name = "redisfast-aof-rewrite" };
        }

        public RewriteMode Mode { get; }

        public RewriteSnapshot Snapshot { get; }

        /// <summary>The tables that got a snapshot, in database order at the instant (parallel to Snapshot.Tables).</summary>
        public List<KeyTable> Tables { get; }

        /// <summary>The manifest at the start.</summary>
        public AofManifest Current { get; }

        /// <summary>The incr file of the writes after the instant (<see cref="RewriteMode.On"/>), or the renamed temp incr.</summary>
        public AofFileInfo NewIncr { get; }

        public string TempBase { get; }

        /// <summary>aof-use-rdb-preamble yes: the base file is an RDB (appendonly.aof.N.base.rdb).</summary>
        public bool RdbBase { get; }

        public required RewriteControl Control { get; init; }

        public required AofWriter? Writer { get; init; }

        public required string Directory { get; init; }

        public required string FileName { get; init; }

        public required long ChunkBytes { get; init; }

        public required string TempIncr { get; init; }

        /// <summary>Read for aof-disable-auto-gc when the rewrite commits.</summary>
        public required ServerConfig Config { get; init; }

        public Action? BeforeCommit { get; init; }

        public long Started { get; } = Stopwatch.GetTimestamp();

        public int ThreadId => _thread.ManagedThreadId;

        public bool IsComplete => Volatile.Read(ref _complete) == 1;

        // Written by the thread, read by the loop once IsComplete (or after Join).
        public AofManifest? During { get; private set; }

        public bool IncrListed { get; private set; }

        public AofManifest? Final { get; private set; }

        public bool Committed { get; private set; }

        public long BaseSize { get; private set; }

        public Exception? Error { get; private set; }

        public List<string> Deleted { get; } = [];

        public void Start() => _thread.Start();

        public void Join() => _thread.Join();

        private string PathOf(string name) => Path.Combine(Directory, name);

        private void Run()
        {
            string tempBase = PathOf(TempBase);
            // Redis's child competes with the parent for the cores at equal priority; here the loop always wins them.
            NativeThread.SetNice(NativeThread.BackgroundNice);
            try
            {
                if (Mode == RewriteMode.On) OpenNewIncr();
                long size;
                using (SafeFileHandle h = File.OpenHandle(tempBase, FileMode.Create, FileAccess.Write, FileShare.Read))
                {
                    size = RdbBase
                        ? RdbFile.WriteSnapshot(Snapshot, null, h, Config, ChunkBytes, Control, aofBase: true)
                        : AofRewriter.WriteSnapshot(Snapshot, h, ChunkBytes, Control);
                }
                if (size < 0)
                {
                    File.Delete(tempBase);
                    return;
                }
                BaseSize = size;
                if (Mode == RewriteMode.On)
                {
                    // The new base covers exactly the writes before the switch offset: the old incr files can only go
                    // once the AOF thread writes the new one.
                    while (!Writer!.Switched)
                    {
                        if (Control.IsCancelled)
                        {
                            File.Delete(tempBase);
                            return;
                        }
                        Thread.Sleep(1);
                    }
                }
                BeforeCommit?.Invoke();
                if (Control.IsCancelled)
                {
                    File.Delete(tempBase);
                    return;
                }
                Commit(tempBase);
            }
            catch (Exception e)
            {
                Error = e;
                try
                {
                    File.Delete(tempBase);
                }
                catch (IOException)
                {
                }
            }
            finally
            {
                Volatile.Write(ref _complete, 1);
            }
        }

        /// <summary>Creates the new incr file, lists it in the persisted manifest, then gives it to the AOF thread.</summary>
        private void OpenNewIncr()
        {
            string path = PathOf(NewIncr.Name);
            SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
            try
            {
                NativeFile.DataSync(file);
                AofManifest during = Current.Copy();
                during.Incrs.Add(NewIncr);
                during.CurrentIncrSeq = NewIncr.Seq;
                during.Write(Directory, FileName);
                During = during;
                IncrListed = true;
            }
            catch
            {
                file.Dispose();
                TryDeleteFile(path);
                throw;
            }
            Writer!.ProvideNextFile(file);
        }

        /// <summary>Renames the files into place and persists the final manifest; the old files become history and go.</summary>
        private void Commit(string tempBase)
        {
            AofManifest old = During ?? Current;
            var final = new AofManifest { CurrentBaseSeq = old.CurrentBaseSeq + 1, CurrentIncrSeq = old.CurrentIncrSeq };
            string baseName = AofManifest.BaseName(FileName, final.CurrentBaseSeq, RdbBase);
            AofFileInfo? incr = null;
            if (Mode == RewriteMode.On)
            {
                incr = NewIncr;
            }
            else if (Mode == RewriteMode.WaitRewrite)
            {
                // aof.c: the temp incr of AOF_WAIT_REWRITE becomes incr N+1.
                incr = NewIncr;
                final.CurrentIncrSeq = incr.Seq;
                File.Move(PathOf(TempIncr), PathOf(incr.Name), overwrite: true);
            }
            // With the AOF off, every incr file becomes history (aof.c markRewrittenIncrAofAsHistory skips the last one
            // only while an AOF file is open): the manifest lists the base alone, as redis-server's does.
            File.Move(tempBase, PathOf(baseName), overwrite: true);
            final.Base = new AofFileInfo(baseName, final.CurrentBaseSeq, AofFileType.Base);
            if (incr is not null) final.Incrs.Add(incr);
            List<AofFileInfo> history = old.HistoryAfterRewrite(incr?.Name);
            // Read now: CONFIG SET aof-disable-auto-gc no during the rewrite leaves the deleting to this point.
            bool keep = Config.AofDisableAutoGc;
            if (keep) final.History.AddRange(history);
            final.Write(Directory, FileName);
            Final = final;
            Committed = true;
            if (!keep) foreach (AofFileInfo f in history) Delete(f.Name);
        }

        private void Delete(string name)
        {
            if (TryDeleteFile(PathOf(name))) Deleted.Add(name);
        }

        private static bool TryDeleteFile(string path)
        {
            try
            {
                if (!File.Exists(path)) return false;
                File.Delete(path);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
