using System.Runtime.InteropServices;

namespace RedisFast.Persistence;

/// <summary>
/// The calling thread's CPU priority (Linux: setpriority(2) on its thread id; .NET's Thread.Priority does nothing on
/// Linux). The AOF rewrite runs at nice 19, as background work on a database server usually does: when every core is
/// busy, the loop thread it shares one with preempts it at once instead of waiting out whole time slices, so its
/// latency barely moves during a rewrite. The price: a rewrite on a saturated machine takes longer (it still gets
/// its weight's share, never nothing), and on a machine with an idle core it runs at full speed anyway.
/// </summary>
internal static class NativeThread
{
    /// <summary>Lowest priority a normal (SCHED_OTHER) thread can have.</summary>
    public const int BackgroundNice = 19;

    [DllImport("libc", SetLastError = true, EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    private const int PrioProcess = 0; // with a thread id, Linux applies it to that thread alone

    /// <summary>Sets the calling thread's nice value; false when the platform or the kernel refused.</summary>
    public static bool SetNice(int nice) => OperatingSystem.IsLinux() && SetPriority(PrioProcess, GetThreadId(), nice) == 0;
}
