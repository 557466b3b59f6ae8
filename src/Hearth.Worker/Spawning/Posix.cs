using System.Runtime.InteropServices;

namespace Hearth.Worker.Spawning;

/// <summary>
/// The libc calls the worker needs to start a process straight into a new session and to reap it, which
/// <see cref="System.Diagnostics.Process"/> cannot do. Linux only (glibc 2.29+ or musl): pidfds need Linux 5.3.
/// </summary>
internal static unsafe partial class Posix
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public const int EIntr = 4;
    public const int EChild = 10;

    /// <summary>Large enough for <c>posix_spawnattr_t</c>, <c>posix_spawn_file_actions_t</c> and <c>sigset_t</c> on every Linux libc.</summary>
    public const int OpaqueSize = 1024;

    public const short SpawnSetSigDefault = 0x04;
    public const short SpawnSetSigMask = 0x08;
    public const short SpawnSetSid = 0x80;

    public const int OReadOnly = 0;
    public const int OCloseOnExec = 0x80000;
    public const int WNoHang = 1;

    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDelete = 2;
    public const uint EpollIn = 1;

    private const long PidfdOpenSyscall = 434;

    /// <summary>x86-64 packs <c>struct epoll_event</c> (12 bytes, data at 4); other architectures align its 64-bit data (16 bytes, data at 8).</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>A pidfd for a child of this process: it becomes readable when the child exits, and the pid cannot be reused before it is reaped.</summary>
    public static int PidfdOpen(int pid)
    {
        try
        {
            return PidfdOpenLibc(pid, 0);
        }
        catch (EntryPointNotFoundException)
        {
            // A libc older than the wrapper (glibc 2.36): the system call itself.
            return (int)Syscall(PidfdOpenSyscall, pid, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_spawnp")]
    public static partial int PosixSpawnP(out int pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(void* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    public static partial int FileActionsAddChdir(void* actions, byte* path);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int AttributesInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttributesDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttributesSetSigDefault(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttributesSetSigMask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    public static partial int SigFillSet(void* set);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* set);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    private static partial int PidfdOpenLibc(int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long pid, long flags);
}
