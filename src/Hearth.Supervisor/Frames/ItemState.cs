namespace Hearth.Supervisor.Frames;

/// <summary>The state of an agenda job's work item.</summary>
public enum ItemState
{
    Pending,
    Running,
    Complete,
    Failed,

    /// <summary>Held back by hand until unblocked.</summary>
    Blocked,
    Killed,
}
