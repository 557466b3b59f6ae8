using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>Tunables of the supervisor's side of instances.</summary>
internal sealed record InstancePoolSettings(WarmPoolSettings Pool, TimeSpan LoadTimeout, TimeSpan StopGrace)
{
    /// <summary>How long past a call's deadline the supervisor waits for its worker's own timeout report.</summary>
    public TimeSpan WorkerGrace { get; init; } = TimeSpan.FromSeconds(5);

    public static InstancePoolSettings Default { get; } = new(WarmPoolSettings.Default, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5));
}
