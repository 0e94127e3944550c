using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RedisFast.Persistence;

/// <summary>
/// The few POSIX calls the AOF needs with their errno: positional write, fdatasync (what Redis's redis_fsync is on
/// Linux, config.h), ftruncate, and a directory fsync after a rename. .NET's FileStream reports failures as
/// exceptions without errno; Redis's error texts quote strerror(errno), so these go to libc directly.
/// </summary>
internal static class NativeFile
{
    [DllImport("libc", SetLastError = true, EntryPoint = "pwrite")]
    private static extern nint PWrite(nint fd, ref byte buffer, nint count, long offset);

    [DllImport("libc", SetLastError = true, EntryPoint = "fdatasync")]
    private static extern int FDataSync(nint fd);

    [DllImport("libc", SetLastError = true, EntryPoint = "fsync")]
    private static extern int FSync(nint fd);

    [DllImport("libc", SetLastError = true, EntryPoint = "ftruncate")]
    private static extern int FTruncate(nint fd, long length);

    /// <summary>Test hook: when set, <see cref="Write"/> fails with this errno instead of writing (28 = ENOSPC).</summary>
    internal static volatile int InjectedWriteErrno;

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    /// <returns>0 on success, else errno; <paramref name="written"/> is what reached the file before the failure.</returns>
    public static int Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset, out long written)
    {
        written = 0;
        if (InjectedWriteErrno != 0) return InjectedWriteErrno;
        nint fd = file.DangerousGetHandle();
        while (data.Length > 0)
        {
            nint n = PWrite(fd, ref MemoryMarshal.GetReference(data), data.Length, offset + written);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 4) continue; // EINTR
                return errno;
            }
            if (n == 0) return 28; // a zero-byte write on a regular file: treat as ENOSPC
            written += n;
            data = data[(int)n..];
        }
        return 0;
    }

    /// <summary>fdatasync; returns 0 or errno.</summary>
    public static int DataSync(SafeFileHandle file)
    {
        if (InjectedWriteErrno != 0) return InjectedWriteErrno;
        return FDataSync(file.DangerousGetHandle()) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>ftruncate; returns 0 or errno.</summary>
    public static int Truncate(SafeFileHandle file, long length) =>
        FTruncate(file.DangerousGetHandle(), length) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>strerror(errno), as Redis quotes it in its logs and MISCONF replies.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> and fsyncs it (throws IOException on failure).</summary>
    public static void WriteAllSynced(string path, ReadOnlySpan<byte> contents)
    {
        using SafeFileHandle h = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        int errno = Write(h, contents, 0, out _);
        if (errno == 0) errno = FSync(h.DangerousGetHandle()) == 0 ? 0 : Marshal.GetLastPInvokeError();
        if (errno != 0) throw new IOException(Describe(errno));
    }

    /// <summary>fsync of a directory, so a rename or a new file in it survives a power loss (Redis's fsyncFileDir).</summary>
    public static void SyncDirectory(string directory)
    {
        // .NET cannot open a directory as a file handle: open(2) it directly (O_RDONLY).
        int fd = Open(directory, 0);
        if (fd < 0) return;
        FSync(fd);
        Close(fd);
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true, EntryPoint = "close")]
    private static extern int Close(nint fd);
}
