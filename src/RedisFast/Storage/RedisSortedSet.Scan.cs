namespace RedisFast.Storage;

internal sealed partial class RedisSortedSet
{
    /// <summary>Skiplist encoding only: the member slots a ZSCAN cursor walks, in [0, ScanSlotCount).</summary>
    public int ScanSlotCount => _table!.SlotCount;

    /// <summary>Skiplist encoding only: the member in slot <paramref name="slot"/>, or null when the slot is free.</summary>
    public byte[]? MemberAtSlot(int slot) => _table!.KeyAt(slot);

    /// <summary>Skiplist encoding only: the score of the member in an occupied slot.</summary>
    public double ScoreAtSlot(int slot) => _table!.ValueAt(slot);
}
