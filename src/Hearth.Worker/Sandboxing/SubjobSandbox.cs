namespace Hearth.Worker.Sandboxing;

/// <summary>
/// A subjob's sandbox, when the worker sandboxes jobs too: the same kind as an instance's, with its working
/// directory writable, its allocation file in a directory of its own (bound read-only, so a growth's rewrite shows),
/// the worker's uid (through a user namespace: a job's files belong to whoever runs the worker), and a cgroup with a
/// memory limit when its grant names <c>host.memory</c> and a CPU quota that follows its processors as it grows.
/// </summary>
internal sealed class SubjobSandbox(Sandbox sandbox, int pids) : IDisposable
{
    private ProcessSandbox? _process;
    private string? _directory;

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
        _process = sandbox.Prepare(
            $"subjob-{assignmentId}", "", workingDirectory, argv, SandboxLimits.For(allocations, pids),
            ownUid: false, writable: true, extraReadOnly: _directory is null ? [] : [_directory]);
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
