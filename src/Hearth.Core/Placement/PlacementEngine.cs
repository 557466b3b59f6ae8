using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>
/// Placement: from the cluster's state to the decisions of one cycle. Work is taken by priority, then
/// submission; at equal priority the growth of running <c>N-M</c> work comes before new work. Work that does
/// not fit is skipped and never blocks work behind it, and so is work its account's quotas leave no room for; an
/// elastic grant or a growth takes no more processors than the quotas leave.
/// </summary>
public static class PlacementEngine
{
    /// <summary>
    /// Decides one cycle. The cluster is left exactly as it was: decisions are tried on the ledger as the
    /// cycle goes, so later ones see earlier ones, and all are undone before returning.
    /// </summary>
    public static PlacementPlan Decide(Cluster cluster)
    {
        var ledger = cluster.Ledger;
        if (!ledger.Open.AnyAtLeast(1) || (cluster.PendingQueue.Count == 0 && cluster.FreedHosts.Count == 0))
        {
            return PlacementPlan.None;
        }

        var examined = new List<int>(cluster.FreedHosts);
        var growth = new List<(WorkRequest Request, int Host)>();
        if (cluster.GrowableCount > 0)
        {
            foreach (var host in examined)
            {
                foreach (var request in cluster.GrowableOn(host))
                {
                    growth.Add((request, host));
                }
            }

            growth.Sort((a, b) => Cluster.Order.Compare(a.Request, b.Request));
        }

        var decisions = new List<PlacementDecision>();
        var quotas = cluster.Quotas.AnyLimit ? cluster.Quotas : null;
        var trial = new Trial(ledger, quotas);
        try
        {
            // Work alike in what it asks and where it may go fits alike: one miss stands for all of it this cycle.
            var unfit = new HashSet<(ResourceRequest, Requirement?, bool)>();
            var g = 0;
            foreach (var request in cluster.PendingQueue)
            {
                for (; g < growth.Count && growth[g].Request.Priority <= request.Priority; g++)
                {
                    TryGrow(cluster, trial, growth[g].Host, growth[g].Request, decisions);
                }

                if (!ledger.Open.AnyAtLeast(1))
                {
                    break;
                }

                var room = int.MaxValue;
                if (quotas is not null && request.Account is { } account)
                {
                    if (request.IsInstance ? !quotas.InstanceRoom(account) : (room = quotas.SlotRoom(account)) < Quotas.MinimumProcessors(request))
                    {
                        continue;
                    }
                }

                if (!unfit.Contains((request.Spec, request.Requirements, request.AccountJob)) && !TryDispatch(ledger, trial, request, decisions, room))
                {
                    unfit.Add((request.Spec, request.Requirements, request.AccountJob));
                }
            }

            for (; g < growth.Count; g++)
            {
                TryGrow(cluster, trial, growth[g].Host, growth[g].Request, decisions);
            }
        }
        finally
        {
            trial.Undo();
        }

        return new PlacementPlan(decisions, examined);
    }

    /// <summary>Places one piece of work; <paramref name="room"/> caps the processors an elastic grant takes.</summary>
    private static bool TryDispatch(Ledger ledger, Trial trial, WorkRequest request, List<PlacementDecision> decisions, int room)
    {
        var items = request.Spec.EffectiveItems();
        ResourceRequestItem? processors = null;
        var needsIdle = false;
        foreach (var item in items)
        {
            // A per-host global resource may be free on a host that already holds it, so it is checked per host.
            if (!item.Resource.IsHost && !item.Resource.IsPerHostGlobal && ledger.GlobalFree(item.Number) < item.Min)
            {
                return false;
            }

            needsIdle |= item.Mode == GrantMode.Idle;
            if (item.Resource == ResourceName.Processors)
            {
                processors = item;
            }
        }

        var index = needsIdle ? ledger.Idle : ledger.Open;

        // In a cluster with hosts of both kinds, the isolated ones are tried first; with one kind nothing changes.
        var mixed = ledger.UnisolatedCount > 0 && ledger.UnisolatedCount < ledger.HostCount;

        // Work that just failed or was lost somewhere goes back there only when no other host fits.
        var avoid = request.AvoidHost is { } name && ledger.TryGetHostIndex(name, out var avoided) ? avoided : -1;
        var requirements = request.Requirements;
        var only = request.AccountJob ? Only.AccountJobs : Only.Any;
        var host = (mixed ? Choose(ledger, index, processors!, items, requirements, only | Only.Isolated, avoid) : null)
            ?? Choose(ledger, index, processors!, items, requirements, only, avoid)
            ?? (avoid >= 0 ? Choose(ledger, index, processors!, items, requirements, only, -1) : null);
        if (host is not { } chosen)
        {
            return false;
        }

        var grant = new KeyValuePair<ResourceName, int>[items.Count];
        for (var i = 0; i < grant.Length; i++)
        {
            var item = items[i];
            var free = item.Resource.IsHost ? ledger.Free(chosen, item.Number) : ledger.GlobalFree(item.Number);
            var amount = item.Mode switch
            {
                GrantMode.Exact => item.Min,
                GrantMode.Range => Math.Min(free, item.Max!.Value),
                _ => free,
            };
            grant[i] = new(item.Resource, item.Resource == ResourceName.Processors ? Math.Min(amount, room) : amount);
        }

        var allocation = new Allocation(grant);
        trial.Reserve(chosen, allocation, request);
        decisions.Add(new DispatchDecision(request.Id, ledger.HostName(chosen), allocation));
        return true;
    }

    /// <summary>The first candidate where every item's minimum is free. Candidates come from the processors index.</summary>
    private static int? Choose(
        Ledger ledger, CapacityIndex index, ResourceRequestItem processors, IReadOnlyList<ResourceRequestItem> items, Requirement? requirements, Only only, int avoid) =>
        processors.Mode switch
        {
            GrantMode.Greedy => FirstFit(ledger, index.Descending(processors.Min), items, requirements, only, avoid),
            GrantMode.Range => FirstFit(ledger, index.Ascending(processors.Max!.Value), items, requirements, only, avoid)
                ?? FirstFit(ledger, index.Descending(processors.Min), items, requirements, only, avoid),
            _ => FirstFit(ledger, index.Ascending(processors.Min), items, requirements, only, avoid),
        };

    private static int? FirstFit(
        Ledger ledger, IEnumerable<int> candidates, IReadOnlyList<ResourceRequestItem> items, Requirement? requirements, Only only, int avoid)
    {
        foreach (var host in candidates)
        {
            if (host == avoid || ((only & Only.Isolated) != 0 && !ledger.IsIsolated(host)) || ((only & Only.AccountJobs) != 0 && !ledger.TakesAccountJobs(host)))
            {
                continue;
            }

            if (requirements is not null && !requirements.Matches(ledger.FactsAt(host)))
            {
                continue;
            }

            var fits = true;
            foreach (var item in items)
            {
                var free = item.Resource.Scope switch
                {
                    ResourceScope.Host => ledger.Free(host, item.Number),
                    ResourceScope.GlobalHost => ledger.GlobalHostFree(host, item.Number),
                    _ => int.MaxValue,
                };
                if (free < item.Min)
                {
                    fits = false;
                    break;
                }
            }

            if (fits)
            {
                return host;
            }
        }

        return null;
    }

    private static void TryGrow(Cluster cluster, Trial trial, int host, WorkRequest request, List<PlacementDecision> decisions)
    {
        var ledger = cluster.Ledger;
        var work = cluster.FindRunning(request.Id);
        if (work is null || !ledger.IsOpen(host))
        {
            return;
        }

        var room = trial.Quotas is { } quotas && request.Account is { } account && !request.IsInstance ? quotas.SlotRoom(account) : int.MaxValue;
        var added = new List<KeyValuePair<ResourceName, int>>();
        foreach (var item in request.Spec.EffectiveItems())
        {
            if (item.Mode != GrantMode.Range)
            {
                continue;
            }

            var more = Math.Min(ledger.Free(host, item.Number), item.Max!.Value - work.Allocation.AmountOf(item.Resource));
            if (item.Resource == ResourceName.Processors)
            {
                more = Math.Min(more, room);
            }

            if (more > 0)
            {
                added.Add(new(item.Resource, more));
            }
        }

        if (added.Count == 0)
        {
            return;
        }

        var extra = new Allocation(added.ToArray());
        trial.Grow(host, extra, work.Request);
        decisions.Add(new GrowDecision(work.Id, work.Host, work.Allocation.Plus(extra), extra));
    }

    /// <summary>
    /// Tentative holds made while deciding, undone in reverse when the cycle ends. With limits set they charge the
    /// quotas too, so later decisions of the cycle see what earlier ones took.
    /// </summary>
    private sealed class Trial(Ledger ledger, Quotas? quotas)
    {
        private readonly List<(int Host, Allocation Allocation, WorkRequest Request, bool StartsWork)> _journal = [];

        public Quotas? Quotas => quotas;

        public void Reserve(int host, Allocation allocation, WorkRequest request)
        {
            ledger.Reserve(host, allocation, startsWork: true);
            quotas?.Charge(request, allocation);
            _journal.Add((host, allocation, request, true));
        }

        public void Grow(int host, Allocation added, WorkRequest request)
        {
            ledger.Reserve(host, added, startsWork: false);
            quotas?.Grow(request.Id, added.AmountOf(ResourceName.Processors));
            _journal.Add((host, added, request, false));
        }

        public void Undo()
        {
            for (var i = _journal.Count - 1; i >= 0; i--)
            {
                var (host, allocation, request, startsWork) = _journal[i];
                ledger.Release(host, allocation, endsWork: startsWork);
                if (startsWork)
                {
                    quotas?.Release(request.Id);
                }
                else
                {
                    quotas?.Grow(request.Id, -allocation.AmountOf(ResourceName.Processors));
                }
            }
        }
    }

    /// <summary>Which hosts a search may take, besides fitting.</summary>
    [Flags]
    private enum Only
    {
        Any = 0,
        Isolated = 1,
        AccountJobs = 2,
    }
}
