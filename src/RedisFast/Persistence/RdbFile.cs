using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using RedisFast.Persistence.Rdb;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>
/// RDB snapshots (Redis's rdb.c server side): the dbfilename in dir loaded at start when appendonly is no, SAVE on the
/// loop, BGSAVE and the save points from a copy-on-write snapshot on a thread of its own (the fork of
/// rdbSaveBackground), the final save of SHUTDOWN, and what INFO persistence and LASTSAVE report. Files are written as
/// temp-N.rdb, fsynced, renamed over dbfilename and the directory fsynced, so a crash leaves the old file or the
/// new one. One snapshot at a time across BGSAVE and BGREWRITEAOF, as Redis allows one child.
/// </summary>
internal sealed class RdbFile
{
    private const int RetryDelaySeconds = 5; // server.h CONFIG_BGSAVE_RETRY_DELAY
    private const long RdbAutoSyncBytes = 4L * 1024 * 1024; // server.h REDIS_AUTOSYNC_BYTES (rdb-save-incremental-fsync)

    private readonly RedisServer _server;
    private SaveJob? _job;
    private long _dirtyAtLastSave;
    private long _dirtyAtSaveStart;
    private long _lastAttempt;

    public RdbFile(RedisServer server)
    {
        _server = server;
        LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        server.CronTasks.Add(static s => s.Rdb.Cron());
    }

    /// <summary>Test knob: the next background saves wait for this gate before their first key.</summary>
    internal ManualResetEventSlim? TestSaveGate { get; set; }

    /// <summary>Full path of dbfilename in dir.</summary>
    public string FilePath => Path.Combine(_server.Config.Dir, _server.Config.DbFilename);

    /// <summary>The bytes <see cref="LoadAtStart"/> reads (0 without a file).</summary>
    public long BytesToLoad => new FileInfo(FilePath) is { Exists: true } file ? file.Length : 0;

    public bool SaveInProgress => _job is not null;

    /// <summary>BGSAVE SCHEDULE (or inside EXEC) while another snapshot runs: started by the cron when it can.</summary>
    public bool SaveScheduled { get; private set; }

    /// <summary>rdb_last_save_time / LASTSAVE: the last successful save (server start before any).</summary>
    public long LastSaveUnix { get; private set; }

    /// <summary>rdb_last_bgsave_status</summary>
    public bool LastBackgroundSaveOk { get; private set; } = true;

    /// <summary>rdb_last_bgsave_time_sec, -1 before the first.</summary>
    public long LastBackgroundSaveSeconds { get; private set; } = -1;

    /// <summary>rdb_current_bgsave_time_sec</summary>
    public long CurrentBackgroundSaveSeconds => _job is null ? -1 : (long)Stopwatch.GetElapsedTime(_job.Started).TotalSeconds;

    /// <summary>rdb_saves: saves started, foreground and background (a failed one counts too, as in Redis).</summary>
    public long Saves { get; private set; }

    /// <summary>rdb_last_cow_size</summary>
    public long LastCowSize { get; private set; }

    /// <summary>rdb_last_load_keys_loaded / rdb_last_load_keys_expired</summary>
    public long LastLoadKeysLoaded { get; private set; }

    public long LastLoadKeysExpired { get; private set; }

    /// <summary>rdb_changes_since_last_save</summary>
    public long ChangesSinceLastSave => _server.Keyspace.Dirty - _dirtyAtLastSave;

    /// <summary>Whether save points are configured (Redis's saveparamslen > 0).</summary>
    public bool SavePointsConfigured => _server.Config.Save.Length > 0;

    /// <summary>
    /// The MISCONF error that refuses writes after a failed background save (stop-writes-on-bgsave-error with save
    /// points configured), or null.
    /// </summary>
    public string? WriteError =>
        !LastBackgroundSaveOk && _server.Config.StopWritesOnBgsaveError && SavePointsConfigured
            ? "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
            : null;

    /// <summary>Start-up with appendonly no (server.c loadDataFromDisk): loads dbfilename if it exists.</summary>
    /// <exception cref="RdbLoadException">The file is unreadable or malformed (the host logs it and exits with 1).</exception>
    public void LoadAtStart()
    {
        string path = FilePath;
        if (!File.Exists(path)) return;
        long started = Stopwatch.GetTimestamp();
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RdbLoadException($"Fatal error loading the DB: {e.Message}. Exiting.");
        }
        RdbLoadResult result = RdbLoader.Load(_server, data, _server.Config.DbFilename);
        LastLoadKeysLoaded = result.KeysLoaded;
        LastLoadKeysExpired = result.ExpiredSkipped;
        _dirtyAtLastSave = _server.Keyspace.Dirty;
        _server.Log.Notice($"DB loaded from disk: {Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} seconds");
    }

    /// <summary>DEBUG RELOAD: loads dbfilename into the keyspace as it is now; false with the reason when it fails.</summary>
    public bool Reload(out string? error)
    {
        error = null;
        try
        {
            RdbLoadResult result = RdbLoader.Load(_server, File.ReadAllBytes(FilePath), _server.Config.DbFilename);
            LastLoadKeysLoaded = result.KeysLoaded;
            LastLoadKeysExpired = result.ExpiredSkipped;
            return true;
        }
        catch (Exception e) when (e is RdbLoadException or IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>SAVE, FLUSHALL and the final save of SHUTDOWN (rdb.c rdbSave): writes the keyspace on the loop.</summary>
    /// <returns>False when the file could not be written (logged; rdb_last_bgsave_status is not changed, as in Redis).</returns>
    public bool Save()
    {
        string temp = Path.Combine(_server.Config.Dir, $"temp-{Environment.ProcessId}.rdb");
        Saves++; // rdb_saves counts attempts
        SafeFileHandle? opened = Open(temp);
        if (opened is null) return false;
        try
        {
            using (SafeFileHandle file = opened)
                WriteKeyspace(_server.Keyspace, _server.Functions.LibraryCodes, file, _server.Config, SyncBytes(_server.Config), aofBase: false);
            Commit(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _server.Log.Warning($"Write error saving DB on disk: {e.Message}");
            TryDelete(temp);
            return false;
        }
        _server.Log.Notice("DB saved on disk");
        _dirtyAtLastSave = _server.Keyspace.Dirty;
        LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        LastBackgroundSaveOk = true; // rdbSave: "server.lastbgsave_status = C_OK"
        return true;
    }

    /// <summary>
    /// BGSAVE and the save points (rdb.c rdbSaveBackground): takes the snapshot now and writes it on a thread.
    /// </summary>
    /// <returns>False when a snapshot is already being written (BGSAVE or BGREWRITEAOF).</returns>
    public bool StartBackgroundSave()
    {
        if (_job is not null || _server.Aof.RewriteInProgress) return false;
        SaveScheduled = false;
        _lastAttempt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _dirtyAtSaveStart = _server.Keyspace.Dirty;
        Keyspace keyspace = _server.Keyspace;
        var snapshot = new RewriteSnapshot(keyspace, keyspace.Now) { Functions = _server.Functions.LibraryCodes };
        var counts = new (long Keys, long Expires)[keyspace.Databases.Length];
        foreach (Database db in keyspace.Databases)
        {
            snapshot.Tables.Add(db.Table.BeginSnapshot(db.Id, snapshot));
            counts[db.Id] = (db.Table.Count, db.Table.VolatileCount);
        }
        var job = new SaveJob(this, snapshot, counts) { Control = new RewriteControl { Gate = TestSaveGate } };
        _job = job;
        Saves++;
        job.Start();
        _server.Log.Notice($"Background saving started by thread {job.ThreadId}");
        return true;
    }

    /// <summary>BGSAVE SCHEDULE, or BGSAVE inside EXEC: the cron starts it once no snapshot is being written.</summary>
    public void ScheduleBackgroundSave() => SaveScheduled = true;

    /// <summary>
    /// Stops a running background save and deletes its temp file (rdb.c killRDBChild: FLUSHALL, SHUTDOWN); nothing is
    /// recorded as a failure.
    /// </summary>
    public void KillBackgroundSave()
    {
        SaveJob? job = _job;
        if (job is null) return;
        job.Control.Cancel();
        job.Join();
        EndSnapshot(job);
        _job = null;
        TryDelete(job.TempPath);
    }

    /// <summary>The final save of SHUTDOWN: stops a background save first ("There is a child saving an .rdb. Killing it!").</summary>
    public bool FinalSave()
    {
        if (_job is not null)
        {
            _server.Log.Warning("There is a child saving an .rdb. Killing it!");
            KillBackgroundSave();
        }
        return Save();
    }

    /// <summary>serverCron's RDB part: a finished background save, a scheduled one, the save points.</summary>
    private void Cron()
    {
        if (_job is not null && _job.IsComplete) Finish();
        if (_job is not null || _server.Aof.RewriteInProgress) return;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (SaveScheduled)
        {
            StartBackgroundSave();
            return;
        }
        string save = _server.Config.Save;
        if (save.Length == 0) return;
        long changes = ChangesSinceLastSave;
        string[] parts = save.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            long seconds = long.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
            long needed = long.Parse(parts[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            // server.c serverCron: enough changes, old enough, and not right after a failed attempt.
            if (changes >= needed && now - LastSaveUnix > seconds && (now - _lastAttempt > RetryDelaySeconds || LastBackgroundSaveOk))
            {
                _server.Log.Notice($"{needed} changes in {seconds} seconds. Saving...");
                StartBackgroundSave();
                return;
            }
        }
    }

    /// <summary>On the loop once the save thread ended (rdb.c backgroundSaveDoneHandlerDisk).</summary>
    private void Finish()
    {
        SaveJob job = _job!;
        _job = null;
        EndSnapshot(job);
        LastBackgroundSaveSeconds = (long)Stopwatch.GetElapsedTime(job.Started).TotalSeconds;
        LastCowSize = job.Snapshot.CowBytes;
        if (job.Error is null)
        {
            _server.Log.Notice("Background saving terminated with success");
            _dirtyAtLastSave = _dirtyAtSaveStart; // server.dirty -= server.dirty_before_bgsave
            LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            LastBackgroundSaveOk = true;
            return;
        }
        _server.Log.Warning(job.Error.Message);
        _server.Log.Warning("Background saving error");
        LastBackgroundSaveOk = false;
    }

    private void EndSnapshot(SaveJob job)
    {
        Keyspace keyspace = _server.Keyspace;
        for (int i = 0; i < job.Snapshot.Tables.Count; i++) keyspace.Databases[i].Table.EndSnapshot(job.Snapshot.Tables[i]);
        job.Snapshot.End();
    }

    /// <summary>Creates the temp file; null after logging Redis's message when it cannot.</summary>
    private SafeFileHandle? Open(string temp)
    {
        try
        {
            return File.OpenHandle(temp, FileMode.Create, FileAccess.Write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _server.Log.Warning(OpenError(temp, e));
            return null;
        }
    }

    private string OpenError(string temp, Exception e) =>
        $"Failed opening the temp RDB file {Path.GetFileName(temp)} (in server root dir {_server.Config.Dir}) for saving: {e.Message}";

    /// <summary>rdb-save-incremental-fsync: an fsync every 4 MB, or only at the end.</summary>
    private static long SyncBytes(ServerConfig config) => config.RdbSaveIncrementalFsync ? RdbAutoSyncBytes : 0;

    private static RdbWriter NewWriter(SafeFileHandle file, ServerConfig config, long syncBytes, bool aofBase)
    {
        var w = new RdbWriter(file, syncBytes, config.RdbCompression, config.RdbChecksum)
        {
            ListMaxListpackSize = config.ListMaxListpackSize,
            SaveAccessFor = config.EvictionPolicy & (EvictionPolicy.Lru | EvictionPolicy.Lfu),
            NowSeconds = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            LfuDecayTime = config.LfuDecayTime,
        };
        w.Header(aofBase, usedMemory: GC.GetTotalMemory(false));
        return w;
    }

    /// <summary>
    /// Writes the live keyspace as an RDB file, on the loop (SAVE, and a new AOF's base file with aof-use-rdb-preamble
    /// yes); fsynced at the end. Returns the file size.
    /// </summary>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public static long WriteKeyspace(Keyspace keyspace, IReadOnlyList<byte[]> functions, SafeFileHandle file, ServerConfig config,
        long syncBytes, bool aofBase)
    {
        RdbWriter w = NewWriter(file, config, syncBytes, aofBase);
        foreach (byte[] code in functions) w.Function(code);
        var visitor = new KeyWriter(w, keyspace.Now);
        foreach (Database db in keyspace.Databases)
        {
            KeyTable table = db.Table;
            if (table.Count == 0) continue;
            w.SelectDb(db.Id, table.Count, table.VolatileCount);
            visitor.Selected = db.Id;
            for (int i = 0; i < table.SlotCount; i++) visitor.Visit(db.Id, table.Peek(i));
        }
        return w.Finish();
    }

    /// <summary>
    /// Writes the keyspace of <paramref name="snapshot"/>'s instant as an RDB file, on a background thread
    /// (<see cref="SnapshotWalker"/>: BGSAVE, and the AOF rewrite's base file with aof-use-rdb-preamble yes).
    /// </summary>
    /// <param name="counts">Keys and expires per database at the instant (RESIZEDB hints), or null.</param>
    /// <returns>The file size, or -1 when <paramref name="control"/> cancelled it.</returns>
    /// <exception cref="IOException">A write or fsync failed.</exception>
    public static long WriteSnapshot(RewriteSnapshot snapshot, (long Keys, long Expires)[]? counts, SafeFileHandle file, ServerConfig config,
        long syncBytes, RewriteControl control, bool aofBase)
    {
        RdbWriter w = NewWriter(file, config, syncBytes, aofBase);
        foreach (byte[] code in snapshot.Functions) w.Function(code);
        var visitor = new KeyWriter(w, snapshot.Now, counts);
        return SnapshotWalker.Walk(snapshot, control, visitor.Visit) ? w.Finish() : -1;
    }

    /// <summary>Renames a complete, fsynced temp file over dbfilename and makes the rename durable.</summary>
    private void Commit(string temp)
    {
        File.Move(temp, FilePath, overwrite: true);
        NativeFile.SyncDirectory(_server.Config.Dir);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Writes keys, re-selecting the database when it changes (preserved slots come after the rest).</summary>
    private sealed class KeyWriter(RdbWriter writer, long now, (long Keys, long Expires)[]? counts = null)
    {
        private readonly bool[] _announced = new bool[counts?.Length ?? 0];

        public int Selected = -1;

        public void Visit(int db, in KeyEntry e)
        {
            if (e.Key is null || e.Kind == ValueKind.None) return;
            // Keys already expired at the instant are left out, as the AOF rewrite does (a loader would drop them).
            if (e.ExpireAt != KeyTable.NoExpiry && e.ExpireAt < now) return;
            if (db != Selected)
            {
                // RESIZEDB sizes are hints for the loader: given once per database.
                bool first = counts is not null && !_announced[db];
                if (first) _announced[db] = true;
                writer.SelectDb(db, first ? counts![db].Keys : 0, first ? counts![db].Expires : 0);
                Selected = db;
            }
            writer.Key(e);
        }
    }

    /// <summary>One background save: its snapshot and its thread (read by the loop after the thread ended).</summary>
    private sealed class SaveJob
    {
        private readonly RdbFile _owner;
        private readonly (long Keys, long Expires)[] _counts;
        private readonly Thread _thread;
        private int _complete;

        public SaveJob(RdbFile owner, RewriteSnapshot snapshot, (long Keys, long Expires)[] counts)
        {
            _owner = owner;
            Snapshot = snapshot;
            _counts = counts;
            _thread = new Thread(Run) { IsBackground = true, Name = "redisfast-bgsave" };
            TempPath = Path.Combine(owner._server.Config.Dir, $"temp-{Environment.ProcessId}-bgsave.rdb");
        }

        public RewriteSnapshot Snapshot { get; }

        public required RewriteControl Control { get; init; }

        public string TempPath { get; }

        public long Started { get; } = Stopwatch.GetTimestamp();

        public int ThreadId => _thread.ManagedThreadId;

        public bool IsComplete => Volatile.Read(ref _complete) == 1;

        public Exception? Error { get; private set; }

        public void Start() => _thread.Start();

        public void Join() => _thread.Join();

        private void Run()
        {
            // Like the AOF rewrite: the lowest priority, so the loop keeps its core (see NativeThread).
            NativeThread.SetNice(NativeThread.BackgroundNice);
            try
            {
                bool complete;
                SafeFileHandle opened;
                try
                {
                    opened = File.OpenHandle(TempPath, FileMode.Create, FileAccess.Write);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException(_owner.OpenError(TempPath, e), e);
                }
                using (SafeFileHandle file = opened)
                {
                    ServerConfig config = _owner._server.Config;
                    complete = WriteSnapshot(Snapshot, _counts, file, config, SyncBytes(config), Control, aofBase: false) >= 0;
                }
                if (complete) _owner.Commit(TempPath);
                else TryDelete(TempPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Error = e.InnerException is null ? new IOException($"Write error saving DB on disk: {e.Message}", e) : e;
                TryDelete(TempPath);
            }
            finally
            {
                Volatile.Write(ref _complete, 1);
            }
        }
    }
}
