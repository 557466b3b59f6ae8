using Hearth.Core.Resources;

namespace Hearth.Supervisor.Scheduling;

/// <summary>What the scheduler is configured with.</summary>
public sealed record SchedulerSettings(TimeSpan HeartbeatTimeout, IReadOnlyDictionary<ResourceName, int> GlobalResources)
{
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a worker waits for its processes after SIGTERM before SIGKILL.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Several heartbeats fit in one timeout, so one late packet never costs a worker.</summary>
    public TimeSpan HeartbeatInterval =>
        TimeSpan.FromMilliseconds(Math.Clamp(HeartbeatTimeout.TotalMilliseconds / 4, 50, 10_000));
}
