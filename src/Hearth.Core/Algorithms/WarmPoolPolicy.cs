using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Algorithms;

/// <summary>
/// The periodic warm-pool decisions, pure over the pool, the cluster and the time:
/// <list type="bullet">
/// <item>a waiting call past its deadline expires;</item>
/// <item>an unplaced, unreserved starting instance beyond what waiting calls need is withdrawn;</item>
/// <item>an unreserved idle instance idle for the idle timeout stops;</item>
/// <item>pending ledger work (a job or another instance) that does not fit evicts unreserved idle instances past
/// their minimum residency, least recently used first, on the host where the fewest evictions make it fit.</item>
/// </list>
/// Reserved instances are never stopped here. Run it after the placement cycle has been applied, so the
/// cluster's pending work is exactly the work that did not fit.
/// </summary>
public static class WarmPoolPolicy
{
    public static WarmPoolPlan Decide(WarmPool pool, Cluster cluster, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = pool.Settings;
        DateTimeOffset? next = null;
        void Due(DateTimeOffset at) => next = next is { } n && n <= at ? n : at;

        var expired = new List<WaitingCall>();
        foreach (var call in pool.Waiting)
        {
            if (call.Deadline <= now)
            {
                expired.Add(call);
            }
            else
            {
                Due(call.Deadline);
            }
        }

        var withdrawn = new List<AlgorithmInstance>();
        foreach (var (key, instances, waiting) in pool.Keys)
        {
            var stillWaiting = waiting - expired.Count(c => c.Key == key);
            var starting = instances.Count(i => i.State == InstanceState.Starting);
            foreach (var instance in instances)
            {
                if (starting <= stillWaiting)
                {
                    break;
                }

                if (instance.State == InstanceState.Starting && instance.Worker is null && !instance.Reserved)
                {
                    withdrawn.Add(instance);
                    starting--;
                }
            }
        }

        var stops = new List<InstanceStop>();
        foreach (var instance in pool.Instances)
        {
            if (instance.Reserved)
            {
                continue;
            }

            if (instance.State is InstanceState.Starting or InstanceState.Busy)
            {
                // It goes idle no earlier than now, so its idle timeout ends no earlier than this: the pool need not
                // wake the loop when it goes idle, since the loop looks again by then anyway.
                Due(now + settings.IdleTimeout);
                continue;
            }

            if (instance.State != InstanceState.Idle)
            {
                continue;
            }

            var idleEnds = instance.IdleSince + settings.IdleTimeout;
            if (idleEnds <= now)
            {
                stops.Add(new InstanceStop(instance, StopCause.IdleTimeout,
                    $"idle since {instance.IdleSince:O}, longer than the idle timeout of {settings.IdleTimeout}"));
            }
            else
            {
                Due(idleEnds);
            }
        }

        var evictions = PlanEvictions(pool, cluster, now, withdrawn, stops, Due);
        stops.AddRange(evictions);
        return new WarmPoolPlan(expired, withdrawn, stops, next);
    }

    /// <summary>
    /// Applies a plan to the pool, possibly some time after it was decided: what changed meanwhile (a call that
    /// found an instance, an instance that took a call or went) is skipped, and the next decision sees it again.
    /// Returns what it applied, whose effects the caller carries out: it fails the expired calls, and asks workers to
    /// stop the stopped instances. The withdrawn instances' work is the ledger owner's to withdraw, before this.
    /// </summary>
    public static WarmPoolPlan Apply(WarmPool pool, WarmPoolPlan plan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(plan);
        var expired = new List<WaitingCall>(plan.Expired.Count);
        foreach (var call in plan.Expired)
        {
            if (pool.Cancel(call))
            {
                expired.Add(call);
            }
        }

        var withdrawn = new List<AlgorithmInstance>(plan.Withdrawn.Count);
        var replacements = new List<AlgorithmInstance>();
        foreach (var instance in plan.Withdrawn)
        {
            if (pool.Find(instance.Id) is { State: InstanceState.Starting, Worker: null })
            {
                replacements.AddRange(pool.Remove(instance.Id, failedLoading: false, now).Replacements);
                withdrawn.Add(instance);
            }
        }

        var stops = new List<InstanceStop>(plan.Stops.Count);
        foreach (var stop in plan.Stops)
        {
            if (pool.Find(stop.Instance.Id) is { State: InstanceState.Idle })
            {
                pool.Stop(stop.Instance.Id, stop.Reason);
                stops.Add(stop);
            }
        }

        return new WarmPoolPlan(expired, withdrawn, stops, plan.NextDue) { Replacements = replacements };
    }

    private static List<InstanceStop> PlanEvictions(
        WarmPool pool, Cluster cluster, DateTimeOffset now, List<AlgorithmInstance> withdrawn, List<InstanceStop> stops, Action<DateTimeOffset> due)
    {
        var evictions = new List<InstanceStop>();
        if (cluster.Pending.Count == 0)
        {
            return evictions;
        }

        var ledger = cluster.Ledger;
        var skip = withdrawn.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var stoppedNow = stops.Select(s => s.Instance.Id).ToHashSet(StringComparer.Ordinal);

        // Resources that stopping instances (and those the idle timeout stops now) will return soon, per host.
        var soon = new Dictionary<string, Freed>(StringComparer.Ordinal);
        var candidates = new Dictionary<string, List<(AlgorithmInstance Instance, RunningWork Work)>>(StringComparer.Ordinal);
        var inResidency = new List<AlgorithmInstance>();
        foreach (var instance in pool.Instances)
        {
            if (cluster.FindRunning(instance.Id) is not { } work)
            {
                continue;
            }

            if (instance.State == InstanceState.Stopping || stoppedNow.Contains(instance.Id))
            {
                FreedOn(soon, work.Host).Add(work.Allocation);
            }
            else if (instance.State == InstanceState.Idle && !instance.Reserved)
            {
                if (instance.ReadyAt + pool.Settings.MinResidency <= now)
                {
                    if (!candidates.TryGetValue(work.Host, out var list))
                    {
                        list = [];
                        candidates.Add(work.Host, list);
                    }

                    list.Add((instance, work));
                }
                else
                {
                    inResidency.Add(instance);
                }
            }
        }

        foreach (var list in candidates.Values)
        {
            list.Sort((a, b) => a.Instance.LastUsed != b.Instance.LastUsed
                ? a.Instance.LastUsed.CompareTo(b.Instance.LastUsed)
                : string.CompareOrdinal(a.Instance.Id, b.Instance.Id));
        }

        var unmet = false;
        foreach (var request in cluster.Pending)
        {
            if (skip.Contains(request.Id))
            {
                continue;
            }

            var items = request.Spec.EffectiveItems();
            (string Host, List<(AlgorithmInstance Instance, RunningWork Work)> Victims)? best = null;
            var fitsSoon = false;
            foreach (var host in ledger.HostNames)
            {
                var index = ledger.HostIndex(host);
                if (!ledger.IsOpen(index))
                {
                    continue;
                }

                var freed = soon.GetValueOrDefault(host) ?? new Freed();
                var pool0 = candidates.GetValueOrDefault(host) ?? [];
                var victims = new List<(AlgorithmInstance Instance, RunningWork Work)>();
                var extra = new Freed();
                extra.Add(freed);
                var k = 0;
                while (!Fits(ledger, index, items, extra) && k < pool0.Count)
                {
                    victims.Add(pool0[k]);
                    extra.Add(pool0[k].Work.Allocation);
                    k++;
                }

                if (!Fits(ledger, index, items, extra))
                {
                    continue;
                }

                if (victims.Count == 0)
                {
                    fitsSoon = true;
                    break;
                }

                if (best is null || victims.Count < best.Value.Victims.Count)
                {
                    best = (host, victims);
                }
            }

            if (fitsSoon)
            {
                continue;
            }

            if (best is not { } chosen)
            {
                unmet = true;
                continue;
            }

            foreach (var (instance, work) in chosen.Victims)
            {
                candidates[chosen.Host].Remove((instance, work));
                FreedOn(soon, chosen.Host).Add(work.Allocation);
                evictions.Add(new InstanceStop(instance, StopCause.Evicted,
                    $"evicted, least recently used, to make room for {request.Id} on {chosen.Host}"));
            }
        }

        if (unmet)
        {
            foreach (var instance in inResidency)
            {
                due(instance.ReadyAt!.Value + pool.Settings.MinResidency);
            }
        }

        return evictions;
    }

    private static Freed FreedOn(Dictionary<string, Freed> soon, string host)
    {
        if (!soon.TryGetValue(host, out var freed))
        {
            freed = new Freed();
            soon.Add(host, freed);
        }

        return freed;
    }

    /// <summary>
    /// True when every item's minimum is free on the host once <paramref name="extra"/> is returned; an idle-mode
    /// item also needs every piece of work on the host to be among what returns.
    /// </summary>
    private static bool Fits(Ledger ledger, int host, IReadOnlyList<ResourceRequestItem> items, Freed extra)
    {
        foreach (var item in items)
        {
            var free = item.Resource.IsHost ? ledger.Free(host, item.Resource) : ledger.GlobalFree(item.Resource);
            if (free + extra.AmountOf(item.Resource) < item.Min)
            {
                return false;
            }

            if (item.Mode == GrantMode.Idle && ledger.RunningOn(host) > extra.Works)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Resources and pieces of work about to return on one host.</summary>
    private sealed class Freed
    {
        private readonly Dictionary<ResourceName, int> _amounts = [];

        public int Works { get; private set; }

        public int AmountOf(ResourceName resource) => _amounts.GetValueOrDefault(resource);

        public void Add(Allocation allocation)
        {
            foreach (var (resource, amount) in allocation)
            {
                _amounts[resource] = AmountOf(resource) + amount;
            }

            Works++;
        }

        public void Add(Freed other)
        {
            foreach (var (resource, amount) in other._amounts)
            {
                _amounts[resource] = AmountOf(resource) + amount;
            }

            Works += other.Works;
        }
    }
}
