using Hearth.Core.Resources;

namespace Hearth.Core.Placement;

/// <summary>
/// The scheduler's state: the ledger, the pending queue and the running work. Events (submit, finish,
/// host up or down) change it directly; placement is <see cref="PlacementEngine.Decide"/>, which leaves it
/// untouched, followed by <see cref="Apply"/>.
/// </summary>
public sealed class Cluster
{
    private static readonly Comparer<WorkRequest> QueueOrder = Comparer<WorkRequest>.Create((a, b) =>
    {
        var c = a.Priority.CompareTo(b.Priority);
        if (c == 0)
        {
            c = a.Sequence.CompareTo(b.Sequence);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    });

    private readonly SortedSet<WorkRequest> _pending = new(QueueOrder);
    private readonly Dictionary<string, WorkRequest> _pendingById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunningWork> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<int, SortedSet<WorkRequest>> _growableByHost = [];
    private readonly HashSet<int> _freedHosts = [];

    public Ledger Ledger { get; } = new();

    /// <summary>Accounts' limits and what each holds against them; running work is charged as it starts and grows.</summary>
    public Quotas Quotas { get; } = new();

    public IReadOnlyCollection<WorkRequest> Pending => _pending;

    public IReadOnlyCollection<RunningWork> Running => _running.Values;

    internal SortedSet<WorkRequest> PendingQueue => _pending;

    /// <summary>Hosts where units were freed since the last applied cycle: the only places growth can happen.</summary>
    internal IReadOnlyCollection<int> FreedHosts => _freedHosts;

    /// <summary>How much running work can still grow, anywhere.</summary>
    internal int GrowableCount { get; private set; }

    internal IEnumerable<WorkRequest> GrowableOn(int host) =>
        _growableByHost.TryGetValue(host, out var set) ? set : [];

    internal static IComparer<WorkRequest> Order => QueueOrder;

    public bool IsPending(string id) => _pendingById.ContainsKey(id);

    public RunningWork? FindRunning(string id) => _running.GetValueOrDefault(id);

    public int AddHost(string name, IReadOnlyDictionary<ResourceName, int> totals)
    {
        var host = Ledger.AddHost(name, totals);
        _freedHosts.Add(host);
        return host;
    }

    /// <summary>Locks a host against new work and growth, or unlocks it; unlocking offers its free units again.</summary>
    public void SetLocked(string name, bool locked)
    {
        var host = Ledger.HostIndex(name);
        Ledger.SetLocked(host, locked);
        if (!locked)
        {
            _freedHosts.Add(host);
        }
    }

    /// <summary>Changes one host resource's total at run time; a raised total may let running work grow there.</summary>
    public void SetHostTotal(string name, ResourceName resource, int total)
    {
        var host = Ledger.HostIndex(name);
        Ledger.SetHostTotal(host, resource, total);
        _freedHosts.Add(host);
    }

    /// <summary>Queues work. Refuses a duplicate ID or a global resource the cluster does not define.</summary>
    public void Submit(WorkRequest request)
    {
        if (_pendingById.ContainsKey(request.Id) || _running.ContainsKey(request.Id))
        {
            throw new PlacementException($"work {request.Id} is already queued or running");
        }

        foreach (var item in request.Spec.Items)
        {
            if (!item.Resource.IsHost && !Ledger.HasGlobal(item.Resource))
            {
                throw new PlacementException($"item \"{item}\": unknown global resource {item.Resource}; the cluster defines none by that name");
            }
        }

        _pending.Add(request);
        _pendingById.Add(request.Id, request);
    }

    /// <summary>
    /// Changes queued or running work's request in place, keeping its ID and sequence. Running work may change only
    /// its priority: what it holds was granted for its resource request where its requirements held. False when the
    /// work is neither queued nor running.
    /// </summary>
    public bool Update(WorkRequest request)
    {
        if (_pendingById.TryGetValue(request.Id, out var queued))
        {
            _pending.Remove(queued);
            _pending.Add(request);
            _pendingById[request.Id] = request;
            return true;
        }

        if (!_running.TryGetValue(request.Id, out var work))
        {
            return false;
        }

        if (!work.Request.Spec.Equals(request.Spec) || work.Request.Requirements != request.Requirements)
        {
            throw new PlacementException($"work {request.Id} is running; only its priority can change");
        }

        var host = Ledger.HostIndex(work.Host);
        if (_growableByHost.TryGetValue(host, out var growable) && growable.Remove(work.Request))
        {
            GrowableCount--;
        }

        Track(host, work with { Request = request });
        return true;
    }

    /// <summary>Takes pending work out of the queue; false when it is not pending.</summary>
    public bool Withdraw(string id)
    {
        if (!_pendingById.Remove(id, out var request))
        {
            return false;
        }

        _pending.Remove(request);
        return true;
    }

    /// <summary>Ends running work and releases everything it holds, exactly once; null when it is not running.</summary>
    public RunningWork? Finish(string id)
    {
        if (!_running.Remove(id, out var work))
        {
            return null;
        }

        var host = Ledger.HostIndex(work.Host);
        Ledger.Release(host, work.Allocation, endsWork: true);
        Quotas.Release(id);
        if (_growableByHost.TryGetValue(host, out var growable) && growable.Remove(work.Request))
        {
            GrowableCount--;
        }

        _freedHosts.Add(host);
        return work;
    }

    /// <summary>
    /// Marks a host down and releases all its work exactly once. The caller decides what to requeue.
    /// </summary>
    public IReadOnlyList<RunningWork> HostDown(string name)
    {
        var host = Ledger.HostIndex(name);
        var lost = _running.Values.Where(w => w.Host == name).OrderBy(w => w.Request, QueueOrder).ToList();
        foreach (var work in lost)
        {
            Finish(work.Id);
        }

        Ledger.SetUp(host, false);
        return lost;
    }

    public void HostUp(string name)
    {
        var host = Ledger.HostIndex(name);
        Ledger.SetUp(host, true);
        _freedHosts.Add(host);
    }

    /// <summary>Records work that already holds resources, e.g. when state is reloaded after a restart.</summary>
    public void Adopt(RunningWork work)
    {
        if (_running.ContainsKey(work.Id) || _pendingById.ContainsKey(work.Id))
        {
            throw new PlacementException($"work {work.Id} is already known");
        }

        var host = Ledger.HostIndex(work.Host);
        Ledger.Reserve(host, work.Allocation, startsWork: true);
        Quotas.Charge(work.Request, work.Allocation);
        Track(host, work);
    }

    /// <summary>Commits the decisions of one cycle, in order. Each is checked against the ledger again.</summary>
    public void Apply(PlacementPlan plan)
    {
        foreach (var decision in plan.Decisions)
        {
            var host = Ledger.HostIndex(decision.Host);
            switch (decision)
            {
                case DispatchDecision:
                    if (!_pendingById.TryGetValue(decision.WorkId, out var request))
                    {
                        throw new PlacementException($"work {decision.WorkId} is not pending");
                    }

                    Ledger.Reserve(host, decision.Allocation, startsWork: true);
                    _pendingById.Remove(decision.WorkId);
                    _pending.Remove(request);
                    Quotas.Charge(request, decision.Allocation);
                    Track(host, new RunningWork(request, decision.Host, decision.Allocation));
                    break;
                case GrowDecision grow:
                    var running = _running.GetValueOrDefault(grow.WorkId)
                        ?? throw new PlacementException($"work {grow.WorkId} is not running");
                    Ledger.Reserve(host, grow.Added, startsWork: false);
                    Quotas.Grow(grow.WorkId, grow.Added.AmountOf(ResourceName.Processors));
                    Track(host, running with { Allocation = grow.Allocation });
                    break;
                default:
                    throw new PlacementException($"unknown decision {decision.GetType().Name}");
            }
        }

        foreach (var host in plan.ExaminedHosts)
        {
            _freedHosts.Remove(host);
        }
    }

    private void Track(int host, RunningWork work)
    {
        _running[work.Id] = work;
        if (!_growableByHost.TryGetValue(host, out var growable))
        {
            growable = new SortedSet<WorkRequest>(QueueOrder);
            _growableByHost.Add(host, growable);
        }

        if (work.CanGrow ? growable.Add(work.Request) : growable.Remove(work.Request))
        {
            GrowableCount += work.CanGrow ? 1 : -1;
        }
    }
}
