namespace RedisFast.Storage;

/// <summary>
/// Keeps each database's byte count (<see cref="KeyTable.Bytes"/>) up to date as keys change, with no walk: the first
/// time a command (or the expiry cycle, or a loader) takes a slot for writing, the table records the slot's size
/// then (<see cref="MemorySize.Of(in KeyEntry)"/>, O(1)); <see cref="Settle"/> adds the difference to what the slot
/// holds now. A slot is recorded once until settled (<see cref="KeyEntry.SizePending"/>), so writing the same keys
/// again costs one flag test. Settling is only safe between commands (a command may hold a slot it goes on changing),
/// so it happens there: after a command that left <see cref="SettleBatch"/> slots pending, at every cron tick, and
/// whenever the figures are read (maxmemory's check before a command, INFO). Owned by the event loop.
/// </summary>
internal sealed class KeyspaceMemory
{
    private readonly Keyspace _keyspace;
    private Change[] _changes = new Change[16];
    private int _count;

    public KeyspaceMemory(Keyspace keyspace) => _keyspace = keyspace;

    /// <summary>
    /// Whether a slot taken through the writable indexer may change size: not while a command flagged readonly runs (it
    /// reads through the indexer in places; what it deletes by lazy expiry is recorded by the removal itself).
    /// </summary>
    public bool MayResize => !_keyspace.ReadOnlyCommand;

    private struct Change
    {
        public KeyTable Table;
        public int Index;
        public long Before;
    }

    /// <summary>Every counted table's <see cref="KeyTable.Bytes"/> summed, as of the last <see cref="Settle"/>.</summary>
    public long Bytes { get; internal set; }

    /// <summary>Pending slots after which a command's end settles them (measured: settling after every command cost a SET 12%).</summary>
    public const int SettleBatch = 64;

    /// <summary>Whether some slot changed since the last <see cref="Settle"/>.</summary>
    public bool HasChanges => _count != 0;

    /// <summary>Whether <see cref="SettleBatch"/> slots are pending.</summary>
    public bool ShouldSettle => _count >= SettleBatch;

    /// <summary>Slot <paramref name="index"/> of <paramref name="table"/>, <paramref name="before"/> bytes, is about to change.</summary>
    public void Record(KeyTable table, int index, long before)
    {
        if (_count == _changes.Length) System.Array.Resize(ref _changes, _count * 2);
        ref Change change = ref _changes[_count++];
        change.Table = table;
        change.Index = index;
        change.Before = before;
    }

    /// <summary>Adds every recorded slot's change in size to its table's count.</summary>
    public void Settle()
    {
        for (int i = 0; i < _count; i++)
        {
            ref Change change = ref _changes[i];
            change.Table.Settle(change.Index, change.Before);
            change.Table = null!;
        }
        _count = 0;
        // One command touching a million keys (DEL, FLUSHALL's loading twin) must not keep its list for good.
        if (_changes.Length > 4096) _changes = new Change[16];
    }
}
