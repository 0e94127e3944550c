using RedisFast.Storage;

namespace RedisFast.Persistence;

/// <summary>Receives one key of a snapshot: its database and a copy of its slot (the value object is only read).</summary>
internal delegate void SnapshotVisitor(int db, in KeyEntry entry);

/// <summary>
/// Reads every key of a <see cref="RewriteSnapshot"/> as it was at the snapshot instant, on a background thread while
/// the loop keeps changing the keyspace: the one protocol behind BGREWRITEAOF and BGSAVE (the child of a fork in
/// Redis). Per slot of the instant: copy the slot, claim it (Pending → Reading), visit the original value, release
/// it (Reading → Done); a slot the loop claimed first is visited from the queue of preserved slots afterwards, so
/// keys do not come in database order (visitors re-select the database when it changes).
/// </summary>
internal static class SnapshotWalker
{
    /// <returns>False when <paramref name="control"/> cancelled the walk.</returns>
    public static bool Walk(RewriteSnapshot snapshot, RewriteControl control, SnapshotVisitor visit)
    {
        long preserved = 0;
        if (!control.WaitAtStart()) return false;
        foreach (TableSnapshot t in snapshot.Tables)
        {
            byte[] states = t.States;
            for (int i = 0; i < t.SlotCount; i++)
            {
                // Copy first, then claim: a successful claim proves the loop had not started changing the slot.
                KeyEntry copy = t.EntryAt(i);
                byte previous = Interlocked.CompareExchange(ref states[i], TableSnapshot.Reading, TableSnapshot.Pending);
                if (previous != TableSnapshot.Pending)
                {
                    if (previous == TableSnapshot.Preserved) preserved++;
                    continue;
                }
                visit(t.DbId, copy);
                Interlocked.CompareExchange(ref states[i], TableSnapshot.Done, TableSnapshot.Reading);
                if (control.AfterKey()) return false;
            }
        }
        // Every Preserved state was set before the claim that saw it, and its record is queued right after that.
        var spin = new SpinWait();
        while (preserved > 0)
        {
            if (snapshot.Preserved.TryDequeue(out PreservedEntry p))
            {
                visit(p.DbId, p.Entry);
                preserved--;
                if (control.AfterKey()) return false;
            }
            else
            {
                spin.SpinOnce();
            }
        }
        return true;
    }
}
