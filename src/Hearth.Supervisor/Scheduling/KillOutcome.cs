namespace Hearth.Supervisor.Scheduling;

/// <summary>What asking to kill a job did.</summary>
public enum KillOutcome
{
    /// <summary>The scheduler has no unfinished job by that ID: it ended already, or never existed.</summary>
    NotActive,

    /// <summary>Every subjob has ended: the pending ones without a process.</summary>
    Killed,

    /// <summary>Running processes were asked to stop; the job becomes killed when they are gone.</summary>
    Stopping,
}
