namespace Hearth.Supervisor.Jobs;

/// <summary>The state of a job or a subjob.</summary>
public enum WorkState
{
    Pending,

    /// <summary>A job whose dependencies have not all completed; never a subjob's state.</summary>
    Blocked,
    Running,
    Complete,
    Failed,
    Killed,
}
