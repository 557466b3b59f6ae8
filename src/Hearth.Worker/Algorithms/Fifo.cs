using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Worker.Algorithms;

/// <summary>Named pipes (FIFOs) in the file system, which is what <c>ALGOOUT</c> names.</summary>
internal static class Fifo
{
    private const string SharedMemory = "/dev/shm";

    /// <summary>
    /// Where a FIFO for <paramref name="name"/> goes: in shared memory when there is one, because a FIFO on a disk file
    /// system has its inode times updated (and journaled) on every read and write; else in <paramref name="fallback"/>.
    /// </summary>
    public static string PathFor(string fallback, string name)
    {
        if (Directory.Exists(SharedMemory))
        {
            return Path.Combine(SharedMemory, $"hearth-{Environment.ProcessId}-{name}-{Guid.NewGuid():N}.algoout");
        }

        Directory.CreateDirectory(fallback);
        return Path.Combine(fallback, "algoout");
    }

    /// <summary>Creates a FIFO readable and writable by this user only.</summary>
    public static void Create(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        if (Native.mkfifo(bytes, 0b110_000_000) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot create the output pipe {path}: {new Win32Exception(errno).Message}");
        }
    }

    /// <summary>
    /// Opens the FIFO for reading <em>and</em> writing. Holding a write end ourselves means the open never blocks
    /// and a read never sees end-of-file when the algorithm closes its end, so a process that reopens the pipe for
    /// every response reads the same as one that holds it open.
    /// </summary>
    public static FileStream OpenReader(string path) =>
        new(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);

    /// <summary>A write end of our own, used to wake the reader with a sentinel line.</summary>
    public static FileStream OpenWriter(string path) =>
        new(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int mkfifo(byte[] path, uint mode);
    }
}
