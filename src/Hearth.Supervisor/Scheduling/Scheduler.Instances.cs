using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Instance work posted to the loop by the warm pool, which routes calls without it.</summary>
internal sealed record InstanceWorkCommand(IReadOnlyList<AlgorithmInstance> Submit, string? Release) : SchedulerCommand;

public sealed partial class Scheduler
{
    private DateTimeOffset? _instancesDue;
    private DateTimeOffset? _reservationsDue;

    /// <summary>The ledger priority of instance work: calls are interactive, so instances go before batch work.</summary>
    public int InstancePriority { get; set; } = 1;

    internal void SubmitInstances(IReadOnlyList<AlgorithmInstance> instances) => Post(new InstanceWorkCommand(instances, null));

    internal void ReleaseInstance(string instanceId) => Post(new InstanceWorkCommand([], instanceId));

    /// <summary>Wakes the loop so the warm-pool policy runs soon.</summary>
    internal void Nudge() => Post(new InstanceWorkCommand([], null));

    private void HandleInstanceWork(InstanceWorkCommand command)
    {
        if (command.Submit.Count > 0)
        {
            _state.SubmitInstances(command.Submit, InstancePriority, _fx);
        }

        if (command.Release is { } id)
        {
            _state.ReleaseInstance(id, _fx);
        }
    }

    /// <summary>The earliest of the next worker expiry, the next warm-pool decision and the next reservation change.</summary>
    private DateTimeOffset? NextWake() => Earliest(Earliest(Earliest(_state.NextExpiry(), _instancesDue), _reservationsDue), _state.NextRetry());

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => (a, b) switch
    {
        ({ } x, { } y) => x < y ? x : y,
        ({ } x, null) => x,
        (null, var y) => y,
    };
}
