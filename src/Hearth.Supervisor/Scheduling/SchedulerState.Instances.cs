using Hearth.Core.Placement;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>The state's way to its instance work (<see cref="ClusterInstances"/>), for the steps that meet it.</summary>
internal sealed partial class SchedulerState
{
    /// <summary>The instance work on this state's cluster; null when the supervisor serves no algorithms.</summary>
    public ClusterInstances? Instances { get; private set; }

    /// <summary>The owner of instance work, whose pool the instance work reads.</summary>
    public IInstanceWork? InstanceOwner
    {
        get => Instances?.Pool;
        init => Instances = value is null ? null : new ClusterInstances(value, Cluster, () => ++_lastSequence, _time);
    }

    private bool IsInstanceWork(string workId) => !_subjobs.ContainsKey(workId) && Instances is { } instances && instances.Owns(workId);

    /// <summary>Hands a placement of instance work to the pool, after the commit.</summary>
    private void DispatchInstance(PlacementDecision decision, CycleEffects fx)
    {
        if (Instances is not null)
        {
            ClusterInstances.Dispatch(decision, fx);
        }
    }

    private void LoseInstance(string workId, string reason, CycleEffects fx)
    {
        if (Instances is not null)
        {
            ClusterInstances.Lost(workId, reason, fx);
        }
    }

    private void PurgeIdleInstances(string worker, string reason, CycleEffects fx)
    {
        if (Instances is not null)
        {
            ClusterInstances.PurgeIdle(worker, reason, fx);
        }
    }

    private void ReconcileInstances(WorkerSession session, Register register, CycleEffects fx) =>
        Instances?.Reconcile(session, register.Instances, fx);
}
