namespace Hearth.Supervisor.Scheduling;

/// <summary>How the supervisor sees a worker.</summary>
public enum WorkerStatus
{
    /// <summary>Connected and heartbeating.</summary>
    Up,

    /// <summary>Disconnected, or not reconnected since the supervisor started; its work is kept until the heartbeat timeout.</summary>
    Unreachable,

    /// <summary>Declared lost: its work went back to the queue and its resources were released.</summary>
    Down,
}
