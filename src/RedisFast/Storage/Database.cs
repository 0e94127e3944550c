using System.Runtime.CompilerServices;

namespace RedisFast.Storage;

/// <summary>
/// One of the numbered databases: a <see cref="KeyTable"/> with Redis's lookup rules (a key past its expiry is
/// deleted when touched: lazy expiry, db.c expireIfNeeded) and the string storage helpers the commands share.
/// Owned by the event loop.
/// </summary>
internal sealed class Database
{
    /// <summary>OBJ_ENCODING_EMBSTR_SIZE_LIMIT: strings up to this length are created "embstr".</summary>
    public const int EmbeddedStringLimit = 44;

    private readonly Keyspace _keyspace;

    /// <param name="keyspace">The keyspace the database belongs to.</param>
    /// <param name="id">Its number.</param>
    /// <param name="counted">
    /// Whether its keys count in the keyspace's memory (<see cref="Keyspace.UsedBytes"/>): false for a scratch database
    /// that RESTORE decodes into before moving the value.
    /// </param>
    public Database(Keyspace keyspace, int id, bool counted = true)
    {
        _keyspace = keyspace;
        Id = id;
        Table = new KeyTable(memory: counted ? keyspace.Memory : null);
    }

    public int Id { get; }

    /// <summary>The keyspace this database belongs to.</summary>
    public Keyspace Keyspace => _keyspace;

    /// <summary>The keys; replaced wholesale by FLUSHDB and SWAPDB.</summary>
    public KeyTable Table { get; set; }

    public int Count => Table.Count;

    /// <summary>
    /// RESIZEDB of an RDB load (rdb.c dictExpand): an empty database gets a table sized for <paramref name="keys"/>
    /// at once, so loading does not grow and rehash it step by step. A database that has keys keeps its table.
    /// </summary>
    public void Reserve(int keys)
    {
        if (Table.SlotCount == 0 && Table.Snapshot is null) Table = new KeyTable(keys, Table.Memory);
    }

    /// <summary>The slot of a live key, or -1; an expired key is deleted on the way (lazy expiry).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(ReadOnlySpan<byte> key)
    {
        int index = Table.Find(key);
        if (index >= 0 && Table.Peek(index).ExpireAt != KeyTable.NoExpiry && Table.Peek(index).ExpireAt <= _keyspace.Now)
        {
            ExpireAt(index);
            return -1;
        }
        if (index >= 0) _keyspace.Touch(ref Table.Peek(index));
        return index;
    }

    /// <summary>
    /// <see cref="Lookup"/> without updating the access time (Redis's LOOKUP_NOTOUCH: TYPE, TTL, EXISTS, OBJECT).
    /// </summary>
    public int LookupNoTouch(ReadOnlySpan<byte> key)
    {
        int index = Table.Find(key);
        if (index >= 0 && IsExpired(index))
        {
            ExpireAt(index);
            return -1;
        }
        return index;
    }

    /// <summary>
    /// <see cref="LookupNoTouch"/> for a read command: counts keyspace_hits and keyspace_misses, and a miss is a keymiss
    /// event unless <paramref name="notify"/> is false (OBJECT's lookup, LOOKUP_NONOTIFY).
    /// </summary>
    public int LookupReadNoTouch(ReadOnlySpan<byte> key, bool notify = true)
    {
        int index = LookupNoTouch(key);
        if (index >= 0) _keyspace.Stats.KeyspaceHits++;
        else if (notify) Missed(key);
        else _keyspace.Stats.KeyspaceMisses++;
        return index;
    }

    /// <summary><see cref="Lookup"/> for a read command: counts keyspace_hits and keyspace_misses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LookupRead(ReadOnlySpan<byte> key)
    {
        int index = Lookup(key);
        if (index >= 0) _keyspace.Stats.KeyspaceHits++;
        else Missed(key);
        return index;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Missed(ReadOnlySpan<byte> key)
    {
        _keyspace.Stats.KeyspaceMisses++;
        _keyspace.KeyMissListener?.Invoke(this, key);
    }

    /// <summary>A command added <paramref name="key"/> itself, not through <see cref="LookupOrAdd"/> (RENAME, COPY, MOVE, RESTORE).</summary>
    public void KeyAdded(ReadOnlySpan<byte> key) => _keyspace.KeyAddedListener?.Invoke(this, key);

    /// <summary>The slot of <paramref name="key"/>, creating an empty one if it is absent or expired.</summary>
    public int LookupOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int index = Table.FindOrAdd(key, out added);
        if (!added && Table.Peek(index).ExpireAt != KeyTable.NoExpiry && Table.Peek(index).ExpireAt <= _keyspace.Now)
        {
            _keyspace.Stats.ExpiredKeys++;
            _keyspace.ExpiredKeyListener?.Invoke(this, Table.Peek(index).Key);
            ClearValue(index);
            added = true;
            // The slot now holds no value (Kind None): to a listener the key no longer exists.
            _keyspace.ModifiedKeyListener?.Invoke(this, key);
        }
        if (added)
        {
            _keyspace.KeyAddedListener?.Invoke(this, key);
            _keyspace.Stamp(ref Table.Peek(index));
        }
        else
        {
            _keyspace.Touch(ref Table.Peek(index));
        }
        return index;
    }

    /// <summary>Whether slot <paramref name="index"/> has expired by now (without deleting it).</summary>
    public bool IsExpired(int index)
    {
        long at = Table.Peek(index).ExpireAt;
        return at != KeyTable.NoExpiry && at <= _keyspace.Now;
    }

    public void Delete(int index) => Table.RemoveAt(index);

    /// <summary>
    /// A write command changed <paramref name="key"/> (Redis's signalModifiedKey plus server.dirty++): every write
    /// handler calls this once per key it actually changed, and not when it changed nothing. WATCH and AOF
    /// propagation rely on it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void KeyModified(ReadOnlySpan<byte> key)
    {
        _keyspace.Dirty++;
        _keyspace.ModifiedKeyListener?.Invoke(this, key);
        _keyspace.KeyReadyListener?.Invoke(this, key);
    }

    /// <summary>
    /// Deletes an expired key and counts it (INFO stats expired_keys); nothing while a CLIENT PAUSE holds. Like Redis's deleteExpiredKeyAndPropagate it
    /// signals the key (a WATCH on it fails) once it is gone, but it is not a change made by a command: no dirty++.
    /// </summary>
    public void ExpireAt(int index)
    {
        if (_keyspace.DeletionsPaused) return;
        _keyspace.Stats.ExpiredKeys++;
        byte[] key = Table.Peek(index).Key!;
        _keyspace.ExpiredKeyListener?.Invoke(this, key);
        Table.RemoveAt(index);
        _keyspace.ModifiedKeyListener?.Invoke(this, key);
    }

    /// <summary>Stores a string value, reusing the slot's buffer when it fits; keeps or clears the TTL as asked.</summary>
    public void SetString(int index, ReadOnlySpan<byte> value, bool keepTtl)
    {
        ref KeyEntry e = ref Table[index];
        if (value.Length <= 20 && Protocol.NumberParser.TryParseInt64(value, out long number))
        {
            e.Kind = ValueKind.StringInt;
            e.Number = number;
            // A small buffer is kept for the next overwrite; a large one goes.
            if (e.Value is not byte[] { Length: <= 64 }) e.Value = null;
            e.Length = 0;
        }
        else
        {
            byte[]? buffer = e.Value as byte[];
            // Reuse the old buffer when it is close to the size (an overwrite of a same-size value allocates nothing).
            if (buffer is null || buffer.Length < value.Length || buffer.Length > value.Length * 2 + 16)
                buffer = new byte[value.Length];
            value.CopyTo(buffer);
            e.Value = buffer;
            e.Length = value.Length;
            e.Kind = value.Length <= EmbeddedStringLimit ? ValueKind.StringEmbedded : ValueKind.StringRaw;
        }
        if (!keepTtl && e.ExpireAt != KeyTable.NoExpiry) Table.SetExpire(index, KeyTable.NoExpiry);
    }

    /// <summary>The keyspace clock (unix ms) that expiry decisions use; see <see cref="Keyspace.Now"/>.</summary>
    public long Now => _keyspace.Now;

    /// <summary>
    /// Stores a string without trying the integer encoding, as createStringObject does (INCRBYFLOAT results:
    /// OBJECT ENCODING is "embstr" up to 44 bytes, "raw" above, even for "5000"). Keeps the TTL.
    /// </summary>
    public void SetStringNoInteger(int index, ReadOnlySpan<byte> value)
    {
        ref KeyEntry e = ref Table[index];
        byte[]? buffer = e.Value as byte[];
        if (buffer is null || buffer.Length < value.Length || buffer.Length > value.Length * 2 + 16)
            buffer = new byte[value.Length];
        value.CopyTo(buffer);
        e.Value = buffer;
        e.Length = value.Length;
        e.Number = 0;
        e.Kind = value.Length <= EmbeddedStringLimit ? ValueKind.StringEmbedded : ValueKind.StringRaw;
    }

    /// <summary>
    /// Turns the string at <paramref name="index"/> into a "raw" string of <paramref name="newLength"/> bytes (at
    /// least its current length) and returns its bytes: the old content first, then zeros (db.c
    /// dbUnshareStringValue + sds.c sdsgrowzero). Growth is greedy like sdsMakeRoomFor (double below 1 MB,
    /// +1 MB above) so repeated APPENDs are amortized O(1).
    /// </summary>
    public Span<byte> GrowRawString(int index, int newLength)
    {
        ref KeyEntry e = ref Table[index];
        int oldLength;
        byte[]? buffer;
        if (e.Kind == ValueKind.StringInt)
        {
            Span<byte> digits = stackalloc byte[20];
            System.Buffers.Text.Utf8Formatter.TryFormat(e.Number, digits, out oldLength);
            buffer = e.Value as byte[];
            if (buffer is null || buffer.Length < Math.Max(oldLength, newLength)) buffer = new byte[GreedySize(Math.Max(oldLength, newLength))];
            digits[..oldLength].CopyTo(buffer);
            e.Number = 0;
        }
        else
        {
            oldLength = e.Length;
            buffer = (byte[])e.Value!;
            if (buffer.Length < newLength)
            {
                byte[] bigger = new byte[GreedySize(newLength)];
                buffer.AsSpan(0, oldLength).CopyTo(bigger);
                buffer = bigger;
            }
        }
        if (newLength < oldLength) newLength = oldLength;
        // A reused buffer may hold bytes of an older, longer value past the current length.
        buffer.AsSpan(oldLength, newLength - oldLength).Clear();
        e.Value = buffer;
        e.Length = newLength;
        e.Kind = ValueKind.StringRaw;
        return buffer.AsSpan(0, newLength);
    }

    /// <summary>
    /// Cuts the "raw" string at <paramref name="index"/> (see <see cref="GrowRawString"/>) to <paramref name="length"/>
    /// bytes, at most its length: a command that edited it in place through a grown span settles its length.
    /// </summary>
    public void TruncateRawString(int index, int length)
    {
        ref KeyEntry e = ref Table[index];
        if (e.Kind == ValueKind.StringRaw && length < e.Length) e.Length = length;
    }

    private static int GreedySize(int length)
    {
        const int MaxPrealloc = 1024 * 1024; // sds.c SDS_MAX_PREALLOC
        long size = length < MaxPrealloc ? (long)length * 2 : (long)length + MaxPrealloc;
        return (int)Math.Min(size, Array.MaxLength);
    }

    /// <summary>The length of the string at <paramref name="index"/> (digits of an integer string).</summary>
    public int StringLength(int index)
    {
        ref KeyEntry e = ref Table.Peek(index);
        if (e.Kind != ValueKind.StringInt) return e.Length;
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(e.Number, digits, out int n);
        return n;
    }

    /// <summary>Stores an integer string (INCR and friends).</summary>
    public void SetInteger(int index, long value)
    {
        ref KeyEntry e = ref Table[index];
        e.Kind = ValueKind.StringInt;
        e.Number = value;
        if (e.Value is not byte[] { Length: <= 64 }) e.Value = null;
        e.Length = 0;
    }

    /// <summary>Stores an arbitrary value object of <paramref name="kind"/> (collections).</summary>
    public void SetObject(int index, ValueKind kind, object value)
    {
        ref KeyEntry e = ref Table[index];
        e.Kind = kind;
        e.Value = value;
        e.Number = 0;
        e.Length = 0;
    }

    /// <summary>Whether the slot holds a string of any encoding.</summary>
    public static bool IsString(ValueKind kind) => kind is ValueKind.StringInt or ValueKind.StringEmbedded or ValueKind.StringRaw;

    /// <summary>
    /// The string at <paramref name="index"/> as bytes; integers are formatted into <paramref name="scratch"/>
    /// (at least 20 bytes).
    /// </summary>
    public ReadOnlySpan<byte> GetStringBytes(int index, Span<byte> scratch)
    {
        ref KeyEntry e = ref Table.Peek(index);
        if (e.Kind == ValueKind.StringInt)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(e.Number, scratch, out int n);
            return scratch[..n];
        }
        return new ReadOnlySpan<byte>((byte[])e.Value!, 0, e.Length);
    }

    private void ClearValue(int index)
    {
        ref KeyEntry e = ref Table[index];
        if (e.ExpireAt != KeyTable.NoExpiry) Table.SetExpire(index, KeyTable.NoExpiry);
        e.Kind = ValueKind.None;
        e.Value = null;
        e.Number = 0;
        e.Length = 0;
    }
}
