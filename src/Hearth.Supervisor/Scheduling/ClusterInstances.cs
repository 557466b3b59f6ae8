using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Algorithm instances' work on the loop's cluster, queued and placed like subjobs. Only the loop calls it: it
/// changes the cluster, reads the pool, and records for the pool what it did (<see cref="InstanceEffect"/>).
/// </summary>
internal sealed class ClusterInstances(IInstanceWork pool, Cluster cluster, Func<long> nextSequence, TimeProvider time)
{
    public IInstanceWork Pool { get; } = pool;

    /// <summary>True when <paramref name="workId"/>, not a subjob's, belongs to an instance the pool holds.</summary>
    public bool Owns(string workId) => Pool.Owns(workId);

    /// <summary>Queues instances' work (their manifest reservations).</summary>
    public void Submit(IReadOnlyList<AlgorithmInstance> instances, CycleEffects fx)
    {
        foreach (var instance in instances)
        {
            if (cluster.IsPending(instance.Id) || cluster.FindRunning(instance.Id) is not null)
            {
                continue;
            }

            if (!Pool.Owns(instance.Id))
            {
                // The pool let it go (its call was served by another, or it was stopped) after it posted this and
                // before the loop took it: queued now, it would be work nobody owns. Whatever let it go posts its
                // release after, so a check here, on the loop, is enough.
                continue;
            }

            try
            {
                cluster.Submit(instance.ToWorkRequest(Pool.InstancePriority, nextSequence()));
                fx.ViewChanged = true;
            }
            catch (PlacementException e)
            {
                fx.Instances.Add(new InstanceLost(instance.Id, e.Message, DuringLoad: true));
            }
        }
    }

    /// <summary>Releases an instance's work: out of the queue if it was never placed, else what it holds, exactly once.</summary>
    public void Release(string instanceId, CycleEffects fx)
    {
        if (cluster.Withdraw(instanceId) || cluster.Finish(instanceId) is not null)
        {
            fx.ViewChanged = true;
        }
    }

    /// <summary>A placement of instance work: the pool starts the instance after the commit. A grow is not for instances, which hold plain counts.</summary>
    public static void Dispatch(PlacementDecision decision, CycleEffects fx)
    {
        if (decision is DispatchDecision)
        {
            fx.Instances.Add(new InstancePlaced(decision.WorkId, decision.Host));
        }
    }

    /// <summary>The instance's work went with its worker; its resources are already released.</summary>
    public static void Lost(string workId, string reason, CycleEffects fx) => fx.Instances.Add(new InstanceLost(workId, reason, DuringLoad: false));

    /// <summary>A purge of <paramref name="worker"/>: its unreserved idle instances stop (reserved ones move elsewhere make-before-break).</summary>
    public static void PurgeIdle(string worker, string reason, CycleEffects fx) => fx.Instances.Add(new IdleInstancesPurged(worker, reason));

    /// <summary>
    /// The warm-pool policy, after placement: the loop withdraws the work of instances no call needs any more and
    /// hands the rest of the decisions to the pool. Returns when the policy wants to run again.
    /// </summary>
    public DateTimeOffset? Tick(CycleEffects fx)
    {
        var plan = Pool.Decide(cluster, time.GetUtcNow());
        if (plan.IsEmpty)
        {
            return plan.NextDue;
        }

        // Work this cycle placed already is the pool's to start (it learns of the placement after the commit). The
        // rest leaves the queue, or was never queued: its submission, still on its way, finds the pool without it.
        var withdrawn = new List<AlgorithmInstance>(plan.Withdrawn.Count);
        foreach (var instance in plan.Withdrawn)
        {
            if (cluster.FindRunning(instance.Id) is null)
            {
                fx.ViewChanged |= cluster.Withdraw(instance.Id);
                withdrawn.Add(instance);
            }
        }

        fx.Instances.Add(new WarmPoolDecided(plan with { Withdrawn = withdrawn }));
        return plan.NextDue;
    }

    /// <summary>
    /// A worker (re)registered, reporting the instances it runs. Known ones stay (booked again on a rebuilt ledger),
    /// unknown ones are adopted onto the ledger when they fit (a restarted supervisor loses no warm instance) and
    /// stopped otherwise, and the ones it no longer runs are lost.
    /// </summary>
    public void Reconcile(WorkerSession session, IReadOnlyList<InstanceReport> reports, CycleEffects fx)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            reported.Add(report.InstanceId);
            if (Pool.StateOf(report.InstanceId) is not null)
            {
                // Known, and normally booked since its placement; a ledger rebuilt after the loop restarted books it
                // again from the worker's report, or the instance goes.
                if (cluster.FindRunning(report.InstanceId) is null && !TryBook(session.Name, report, out _))
                {
                    fx.Send(session, StopMessage(report.InstanceId));
                }

                continue;
            }

            if (!report.Ready || !TryAdopt(session.Name, report, fx))
            {
                fx.Send(session, StopMessage(report.InstanceId));
            }
        }

        foreach (var (id, state) in Pool.InstancesOn(session.Name))
        {
            if (!reported.Contains(id))
            {
                Release(id, fx);
                fx.Instances.Add(new InstanceLost(id, $"worker {session.Name} no longer runs it", state == InstanceState.Starting));
            }
        }
    }

    private SupervisorMessage StopMessage(string instanceId) =>
        new() { StopInstance = new StopInstance { InstanceId = instanceId, GraceMs = (int)Pool.StopGrace.TotalMilliseconds } };

    /// <summary>Books a reported instance's allocation on the ledger; false when the report does not parse or does not fit.</summary>
    private bool TryBook(string worker, InstanceReport report, out ResourceRequest spec)
    {
        spec = ResourceRequest.Default;
        try
        {
            spec = ResourceRequest.Parse(report.Reservations);
            var allocation = new Allocation(report.Allocations.Select(kv => KeyValuePair.Create(ParseResource(kv.Key), kv.Value)));
            var request = new WorkRequest(report.InstanceId, spec, Pool.InstancePriority, nextSequence())
            {
                Account = string.IsNullOrEmpty(report.Account) ? null : report.Account,
                IsInstance = true,
            };
            cluster.Adopt(new RunningWork(request, worker, allocation));
            return true;
        }
        catch (Exception e) when (e is FormatException or LedgerException or PlacementException)
        {
            return false;
        }
    }

    private bool TryAdopt(string worker, InstanceReport report, CycleEffects fx)
    {
        InstanceTemplate template;
        try
        {
            var spec = ResourceRequest.Parse(report.Reservations);
            var version = string.IsNullOrEmpty(report.Version) ? (SemanticVersion?)null : SemanticVersion.Parse(report.Version);
            template = new InstanceTemplate(AlgorithmName.Parse(report.Algorithm), BuildHash.Parse(report.Hash), version, spec);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!TryBook(worker, report, out _))
        {
            return false;
        }

        fx.Instances.Add(new InstanceAdopted(worker, report, template));
        fx.ViewChanged = true;
        return true;
    }

    private static ResourceName ParseResource(string text) =>
        ResourceName.TryParse(text, out var resource, out var error) ? resource : throw new FormatException(error);
}
