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

            if (Instances is not { } owner || !owner.Owns(instance.Id))
            {
                // The pool let it go (its call was served by another, or it was stopped) after it posted this and
                // before the loop took it: queued now, it would be work nobody owns. Whatever let it go posts its
                // release after, so a check here, on the loop, is enough.
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

    /// <summary>
    /// Hands a placed instance to its owner. Work the owner no longer wants (or no longer knows) is released at once,
    /// so the ledger never books an instance nobody runs; a grow is not for instances, which hold plain counts.
    /// </summary>
    private void DispatchInstance(PlacementDecision decision)
    {
        if (decision is DispatchDecision && (Instances is null || !Instances.Placed(decision.WorkId, decision.Host)))
        {
            Cluster.Finish(decision.WorkId);
        }
    }

    private void ReconcileInstances(WorkerSession session, Register register) =>
        Instances?.Reconcile(session, register.Instances, Cluster, () => ++_lastSequence);
}
