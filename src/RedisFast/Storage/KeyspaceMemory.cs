namespace RedisFast.Storage;

/// <summary>
/// Keeps each database's byte count (<see cref="KeyTable.Bytes"/>) up to date as keys change, with no walk: the first
/// time a command (or the expiry cycle, or a loader) takes a slot for writing, the table records the slot's size
/// then (<see cref="MemorySize.Of(in KeyEntry)"/>, O(1)); <see cref="Settle"/> adds the difference to what the slot
/// holds now. Settled after every command and every pass of the loop, before anything reads the figures (eviction
/// runs before a command, INFO is a command). A slot is recorded once until settled (<see cref="KeyEntry.SizePending"/>),
/// so the list is bounded by the slots one command touches. Owned by the event loop.
/// </summary>
internal sealed class KeyspaceMemory
{
    private Change[] _changes = new Change[16];
    private int _count;

    private struct Change
    {
        public KeyTable Table;
        public int Index;
        public long Before;
    }

    /// <summary>Whether some slot changed since the last <see cref="Settle"/>.</summary>
    public bool HasChanges => _count != 0;

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
