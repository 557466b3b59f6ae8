using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Worker.Spawning;

/// <summary>A process could not be started; the message says why (e.g. "No such file or directory").</summary>
internal sealed class SpawnException(string message) : Exception(message);

/// <summary>
/// A child process started by <c>posix_spawnp</c> directly into a new session, so it leads its own process
/// group (its pid is the group id) with one exec rather than two through <c>setsid</c>. Standard input is
/// <c>/dev/null</c>; standard output and error are pipes read through <see cref="StandardOutput"/> and
/// <see cref="StandardError"/>. Signal dispositions and the signal mask are reset to the defaults, so the
/// child does not inherit the runtime's ignored SIGPIPE. <see cref="Exited"/> completes once the child has
/// been reaped by <see cref="ChildReaper"/>.
/// </summary>
internal sealed unsafe class SessionProcess : IDisposable
{
    private SessionProcess(int pid, Stream stdout, Stream stderr, Task<ChildExit> exited)
    {
        Pid = pid;
        StandardOutput = stdout;
        StandardError = stderr;
        Exited = exited;
    }

    public int Pid { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    public Task<ChildExit> Exited { get; }

    /// <summary>
    /// Starts <paramref name="argv"/> (found on PATH as <c>execvp</c> would, relative to <paramref name="directory"/>)
    /// with exactly <paramref name="environment"/>; throws <see cref="SpawnException"/> when it cannot start.
    /// </summary>
    public static SessionProcess Start(IReadOnlyList<string> argv, IEnumerable<KeyValuePair<string, string>> environment, string directory)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var reaper = ChildReaper.Shared;
        var fds = stackalloc int[4] { -1, -1, -1, -1 };
        try
        {
            if (Posix.Pipe2(fds, Posix.OCloseOnExec) != 0 || Posix.Pipe2(fds + 2, Posix.OCloseOnExec) != 0)
            {
                throw new SpawnException($"cannot create pipes: {Posix.Describe(Marshal.GetLastPInvokeError())}");
            }

            var pid = Spawn(argv, environment, directory, stdout: fds[1], stderr: fds[3]);
            CloseAndClear(ref fds[1]);
            CloseAndClear(ref fds[3]);
            var pidfd = Posix.PidfdOpen(pid);
            if (pidfd < 0)
            {
                // Our own unreaped child always has a pidfd; should this fail, end the child rather than leave it unwatched.
                var error = Marshal.GetLastPInvokeError();
                _ = Posix.Kill(-pid, Posix.SigKill);
                int status;
                _ = Posix.WaitPid(pid, &status, 0);
                throw new SpawnException($"cannot watch process {pid}: pidfd_open: {Posix.Describe(error)}");
            }

            var exited = reaper.Watch(pid, pidfd);
            var stdout = OpenReader(ref fds[0]);
            var stderr = OpenReader(ref fds[2]);
            return new SessionProcess(pid, stdout, stderr, exited);
        }
        finally
        {
            for (var i = 0; i < 4; i++)
            {
                CloseAndClear(ref fds[i]);
            }
        }
    }

    private static int Spawn(IReadOnlyList<string> argv, IEnumerable<KeyValuePair<string, string>> environment, string directory, int stdout, int stderr)
    {
        var environ = environment.Select(kv => $"{kv.Key}={kv.Value}").ToList();
        if (argv.Any(a => a.Contains('\0', StringComparison.Ordinal)) || environ.Any(e => e.Contains('\0', StringComparison.Ordinal)))
        {
            throw new SpawnException("an argument or environment variable contains a NUL character");
        }

        using var strings = new NativeStrings([.. argv, .. environ, directory, "/dev/null"]);
        var argvPointers = new byte*[argv.Count + 1];
        var envPointers = new byte*[environ.Count + 1];
        for (var i = 0; i < argv.Count; i++)
        {
            argvPointers[i] = strings[i];
        }

        for (var i = 0; i < environ.Count; i++)
        {
            envPointers[i] = strings[argv.Count + i];
        }

        var actions = NativeMemory.AllocZeroed(Posix.OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(Posix.OpaqueSize);
        var signals = NativeMemory.AllocZeroed(Posix.OpaqueSize);
        try
        {
            Check(Posix.FileActionsInit(actions), "posix_spawn_file_actions_init");
            try
            {
                Check(Posix.AttributesInit(attributes), "posix_spawnattr_init");
                try
                {
                    var chdir = strings[argv.Count + environ.Count];
                    var devNull = strings[argv.Count + environ.Count + 1];
                    Check(Posix.FileActionsAddChdir(actions, chdir), "posix_spawn_file_actions_addchdir_np");
                    Check(Posix.FileActionsAddOpen(actions, 0, devNull, Posix.OReadOnly, 0), "posix_spawn_file_actions_addopen");
                    Check(Posix.FileActionsAddDup2(actions, stdout, 1), "posix_spawn_file_actions_adddup2");
                    Check(Posix.FileActionsAddDup2(actions, stderr, 2), "posix_spawn_file_actions_adddup2");
                    Check(Posix.AttributesSetFlags(attributes, Posix.SpawnSetSid | Posix.SpawnSetSigDefault | Posix.SpawnSetSigMask), "posix_spawnattr_setflags");
                    Check(Posix.SigFillSet(signals), "sigfillset");
                    Check(Posix.AttributesSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
                    Check(Posix.SigEmptySet(signals), "sigemptyset");
                    Check(Posix.AttributesSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
                    fixed (byte** args = argvPointers)
                    fixed (byte** envp = envPointers)
                    {
                        var error = Posix.PosixSpawnP(out var pid, args[0], actions, attributes, args, envp);
                        return error == 0 ? pid : throw new SpawnException(Posix.Describe(error));
                    }
                }
                finally
                {
                    _ = Posix.AttributesDestroy(attributes);
                }
            }
            finally
            {
                _ = Posix.FileActionsDestroy(actions);
            }
        }
        finally
        {
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
        }
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new SpawnException($"{call}: {Posix.Describe(result == -1 ? Marshal.GetLastPInvokeError() : result)}");
        }
    }

    /// <summary>A pipe's read end as a stream with asynchronous reads, the way <see cref="System.Diagnostics.Process"/> wraps its own.</summary>
    private static AnonymousPipeClientStream OpenReader(ref int fd)
    {
        var stream = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle((nint)fd, ownsHandle: true));
        fd = -1;
        return stream;
    }

    private static void CloseAndClear(ref int fd)
    {
        if (fd >= 0)
        {
            _ = Posix.Close(fd);
            fd = -1;
        }
    }

    public void Dispose()
    {
        StandardOutput.Dispose();
        StandardError.Dispose();
    }

    /// <summary>NUL-terminated UTF-8 copies of some strings in one native block.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly byte* _block;
        private readonly int[] _offsets;

        public NativeStrings(IReadOnlyList<string> strings)
        {
            _offsets = new int[strings.Count];
            var size = 0;
            for (var i = 0; i < strings.Count; i++)
            {
                _offsets[i] = size;
                size += Encoding.UTF8.GetByteCount(strings[i]) + 1;
            }

            _block = (byte*)NativeMemory.Alloc((nuint)Math.Max(size, 1));
            for (var i = 0; i < strings.Count; i++)
            {
                var start = _block + _offsets[i];
                var written = Encoding.UTF8.GetBytes(strings[i], new Span<byte>(start, size - _offsets[i]));
                start[written] = 0;
            }
        }

        public byte* this[int index] => _block + _offsets[index];

        public void Dispose() => NativeMemory.Free(_block);
    }
}
