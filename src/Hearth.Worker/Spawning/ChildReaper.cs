using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Hearth.Worker.Spawning;

/// <summary>How a child process ended: its exit code (128 + the signal if a signal ended it), or why that is unknown.</summary>
internal readonly record struct ChildExit(int ExitCode, string? Error);

/// <summary>
/// Reaps the children that <see cref="SessionProcess"/> starts, each the leader of its own process group. One
/// background thread waits on their pidfds with epoll. When one becomes readable the leader has exited:
/// whatever it left in its group is killed with SIGKILL while the leader, still a zombie, keeps the group id
/// from being reused, and then it is reaped with <c>waitpid</c> on its own pid, so no zombie is left and no
/// other child of this process is touched.
/// </summary>
internal sealed unsafe class ChildReaper
{
    private const int BatchSize = 64;
    private static readonly Lazy<ChildReaper> s_shared = new(() => new ChildReaper(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ConcurrentDictionary<int, Watched> _watched = new();
    private readonly int _epoll;
    private volatile bool _stopped;

    private ChildReaper()
    {
        var self = Posix.PidfdOpen(Posix.GetPid());
        if (self < 0)
        {
            throw new PlatformNotSupportedException(
                $"starting subjob processes needs Linux 5.3 or later (pidfd_open: {Posix.Describe(Marshal.GetLastPInvokeError())})");
        }

        _ = Posix.Close(self);
        _epoll = Posix.EpollCreate1(Posix.OCloseOnExec);
        if (_epoll < 0)
        {
            throw new PlatformNotSupportedException($"cannot watch child processes: epoll_create1: {Posix.Describe(Marshal.GetLastPInvokeError())}");
        }

        new Thread(Run) { IsBackground = true, Name = "Hearth child reaper" }.Start();
    }

    /// <summary>
    /// The reaper of this process, started on first use. Throws <see cref="PlatformNotSupportedException"/> off
    /// Linux 5.3+, before any child is started, so a child is never left unwatched.
    /// </summary>
    public static ChildReaper Shared
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("starting subjob processes needs Linux");
            }

            return s_shared.Value;
        }
    }

    /// <summary>Completes when child <paramref name="pid"/> has exited and been reaped. Takes ownership of <paramref name="pidfd"/>.</summary>
    public Task<ChildExit> Watch(int pid, int pidfd)
    {
        var watched = new Watched(pid, new TaskCompletionSource<ChildExit>(TaskCreationOptions.RunContinuationsAsynchronously));
        _watched[pidfd] = watched;
        var ev = stackalloc byte[16];
        *(uint*)ev = Posix.EpollIn;
        *(long*)(ev + Posix.EpollDataOffset) = pidfd;
        if (_stopped || Posix.EpollCtl(_epoll, Posix.EpollCtlAdd, pidfd, ev) != 0)
        {
            // Not expected for a fresh pidfd; if it happens, the child is still waited for, on a thread of its own.
            if (_watched.TryRemove(pidfd, out _))
            {
                _ = Posix.Close(pidfd);
                WaitOnThread(watched);
            }
        }

        return watched.Exit.Task;
    }

    private void Run()
    {
        var events = stackalloc byte[Posix.EpollEventSize * BatchSize];
        while (true)
        {
            var ready = Posix.EpollWait(_epoll, events, BatchSize, -1);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == Posix.EIntr)
                {
                    continue;
                }

                // Not expected either; every child still gets waited for.
                _stopped = true;
                foreach (var pidfd in _watched.Keys)
                {
                    if (_watched.TryRemove(pidfd, out var left))
                    {
                        _ = Posix.Close(pidfd);
                        WaitOnThread(left);
                    }
                }

                return;
            }

            for (var i = 0; i < ready; i++)
            {
                var pidfd = (int)*(long*)(events + (i * Posix.EpollEventSize) + Posix.EpollDataOffset);
                if (_watched.TryRemove(pidfd, out var watched))
                {
                    _ = Posix.EpollCtl(_epoll, Posix.EpollCtlDelete, pidfd, null);
                    // The leader is a zombie until reaped, so its group id cannot have been reused yet.
                    _ = Posix.Kill(-watched.Pid, Posix.SigKill);
                    var exit = Reap(watched.Pid, blocking: false);
                    _ = Posix.Close(pidfd);
                    watched.Exit.TrySetResult(exit);
                }
            }
        }
    }

    /// <summary>Collects the child's status. A readable pidfd means it has exited, so even the non-blocking wait finds it.</summary>
    private static ChildExit Reap(int pid, bool blocking)
    {
        while (true)
        {
            int status;
            var reaped = Posix.WaitPid(pid, &status, blocking ? 0 : Posix.WNoHang);
            if (reaped == pid)
            {
                var signal = status & 0x7f;
                return signal == 0 ? new ChildExit((status >> 8) & 0xff, null) : new ChildExit(128 + signal, null);
            }

            if (reaped == 0)
            {
                blocking = true;
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == Posix.EIntr)
            {
                continue;
            }

            return error == Posix.EChild
                ? new ChildExit(-1, $"process {pid} ended but its exit status was collected by someone else")
                : new ChildExit(-1, $"cannot collect the exit status of process {pid}: {Posix.Describe(error)}");
        }
    }

    private static void WaitOnThread(Watched watched) =>
        _ = Task.Factory.StartNew(
            () =>
            {
                var exit = Reap(watched.Pid, blocking: true);
                _ = Posix.Kill(-watched.Pid, Posix.SigKill);
                watched.Exit.TrySetResult(exit);
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private sealed record Watched(int Pid, TaskCompletionSource<ChildExit> Exit);
}
