using System.Buffers.Text;
using RedisFast.Commands;
using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>
/// Loop side of the AOF (aof.c feedAppendOnlyFile plus server.c propagation): after a write command that changed
/// the data set (<see cref="Keyspace.Dirty"/> moved) it appends the command to the <see cref="AofRing"/> as RESP:
/// the bytes the client sent, or the replacement a handler built with <see cref="Client.PropagateAs"/> (relative
/// expiries made absolute, INCRBYFLOAT as SET KEEPTTL ...). A SELECT goes first when the database differs from the
/// last one logged; keys found expired are logged as DEL; with aof-timestamp-enabled a "#TS:unix-seconds" line
/// goes first when the second changed. Transactions: <see cref="BeginTransaction"/> / <see cref="EndTransaction"/>
/// (EXEC calls them) wrap what the block propagates in MULTI ... EXEC, and log nothing for a block that changed
/// nothing. Exists only while appendonly is on, so the no-AOF request path pays one null check.
/// </summary>
internal sealed class Propagator
{
    private readonly AofRing _ring;
    private readonly Func<bool> _timestamps;
    private int _selectedDb = -1;
    private long _lastTimestamp;
    private bool _forced;
    private bool _skipped;
    private int _transactionDepth;
    private bool _multiEmitted;

    public Propagator(AofRing ring, Func<bool> timestampsEnabled)
    {
        _ring = ring;
        _timestamps = timestampsEnabled;
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
        if (_transactionDepth++ == 0) _multiEmitted = false;
    }

    /// <summary>Called by EXEC after the queued commands: closes the MULTI block if one was opened.</summary>
    public void EndTransaction()
    {
        if (--_transactionDepth > 0) return;
        if (_multiEmitted)
        {
            _ring.Write("*1\r\n$4\r\nEXEC\r\n"u8);
            _multiEmitted = false;
        }
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
        BeforeEntry(c.Db.Id);
        if (Override.IsSet)
        {
            _ring.Write(Override.Bytes);
            Override.Reset();
        }
        else
        {
            WriteArguments(c.Args);
        }
        if (_transactionDepth == 0) _ring.Publish();
    }

    /// <summary>A key was deleted because it expired (lazily or by the active cycle): logged as DEL (lazyfree-lazy-expire no).</summary>
    public void KeyExpired(Database db, ReadOnlySpan<byte> key)
    {
        BeforeEntry(db.Id);
        _ring.Write("*2\r\n$3\r\nDEL\r\n"u8);
        WriteBulk(key);
        if (_transactionDepth == 0) _ring.Publish();
    }

    private void BeforeEntry(int db)
    {
        if (_timestamps())
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
        if (_transactionDepth > 0 && !_multiEmitted)
        {
            // Redis emits the SELECT before MULTI, so SELECT first when needed.
            EmitSelect(db);
            _ring.Write("*1\r\n$5\r\nMULTI\r\n"u8);
            _multiEmitted = true;
        }
        EmitSelect(db);
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
            _ring.Write(args.Buffer.AsSpan(args.CommandStart, args.Position - args.CommandStart));
            return;
        }
        WriteHeader((byte)'*', args.Count);
        for (int i = 0; i < args.Count; i++) WriteBulk(args[i]);
    }

    private void WriteBulk(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        _ring.Write(value);
        _ring.Write("\r\n"u8);
    }

    private void WriteHeader(byte kind, long n)
    {
        Span<byte> header = stackalloc byte[24];
        header[0] = kind;
        Utf8Formatter.TryFormat(n, header[1..], out int written);
        header[1 + written] = (byte)'\r';
        header[2 + written] = (byte)'\n';
        _ring.Write(header[..(3 + written)]);
    }
}
