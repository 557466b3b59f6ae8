namespace Hearth.Worker;

/// <summary>
/// <c>"sandbox": {"mode": "auto", "network": true, "jobs": false, "uid_base": 1500000000, "uid_count": 1000000,
/// "tmp_mb": 256, "pids": 512, "job_mounts": ["/mnt/projects:rw"], "jobs_unisolated": "refuse"}</c>; every field optional.
/// </summary>
public sealed record WorkerSandboxConfig
{
    /// <summary>auto, required or off.</summary>
    public string? Mode { get; init; }

    public bool? Network { get; init; }

    public bool? Jobs { get; init; }

    public int? UidBase { get; init; }

    public int? UidCount { get; init; }

    public long? TmpMb { get; init; }

    public int? Pids { get; init; }

    /// <summary>Host directories accounts' jobs see, each <c>PATH:rw</c> or <c>PATH:ro</c>.</summary>
    public List<string>? JobMounts { get; init; }

    /// <summary><c>refuse</c> (the default) or <c>allow</c>: whether a worker that cannot sandbox runs accounts' jobs anyway.</summary>
    public string? JobsUnisolated { get; init; }

    internal string? Problem() =>
        Mode is not (null or "auto" or "required" or "off") ? $"\"sandbox.mode\" is \"{Mode}\"; expected \"auto\", \"required\" or \"off\""
        : UidBase is <= 0 ? $"\"sandbox.uid_base\" is {UidBase}; expected a uid above 0"
        : UidCount is <= 0 ? $"\"sandbox.uid_count\" is {UidCount}; expected 1 or more"
        : TmpMb is <= 0 ? $"\"sandbox.tmp_mb\" is {TmpMb}; expected 1 or more"
        : Pids is < 8 ? $"\"sandbox.pids\" is {Pids}; expected 8 or more"
        : JobsUnisolated is not (null or "refuse" or "allow") ? $"\"sandbox.jobs_unisolated\" is \"{JobsUnisolated}\"; expected \"refuse\" or \"allow\""
        : JobMountProblem();

    private string? JobMountProblem()
    {
        foreach (var mount in JobMounts ?? [])
        {
            try
            {
                Sandboxing.JobMount.Parse(mount);
            }
            catch (ArgumentException e)
            {
                return $"\"sandbox.job_mounts\": {e.Message}";
            }
        }

        return null;
    }
}
