namespace Hearth.Worker.Sandboxing;

/// <summary>
/// A subjob's sandbox: the same kind as an instance's, with its allocation file in a directory of its own (bound
/// read-only, so a growth's rewrite shows) and a cgroup with a memory limit when its grant names <c>host.memory</c>
/// and a CPU quota that follows its processors as it grows.
/// <list type="bullet">
/// <item>An account's job (<paramref name="account"/> given) runs as the account's own uid (a root worker) and sees
/// the worker's <paramref name="mounts"/>, read-write or read-only, and its private <c>/tmp</c>; its working directory
/// must sit under a mount, and is <c>/tmp</c> when it names none.</item>
/// <item>An admin job sandboxed by the worker's choice keeps the worker's uid (through a user namespace: its files
/// belong to whoever runs the worker) and its working directory writable.</item>
/// </list>
/// </summary>
internal sealed class SubjobSandbox(Sandbox sandbox, int pids, string? account, IReadOnlyList<JobMount> mounts) : IDisposable
{
    private ProcessSandbox? _process;
    private string? _directory;

    /// <summary>Where the subjob runs when its job names no working directory; null for the worker's own.</summary>
    public string? DefaultDirectory => account is null ? null : "/tmp";

    /// <summary>
    /// Where the subjob finds its allocation file: an account's job at a fixed path inside its sandbox (no path of
    /// the worker's shows), any other at the host path.
    /// </summary>
    public string AllocationPathInside(string hostPath) =>
        account is null ? hostPath : Path.Combine(SandboxCommand.AllocationInside, Path.GetFileName(hostPath));

    /// <summary>Why the job may not run in <paramref name="directory"/>; null when it may.</summary>
    public string? Refuses(string directory)
    {
        if (account is null || directory == "/tmp" || mounts.Any(m => m.Holds(directory)))
        {
            return null;
        }

        return mounts.Count == 0
            ? $"working directory {directory} is not available to accounts' jobs: this worker has no job mounts (sandbox.job_mounts, --job-mount)"
            : $"working directory {directory} is not under one of this worker's job mounts ({string.Join(", ", mounts)})";
    }

    /// <summary>Where the subjob's allocation file goes: a directory only it sees.</summary>
    public string AllocationPath(string runDirectory, string assignmentId)
    {
        _directory = Path.Combine(runDirectory, $"sandbox-{CgroupRoot.Sanitize(assignmentId)}");
        Directory.CreateDirectory(_directory);
        return Path.Combine(_directory, "allocation.env");
    }

    /// <summary>The argv and outer environment that start <paramref name="argv"/> in the sandbox with <paramref name="environment"/> inside.</summary>
    public (IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment) Wrap(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workingDirectory, string assignmentId,
        IReadOnlyDictionary<string, int> allocations)
    {
        var extra = _directory is null ? [] : new[] { _directory };
        if (account is not null && _directory is not null && sandbox.OwnUids && Chown.Change(_directory, sandbox.UidFor(account)) is { } error)
        {
            throw new SandboxException($"cannot hand the allocation directory to the account's uid: {error}");
        }

        _process = account is null
            ? sandbox.Prepare(
                $"subjob-{assignmentId}", "", workingDirectory, argv, SandboxLimits.For(allocations, pids), ownUid: false, writable: true, extraReadOnly: extra)
            : sandbox.Prepare(
                $"subjob-{assignmentId}", account, workingDirectory, argv, SandboxLimits.For(allocations, pids), mounts: mounts, allocation: _directory);
        var inside = _process.Command(argv.Skip(1), null, environment);
        return (inside, new Dictionary<string, string> { ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin" });
    }

    /// <summary>An <c>N-M</c> subjob grew or shrank: its CPU quota follows its processors.</summary>
    public void Grow(IReadOnlyDictionary<string, int> allocations)
    {
        if (_process is { } process && allocations.TryGetValue(SandboxLimits.Processors, out var cores) && cores > 0)
        {
            try
            {
                process.Cgroup.SetCores(cores);
            }
            catch (IOException)
            {
                // The subjob has ended and its cgroup is gone.
            }
        }
    }

    /// <summary>Non-null when the kernel killed one of its processes for exceeding its memory limit.</summary>
    public string? ExceededReservation() => _process?.ExceededReservation("subjob");

    public void Dispose()
    {
        _process?.Dispose();
        _process = null;
        if (_directory is not null && Directory.Exists(_directory))
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the run directory is temporary.
            }
        }
    }
}
