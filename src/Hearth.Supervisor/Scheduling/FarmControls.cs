using System.Globalization;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The admin's run-time controls over the farm: cluster-wide totals, licenses' outside use, worker totals, locks and
/// the priority floor. It owns their stored form (<see cref="ClusterSettings"/>) and keeps the ledger's global
/// resources and locks in step with it. Only the loop touches it.
/// </summary>
internal sealed class FarmControls(Cluster cluster)
{
    /// <summary>Run-time totals, outside use and locks, kept in the store.</summary>
    public ClusterSettings Settings { get; } = new();

    /// <summary>Lays the stored run-time settings over the configured cluster-wide totals; called before jobs are restored.</summary>
    public void Restore(Storage.StoredCluster stored)
    {
        Settings.Load(stored.Settings);
        foreach (var (resource, setting) in Settings.Resources)
        {
            if (setting.Total is { } total)
            {
                cluster.Ledger.DefineGlobal(resource, total);
            }

            if (resource.Scope == ResourceScope.License && cluster.Ledger.HasGlobal(resource))
            {
                cluster.Ledger.SetOutsideUse(resource, setting.Outside);
            }
        }
    }

    /// <summary>Locks stored before a restart apply again to the workers restored from the store.</summary>
    public void RestoreLocks()
    {
        foreach (var name in Settings.Locked)
        {
            if (cluster.Ledger.TryGetHostIndex(name, out var host))
            {
                cluster.Ledger.SetLocked(host, true);
            }
        }
    }

    /// <summary>
    /// Sets the total of a global, license or global_host resource, defining it if new. Lowering it below what
    /// is in use takes nothing back: running work keeps what it holds and new work waits.
    /// </summary>
    public ResourceUsageView SetClusterTotal(ResourceName resource, int total, CycleEffects fx)
    {
        if (resource.IsHost)
        {
            throw new FarmRequestException($"{resource} is a host resource; set it on a worker (workers set NAME {resource}=N)");
        }

        if (total < 0)
        {
            throw new FarmRequestException($"{resource}={total}: a total cannot be negative");
        }

        cluster.Ledger.DefineGlobal(resource, total);
        var outside = Settings.Resources.GetValueOrDefault(resource)?.Outside ?? 0;
        fx.Setting(Settings.SetResource(resource, new ResourceSetting(total, outside)));
        fx.ViewChanged = true;
        return GlobalView(resource);
    }

    /// <summary>Records how many of a license are in use outside the farm; the farm may take only the rest, and never loses what it holds.</summary>
    public ResourceUsageView ReportOutsideUse(ResourceName resource, int inUse, CycleEffects fx)
    {
        if (resource.Scope != ResourceScope.License)
        {
            throw new FarmRequestException($"{resource} is not a license resource; outside use is reported for license.NAME only");
        }

        if (inUse < 0)
        {
            throw new FarmRequestException($"{resource}: in use {inUse} cannot be negative");
        }

        if (!cluster.Ledger.HasGlobal(resource))
        {
            throw new FarmTargetNotFoundException($"license {resource} is not defined; define it with --global-resources or resources set {resource}=N");
        }

        cluster.Ledger.SetOutsideUse(resource, inUse);
        var total = Settings.Resources.GetValueOrDefault(resource)?.Total;
        fx.Setting(Settings.SetResource(resource, new ResourceSetting(total, inUse)));
        fx.ViewChanged = true;
        return GlobalView(resource);
    }

    /// <summary>
    /// Keeps host totals for a worker over what it reports, and applies them to its host at once, even while work
    /// runs there: a lower total only stops new work from taking what is not free.
    /// </summary>
    public IReadOnlyDictionary<ResourceName, int> SetWorkerTotals(WorkerEntry worker, IReadOnlyDictionary<ResourceName, int> totals, CycleEffects fx)
    {
        foreach (var (resource, total) in totals)
        {
            if (!resource.IsHost)
            {
                throw new FarmRequestException($"{resource} is not a host resource; set cluster-wide totals with resources set");
            }

            if (total < 0)
            {
                throw new FarmRequestException($"{resource}={total}: a total cannot be negative");
            }
        }

        fx.Setting(Settings.SetWorker(worker.Name, totals));
        if (cluster.Ledger.TryGetHostIndex(worker.Name, out _))
        {
            foreach (var (resource, total) in totals)
            {
                cluster.SetHostTotal(worker.Name, resource, total);
            }
        }

        return Settings.ForWorker(worker.Name, worker.Totals);
    }

    /// <summary>What a worker's host offers: what it reports, under any totals an admin set for it.</summary>
    public Dictionary<ResourceName, int> ForWorker(string name, IReadOnlyDictionary<ResourceName, int> reported) => Settings.ForWorker(name, reported);

    public bool IsLocked(string name) => Settings.IsLocked(name);

    /// <summary>Locks or unlocks a worker's host: a locked host takes no new work and its running work grows no more.</summary>
    public void Lock(string name, bool locked, CycleEffects fx)
    {
        if (Settings.IsLocked(name) != locked)
        {
            fx.Setting(Settings.Lock(name, locked));
        }

        if (cluster.Ledger.TryGetHostIndex(name, out _))
        {
            cluster.SetLocked(name, locked);
        }

        fx.ViewChanged = true;
    }

    /// <summary>Drops what was set for a worker that is forgotten.</summary>
    public void ForgetWorker(string name, CycleEffects fx)
    {
        foreach (var forgotten in Settings.ForgetWorker(name).ToList())
        {
            fx.Setting(forgotten);
        }
    }

    /// <summary>Sets the highest priority account keys may use (the lowest number); jobs already queued keep theirs.</summary>
    public PolicyView SetHighestUserPriority(int priority, CycleEffects fx)
    {
        if (priority is < 1 or > WorkRequest.DefaultPriority)
        {
            throw new FarmRequestException(
                string.Create(CultureInfo.InvariantCulture, $"highest user priority {priority} is out of range: 1 (accounts may use every priority) to {WorkRequest.DefaultPriority}"));
        }

        fx.Setting(Settings.SetHighestUserPriority(priority));
        return Policy();
    }

    public PolicyView Policy() => new(Settings.HighestUserPriority);

    /// <summary>An account key may not put a job ahead of the admin's floor; an admin key may.</summary>
    public void CheckPriorityFloor(int priority, string? account)
    {
        var highest = Settings.HighestUserPriority;
        if (account is not null && priority < highest)
        {
            throw new PriorityNotAllowedException(string.Create(CultureInfo.InvariantCulture,
                $"priority {priority} is higher than accounts may use: the highest is {highest} (1 runs first; give {highest} to {WorkRequest.DefaultPriority})"));
        }
    }

    /// <summary>A request may name only the global resources the cluster defines; hosts' resources are checked at placement.</summary>
    public void CheckGlobalsDefined(ResourceRequest spec)
    {
        foreach (var item in spec.Items)
        {
            if (!item.Resource.IsHost && !cluster.Ledger.HasGlobal(item.Resource))
            {
                var defined = cluster.Ledger.GlobalUsage().Select(u => u.Resource.ToString()).ToList();
                throw new PlacementException(
                    $"item \"{item}\": unknown global resource {item.Resource}; the cluster defines {(defined.Count == 0 ? "none" : string.Join(", ", defined))}");
            }
        }
    }

    private ResourceUsageView GlobalView(ResourceName resource) =>
        cluster.Ledger.GlobalUsage().Where(u => u.Resource == resource).Select(SchedulerState.ToView).First();
}
