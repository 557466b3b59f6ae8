namespace Hearth.Worker.Algorithms;

/// <summary>What an instance's exit is called in the call's error and the exit report.</summary>
internal static class ExitDescription
{
    private const int SigKill = 9;

    /// <summary>
    /// The description of exit code <paramref name="code"/> (128 + N for signal N). <paramref name="killReason"/> is why
    /// the worker killed it, or why the kernel did (its memory reservation); without one a SIGKILL came from outside the
    /// worker, and the description says so rather than quote a bare signal.
    /// </summary>
    public static string For(int code, string? killReason, bool sandboxed) => code switch
    {
        _ when killReason is not null => $"the instance was killed ({killReason})",
        128 + SigKill when sandboxed =>
            "the instance was killed by signal 9 (SIGKILL) from outside the worker: not for a timeout or a stop, and its cgroup recorded no OOM kill",
        128 + SigKill =>
            "the instance was killed by signal 9 (SIGKILL) from outside the worker: not for a timeout or a stop; the kernel's OOM killer or another process sent it",
        > 128 and < 160 => $"the instance was terminated by signal {code - 128}",
        _ => $"the instance exited with code {code}",
    };
}
