using System.Buffers;
using System.Buffers.Text;
using RedisFast.Commands;
using RedisFast.Server;
using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>
/// Loop side of the AOF (aof.c feedAppendOnlyFile plus server.c propagation): after a write command that changed
/// the data set (<see cref="Keyspace.Dirty"/> moved) it appends the command to the <see cref="AofRing"/> as RESP:
/// the bytes the client sent, or the replacement a handler built with <see cref="Client.PropagateAs"/> (relative
/// expiries made absolute, INCRBYFLOAT as SET KEEPTTL ...). A SELECT goes first when the database differs from the
/// last one logged; keys found expired are logged as DEL; with aof-timestamp-enabled a "#TS:unix-seconds" line
/// goes first when the second changed. Transactions: <see cref="BeginTransaction"/> / <see cref="EndTransaction"/>
/// (EXEC calls them) wrap what the block propagates in MULTI ... EXEC when it is more than one command, log a single
/// command alone (server.c propagatePendingCommands: "if the array contains only one command, no need to wrap it"),
/// and log nothing for a block that changed nothing. Exists only while appendonly is on, so the no-AOF request path
/// pays one null check.
/// </summary>
internal sealed class Propagator
{
    private readonly AofRing _ring;
    private readonly ServerConfig _config;
    private int _selectedDb = -1;
    private long _lastTimestamp;
    private bool _forced;
    private bool _skipped;
    private int _transactionDepth;
    private bool _multiEmitted;
    // The first command a transaction propagates waits here until a second one shows the block needs MULTI/EXEC.
    private readonly ArrayBufferWriter<byte> _firstOp = new();
    private int _firstOpDb = -1;
    private bool _holding;

    /// <param name="config">Read for aof-timestamp-enabled, which CONFIG SET can change at any time.</param>
    public Propagator(AofRing ring, ServerConfig config)
    {
        _ring = ring;
        _config = config;
    }

    /// <summary>The replacement for the command being executed (see <see cref="Client.PropagateAs"/>).</summary>
    public PropagationBuilder Override { get; } = new();

    /// <summary>Ring offset one past the last byte appended (published or not): what a reply must wait for under always.</summary>
    public long Head => _ring.PendingHead;

    /// <summary>Propagates the current command even if it changed nothing (Redis's forceCommandPropagation: FLUSHALL).</summary>
    public void Force() => _forced = true;

    /// <summary>
    /// The current command is not logged itself, whatever it changed: EXEC, whose queued commands were logged one
    /// by one inside MULTI ... EXEC (execCommand never propagates its own argv).
    /// </summary>
    public void SkipCurrent() => _skipped = true;

    /// <summary>A new incr file starts: the next command is preceded by SELECT (aof_selected_db = -1).</summary>
    public void ResetSelectedDb() => _selectedDb = -1;

    /// <summary>Called by EXEC (and scripts) before running the queued commands.</summary>
    public void BeginTransaction()
    {
        if (_transactionDepth++ > 0) return;
        _multiEmitted = false;
        _firstOpDb = -1;
    }

    /// <summary>Called by EXEC after the queued commands: closes the MULTI block, or logs the block's only command alone.</summary>
    public void EndTransaction()
    {
        if (--_transactionDepth > 0) return;
        if (_multiEmitted)
        {
            _ring.Write("*1\r\n$4\r\nEXEC\r\n"u8);
            _multiEmitted = false;
        }
        else if (_firstOpDb >= 0)
        {
            Annotate();
            EmitSelect(_firstOpDb);
            _ring.Write(_firstOp.WrittenSpan);
        }
        _firstOp.ResetWrittenCount();
        _firstOpDb = -1;
        _ring.Publish();
    }

    /// <summary>After a command ran: logs it when it changed something (or was forced).</summary>
    public void AfterCommand(Client c, long dirtyBefore)
    {
        if (_skipped)
        {
            _skipped = false;
            _forced = false;
            if (Override.IsSet) Override.Reset();
            return;
        }
        if (c.Server.Keyspace.Dirty == dirtyBefore && !_forced)
        {
            if (Override.IsSet) Override.Reset();
            return;
        }
        _forced = false;
        BeginEntry(c.Db.Id);
        if (Override.IsSet)
        {
            Write(Override.Bytes);
            Override.Reset();
        }
        else
        {
            WriteArguments(c.Args);
        }
        EndEntry();
    }

    /// <summary>
    /// A key was deleted outside a command's own writes, because it expired (lazily or by the active cycle) or was
    /// evicted: logged as DEL, or UNLINK when <paramref name="unlink"/> (lazyfree-lazy-expire / -eviction), as
    /// Redis's propagateDeletion.
    /// </summary>
    public void KeyDeleted(Database db, ReadOnlySpan<byte> key, bool unlink)
    {
        BeginEntry(db.Id);
        Write(unlink ? "*2\r\n$6\r\nUNLINK\r\n"u8 : "*2\r\n$3\r\nDEL\r\n"u8);
        WriteBulk(key);
        EndEntry();
    }

    /// <summary>Before one propagated command of database <paramref name="db"/>: annotation, MULTI, SELECT as needed.</summary>
    private void BeginEntry(int db)
    {
        if (_transactionDepth > 0 && !_multiEmitted)
        {
            if (_firstOpDb < 0)
            {
                // The block's first command: held until a second one needs MULTI, or logged alone at EXEC.
                _firstOpDb = db;
                _holding = true;
                return;
            }
            // A second command: the block is MULTI, the first command, then this one. Redis emits the SELECT of the
            // first command before MULTI.
            Annotate();
            EmitSelect(_firstOpDb);
            _ring.Write("*1\r\n$5\r\nMULTI\r\n"u8);
            _ring.Write(_firstOp.WrittenSpan);
            _firstOp.ResetWrittenCount();
            _multiEmitted = true;
        }
        else if (_transactionDepth == 0)
        {
            Annotate();
        }
        EmitSelect(db);
    }

    private void EndEntry()
    {
        _holding = false;
        if (_transactionDepth == 0) _ring.Publish();
    }

    /// <summary>Appends to the ring, or to the held first command of a transaction.</summary>
    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (_holding) _firstOp.Write(bytes);
        else _ring.Write(bytes);
    }

    private void Annotate()
    {
        if (_config.AofTimestampEnabled)
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (now > _lastTimestamp)
            {
                // aof.c genAofTimestampAnnotationIfNeeded: "#TS:%ld\r\n".
                _lastTimestamp = now;
                Span<byte> line = stackalloc byte[32];
                "#TS:"u8.CopyTo(line);
                Utf8Formatter.TryFormat(now, line[4..], out int n);
                line[4 + n] = (byte)'\r';
                line[5 + n] = (byte)'\n';
                _ring.Write(line[..(6 + n)]);
            }
        }
    }

    private void EmitSelect(int db)
    {
        if (db == _selectedDb) return;
        _selectedDb = db;
        _ring.Write("*2\r\n$6\r\nSELECT\r\n"u8);
        Span<byte> digits = stackalloc byte[11];
        Utf8Formatter.TryFormat(db, digits, out int n);
        WriteBulk(digits[..n]);
    }

    /// <summary>The command as received: a raw copy of the RESP multibulk from the receive slab, or rebuilt for inline commands.</summary>
    private void WriteArguments(Protocol.CommandArguments args)
    {
        // Inside a transaction the arguments may come from EXEC's queue rather than the receive slab: rebuild them.
        if (_transactionDepth == 0 && args.Position > args.CommandStart && args.Buffer[args.CommandStart] == (byte)'*')
        {
            Write(args.Buffer.AsSpan(args.CommandStart, args.Position - args.CommandStart));
            return;
        }
        WriteHeader((byte)'*', args.Count);
        for (int i = 0; i < args.Count; i++) WriteBulk(args[i]);
    }

    private void WriteBulk(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        Write(value);
        Write("\r\n"u8);
    }

    private void WriteHeader(byte kind, long n)
    {
        Span<byte> header = stackalloc byte[24];
        header[0] = kind;
        Utf8Formatter.TryFormat(n, header[1..], out int written);
        header[1 + written] = (byte)'\r';
        header[2 + written] = (byte)'\n';
        Write(header[..(3 + written)]);
    }
}
