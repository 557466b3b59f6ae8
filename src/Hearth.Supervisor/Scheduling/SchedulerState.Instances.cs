using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Algorithm instances' work on the shared ledger, queued and placed like subjobs.</summary>
internal sealed partial class SchedulerState
{
    /// <summary>The owner of instance work; null when the supervisor serves no algorithms.</summary>
    public IInstanceWork? Instances { get; set; }

    /// <summary>Queues instances' work (their manifest reservations) at <paramref name="priority"/>.</summary>
    public void SubmitInstances(IReadOnlyList<AlgorithmInstance> instances, int priority, CycleEffects fx)
    {
        foreach (var instance in instances)
        {
            if (Cluster.IsPending(instance.Id) || Cluster.FindRunning(instance.Id) is not null)
            {
                continue;
            }

            try
            {
                Cluster.Submit(instance.ToWorkRequest(priority, ++_lastSequence));
                fx.ViewChanged = true;
            }
            catch (PlacementException e)
            {
                Instances?.Lost(instance.Id, e.Message, duringLoad: true);
            }
        }
    }

    /// <summary>Releases an instance's work: out of the queue if it was never placed, else what it holds, exactly once.</summary>
    public void ReleaseInstance(string instanceId, CycleEffects fx)
    {
        if (Cluster.Withdraw(instanceId) || Cluster.Finish(instanceId) is not null)
        {
            fx.ViewChanged = true;
        }
    }

    /// <summary>Runs the warm-pool policy; returns when it wants to run again.</summary>
    public DateTimeOffset? TickInstances() => Instances?.Tick(Cluster, _time.GetUtcNow());

    private bool IsInstanceWork(string workId) => !_subjobs.ContainsKey(workId) && Instances is { } owner && owner.Owns(workId);

    private void DispatchInstance(PlacementDecision decision)
    {
        if (Instances is null || !Instances.Placed(decision.WorkId, decision.Host))
        {
            Cluster.Finish(decision.WorkId);
        }
    }

    private void ReconcileInstances(WorkerSession session, Register register) =>
        Instances?.Reconcile(session, register.Instances, Cluster, () => ++_lastSequence);
}
