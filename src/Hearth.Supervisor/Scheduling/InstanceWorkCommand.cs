using Hearth.Core.Algorithms;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Instance work posted to the loop by the warm pool, which routes calls without it; with neither part it only wakes the loop.</summary>
internal sealed record InstanceWorkCommand(IReadOnlyList<AlgorithmInstance> Submit, string? Release) : SchedulerCommand
{
    /// <summary>Queues or releases the instances' work on the cluster; nobody waits for an answer.</summary>
    public override bool Run(SchedulerState state, CycleEffects fx, ILogger log)
    {
        if (Submit.Count > 0)
        {
            state.Instances?.Submit(Submit, fx);
        }

        if (Release is { } id)
        {
            state.Instances?.Release(id, fx);
        }

        return false;
    }
}
