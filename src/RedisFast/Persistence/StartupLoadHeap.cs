using System.Runtime;

namespace RedisFast.Persistence;

/// <summary>
/// The heap policy of the start-up load. Everything a load allocates stays alive, so a collection during it only
/// copies the loaded keys from one generation to the next: loading 1M keys made 12 gen0, 11 gen1 and 3 gen2
/// collections, 200-300 ms of pauses. The load runs in a no-GC region sized from the files instead, and one full
/// collection promotes the loaded set at the end, before anything is served (75-100 ms; perf/README.md).
/// </summary>
internal static class StartupLoadHeap
{
    /// <summary>Below this the collections a load makes cost nothing worth a region.</summary>
    private const long MinFileBytes = 4L << 20;

    /// <summary>Heap bytes per file byte budgeted: an RDB of small keys expands about 7x (28 MB of file, 200 MB of heap).</summary>
    private const long Expansion = 8;

    /// <summary>
    /// Runs <paramref name="load"/>, which reads <paramref name="fileBytes"/> bytes of files, without collections as far
    /// as the region lasts: a load that allocates more than budgeted ends the region and collects as usual.
    /// </summary>
    public static void Run(long fileBytes, Action load)
    {
        bool region = fileBytes >= MinFileBytes && TryStartRegion(fileBytes);
        try
        {
            load();
        }
        finally
        {
            if (region) EndRegion();
        }
    }

    private static bool TryStartRegion(long fileBytes)
    {
        // Address space only: pages are committed as they are allocated into, so the budget costs no memory unused.
        long budget = Math.Min(fileBytes * Expansion, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);
        try
        {
            return GC.TryStartNoGCRegion(budget);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // Beyond what the GC can reserve, or another server of this process is loading in a region already.
            return false;
        }
    }

    private static void EndRegion()
    {
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The region ended with a collection after the check: the load outgrew the budget.
        }
        GC.Collect();
    }
}
