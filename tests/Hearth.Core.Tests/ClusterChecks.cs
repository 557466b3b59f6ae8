using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>How often each kind of decision was seen, so a property test can show its generators reach every rule.</summary>
internal sealed class PlanCoverage
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int this[string kind] { get { lock (_counts) { return _counts.GetValueOrDefault(kind); } } }

    public void Count(string kind)
    {
        lock (_counts)
        {
            _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        }
    }

    public void Add(PlanCoverage other)
    {
        foreach (var (kind, n) in other._counts)
        {
            for (var i = 0; i < n; i++)
            {
                Count(kind);
            }
        }
    }

    public override string ToString()
    {
        lock (_counts)
        {
            return string.Join(", ", _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        }
    }
}

/// <summary>
/// The placement rules stated independently of the engine: what a cluster must hold, what a plan may decide,
/// and what must be true once a cycle is applied.
/// </summary>
internal static class ClusterChecks
{
    /// <summary>The ledger, the queue in order, the running work and the hosts awaiting a growth check.</summary>
    public static string Snapshot(Cluster cluster) =>
        cluster.Ledger.Snapshot()
        + $"pending: {cluster.PendingText()}\nrunning: {cluster.RunningText()}\n"
        + $"freed: {string.Join(",", cluster.FreedHosts.Order())}";

    /// <summary>Used on every host and globally is exactly the sum of what the running work holds, within 0..total.</summary>
    public static void AssertHoldsExactlyWhatRuns(Cluster cluster, Dictionary<string, WorkRequest> pending, Dictionary<string, string> running)
    {
        var ledger = cluster.Ledger;
        ledger.AssertConsistent();
        Assert.Equal(
            pending.Values.Order(Cluster.Order).Select(r => r.Id),
            cluster.Pending.Select(r => r.Id));
        Assert.Equal(
            running.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}@{kv.Value}"),
            cluster.Running.OrderBy(w => w.Id, StringComparer.Ordinal).Select(w => $"{w.Id}@{w.Host}"));

        for (var host = 0; host < ledger.HostCount; host++)
        {
            var name = ledger.HostName(host);
            var here = cluster.Running.Where(w => w.Host == name).ToList();
            Assert.Equal(here.Count, ledger.RunningOn(host));
            Assert.True(ledger.IsUp(host) || here.Count == 0, $"{name} is down but runs work");
            var usage = ledger.HostUsage(host);
            var resources = usage.Select(u => u.Resource).Union(here.SelectMany(w => w.Allocation.Select(kv => kv.Key)).Where(r => r.IsHost));
            foreach (var resource in resources)
            {
                var used = usage.Where(u => u.Resource == resource).Sum(u => u.Used);
                Assert.True(here.Sum(w => w.Allocation.AmountOf(resource)) == used, $"{name}: {resource} used {used} differs from what its work holds");
            }
        }

        foreach (var usage in ledger.GlobalUsage())
        {
            Assert.Equal(cluster.Running.Sum(w => w.Allocation.AmountOf(usage.Resource)), usage.Used);
        }

        foreach (var work in cluster.Running)
        {
            var items = work.Request.Spec.EffectiveItems();
            Assert.Equal(items.Select(i => i.Resource), work.Allocation.Select(kv => kv.Key));
            Assert.All(items, i =>
            {
                var amount = work.Allocation.AmountOf(i.Resource);
                Assert.True(amount >= i.Min && amount <= (i.Max ?? int.MaxValue), $"{work.Id} holds {i.Resource}={amount} for {i}");
            });
        }
    }

    /// <summary>
    /// Walks the plan with the pending and growable work in priority order (growth before new work at equal
    /// priority), on a shadow of the ledger: every decision must grant what its reservation says, every
    /// skipped request must not have fitted at its turn, and every growth left out must have had no room.
    /// </summary>
    public static void AssertPlanFollowsTheRules(
        Ledger ledger, PlacementPlan plan, IReadOnlyList<WorkRequest> pending, IReadOnlyList<RunningWork> running, PlanCoverage coverage)
    {
        var pendingById = pending.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var runningById = running.ToDictionary(w => w.Id, StringComparer.Ordinal);
        var turns = new List<(Key Key, object Turn)>();
        foreach (var decision in plan.Decisions)
        {
            var request = decision is GrowDecision ? runningById[decision.WorkId].Request : pendingById[decision.WorkId];
            turns.Add((Key.Of(request, decision is GrowDecision), decision));
        }

        for (var i = 1; i < turns.Count; i++)
        {
            Assert.True(turns[i - 1].Key.CompareTo(turns[i].Key) < 0, $"decision {i} is out of priority order: {string.Join("; ", plan.Decisions)}");
        }

        var decided = plan.Decisions.Select(d => d.WorkId).ToHashSet(StringComparer.Ordinal);
        turns.AddRange(pending.Where(r => !decided.Contains(r.Id)).Select(r => (Key.Of(r, false), (object)r)));
        turns.AddRange(running.Where(w => w.CanGrow && !decided.Contains(w.Id)).Select(w => (Key.Of(w.Request, true), (object)w)));

        var shadow = new Shadow(ledger);
        foreach (var (_, turn) in turns.OrderBy(t => t.Key))
        {
            switch (turn)
            {
                case DispatchDecision dispatch:
                    AssertDispatch(shadow, dispatch, pendingById[dispatch.WorkId], coverage);
                    break;
                case GrowDecision grow:
                    AssertGrow(shadow, grow, runningById[grow.WorkId], coverage);
                    break;
                case WorkRequest skipped:
                    Assert.False(shadow.Fits(skipped), $"{skipped.Id} ({skipped.Spec}) was skipped though it fitted at its turn");
                    coverage.Count("skip");
                    break;
                case RunningWork waiting:
                    AssertNoRoomToGrow(shadow, waiting, "at its turn");
                    coverage.Count("no-room-to-grow");
                    break;
            }
        }
    }

    /// <summary>After an applied cycle no pending work fits anywhere and no growable work has room beside it.</summary>
    public static void AssertNothingLeftThatFits(Cluster cluster)
    {
        var shadow = new Shadow(cluster.Ledger);
        foreach (var request in cluster.Pending)
        {
            Assert.False(shadow.Fits(request), $"{request.Id} ({request.Spec}) still pends though it fits");
        }

        foreach (var work in cluster.Running)
        {
            AssertNoRoomToGrow(shadow, work, "after the cycle");
        }
    }

    private static void AssertDispatch(Shadow shadow, DispatchDecision dispatch, WorkRequest request, PlanCoverage coverage)
    {
        var host = shadow.Ledger.HostIndex(dispatch.Host);
        Assert.True(shadow.Ledger.IsUp(host), $"{dispatch.WorkId} was sent to down host {dispatch.Host}");
        var items = request.Spec.EffectiveItems();
        Assert.Equal(items.Select(i => i.Resource), dispatch.Allocation.Select(kv => kv.Key));
        foreach (var item in items)
        {
            var free = item.Resource.IsHost ? shadow.Free(host, item.Resource) : shadow.GlobalFree(item.Resource);
            var expected = item.Mode switch
            {
                GrantMode.Exact => item.Min,
                GrantMode.Range => Math.Min(free, item.Max!.Value),
                _ => free,
            };
            Assert.True(free >= item.Min, $"{dispatch.WorkId}: {item} dispatched with only {free} free on {dispatch.Host}");
            Assert.True(
                expected == dispatch.Allocation.AmountOf(item.Resource),
                $"{dispatch.WorkId}: {item} with {free} free should get {expected}, got {dispatch.Allocation}");
            Assert.True(item.Mode != GrantMode.Idle || shadow.IsIdle(host), $"{dispatch.WorkId}: {item} sent to busy host {dispatch.Host}");
        }

        coverage.Count($"dispatch-{items.First(i => i.Resource == ResourceName.Processors).ModeText}");
        coverage.Count(items.Any(i => !i.Resource.IsHost) ? "dispatch-global" : "dispatch-host-only");
        shadow.Take(host, dispatch.Allocation, startsWork: true);
    }

    private static void AssertGrow(Shadow shadow, GrowDecision grow, RunningWork work, PlanCoverage coverage)
    {
        Assert.Equal(work.Host, grow.Host);
        var host = shadow.Ledger.HostIndex(grow.Host);
        Assert.True(shadow.Ledger.IsUp(host));
        var expected = new List<KeyValuePair<ResourceName, int>>();
        foreach (var item in work.Request.Spec.EffectiveItems().Where(i => i.Mode == GrantMode.Range))
        {
            var more = Math.Min(shadow.Free(host, item.Resource), item.Max!.Value - work.Allocation.AmountOf(item.Resource));
            if (more > 0)
            {
                expected.Add(new(item.Resource, more));
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(new Allocation(expected).ToString(), grow.Added.ToString());
        Assert.Equal(work.Allocation.Plus(grow.Added).ToString(), grow.Allocation.ToString());
        coverage.Count("grow");
        shadow.Take(host, grow.Added, startsWork: false);
    }

    private static void AssertNoRoomToGrow(Shadow shadow, RunningWork work, string when)
    {
        var host = shadow.Ledger.HostIndex(work.Host);
        foreach (var item in work.Request.Spec.EffectiveItems().Where(i => i.Mode == GrantMode.Range))
        {
            var held = work.Allocation.AmountOf(item.Resource);
            var free = shadow.Free(host, item.Resource);
            Assert.True(held == item.Max || free == 0, $"{work.Id} holds {item.Resource}={held} of {item} with {free} free on {work.Host} {when}");
        }
    }

    /// <summary>Priority, then growth before new work, then submission.</summary>
    private readonly record struct Key(int Priority, int Kind, long Sequence) : IComparable<Key>
    {
        public static Key Of(WorkRequest request, bool growth) => new(request.Priority, growth ? 0 : 1, request.Sequence);

        public int CompareTo(Key other) =>
            (Priority, Kind, Sequence).CompareTo((other.Priority, other.Kind, other.Sequence));
    }

    /// <summary>The ledger minus what a plan has taken so far.</summary>
    private sealed class Shadow(Ledger ledger)
    {
        private readonly Dictionary<(int Host, ResourceName Resource), int> _taken = [];
        private readonly Dictionary<int, int> _started = [];

        public Ledger Ledger => ledger;

        public int Free(int host, ResourceName resource) => ledger.Free(host, resource) - _taken.GetValueOrDefault((host, resource));

        public int GlobalFree(ResourceName resource) => ledger.GlobalFree(resource) - _taken.GetValueOrDefault((-1, resource));

        public bool IsIdle(int host) => ledger.RunningOn(host) + _started.GetValueOrDefault(host) == 0;

        /// <summary>Some up host (idle, when an item asks for one) has every item's minimum free, and so does the cluster.</summary>
        public bool Fits(WorkRequest request)
        {
            var items = request.Spec.EffectiveItems();
            if (items.Any(i => !i.Resource.IsHost && GlobalFree(i.Resource) < i.Min))
            {
                return false;
            }

            var needsIdle = items.Any(i => i.Mode == GrantMode.Idle);
            return Enumerable.Range(0, ledger.HostCount).Any(h =>
                ledger.IsUp(h) && (!needsIdle || IsIdle(h)) && items.All(i => !i.Resource.IsHost || Free(h, i.Resource) >= i.Min));
        }

        public void Take(int host, Allocation allocation, bool startsWork)
        {
            foreach (var (resource, amount) in allocation)
            {
                var key = (resource.IsHost ? host : -1, resource);
                _taken[key] = _taken.GetValueOrDefault(key) + amount;
            }

            _started[host] = _started.GetValueOrDefault(host) + (startsWork ? 1 : 0);
        }
    }
}
