using Hearth.Core.Resources;

namespace Hearth.Supervisor.Scheduling;

/// <summary>What the scheduler is configured with.</summary>
public sealed record SchedulerSettings(TimeSpan HeartbeatTimeout, IReadOnlyDictionary<ResourceName, int> GlobalResources)
{
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a worker waits for its processes after SIGTERM before SIGKILL.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);

    public const int DefaultMaxRequeues = 3;

    /// <summary>
    /// How many times a subjob goes back to the queue after losing its worker before it fails instead, so work that
    /// brings down every worker it lands on does not go round for ever.
    /// </summary>
    public int MaxRequeues { get; init; } = DefaultMaxRequeues;

    /// <summary>Several heartbeats fit in one timeout, so one late packet never costs a worker.</summary>
    public TimeSpan HeartbeatInterval =>
        TimeSpan.FromMilliseconds(Math.Clamp(HeartbeatTimeout.TotalMilliseconds / 4, 50, 10_000));

    /// <summary>
    /// How much longer than the heartbeat timeout the supervisor waits before it declares a silent worker down
    /// and requeues its work. A cut-off worker stops its own work at the heartbeat timeout, counted from a
    /// moment the supervisor had already heard it, so this margin is its time to end its processes: the two
    /// copies of an attempt never overlap.
    /// </summary>
    public TimeSpan FenceMargin => FenceMarginFor(HeartbeatTimeout);

    /// <summary>The <see cref="FenceMargin"/> that goes with <paramref name="heartbeatTimeout"/>: a quarter of it, 2 to 10 s.</summary>
    public static TimeSpan FenceMarginFor(TimeSpan heartbeatTimeout) =>
        TimeSpan.FromMilliseconds(Math.Clamp(heartbeatTimeout.TotalMilliseconds / 4, 2_000, 10_000));

    /// <summary>A worker not heard from for this long is down: the heartbeat timeout and the fencing margin.</summary>
    public TimeSpan WorkerExpiry => HeartbeatTimeout + FenceMargin;
}
