using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A farm control asked for something that does not exist; the message names it.</summary>
public sealed class FarmTargetNotFoundException(string message) : Exception(message);

/// <summary>A farm control was given a value it cannot take; the message says why.</summary>
public sealed class FarmRequestException(string message) : Exception(message);

internal sealed partial class SchedulerState
{
    /// <summary>Run-time totals, outside use and locks, kept in the store.</summary>
    internal ClusterSettings Farm { get; } = new();

    /// <summary>Attempts killed by a purge: when their process is gone they go back to the queue instead of ending.</summary>
    private readonly HashSet<string> _purging = new(StringComparer.Ordinal);

    /// <summary>Lays the stored run-time settings over the configured cluster-wide totals; called before jobs are restored.</summary>
    private void RestoreSettings(Storage.StoredCluster stored)
    {
        Farm.Load(stored.Settings);
        foreach (var (resource, setting) in Farm.Resources)
        {
            if (setting.Total is { } total)
            {
                Cluster.Ledger.DefineGlobal(resource, total);
            }

            if (resource.Scope == ResourceScope.License && Cluster.Ledger.HasGlobal(resource))
            {
                Cluster.Ledger.SetOutsideUse(resource, setting.Outside);
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

        Cluster.Ledger.DefineGlobal(resource, total);
        var outside = Farm.Resources.GetValueOrDefault(resource)?.Outside ?? 0;
        fx.Setting(Farm.SetResource(resource, new ResourceSetting(total, outside)));
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

        if (!Cluster.Ledger.HasGlobal(resource))
        {
            throw new FarmTargetNotFoundException($"license {resource} is not defined; define it with --global-resources or resources set {resource}=N");
        }

        Cluster.Ledger.SetOutsideUse(resource, inUse);
        var total = Farm.Resources.GetValueOrDefault(resource)?.Total;
        fx.Setting(Farm.SetResource(resource, new ResourceSetting(total, inUse)));
        fx.ViewChanged = true;
        return GlobalView(resource);
    }

    /// <summary>
    /// Sets host resource totals on a known worker, kept over what the worker itself reports. Takes effect at
    /// once, even while work runs there: a lower total only stops new work from taking what is not free.
    /// </summary>
    public WorkerView SetWorkerResources(string name, IReadOnlyDictionary<ResourceName, int> totals, CycleEffects fx)
    {
        if (!_workers.TryGetValue(name, out var worker))
        {
            throw new FarmTargetNotFoundException($"worker {name} not found");
        }

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

        fx.Setting(Farm.SetWorker(name, totals));
        worker.Totals = Farm.ForWorker(name, worker.Totals);
        if (Cluster.Ledger.TryGetHostIndex(name, out _))
        {
            foreach (var (resource, total) in totals)
            {
                Cluster.SetHostTotal(name, resource, total);
            }
        }

        fx.Touch(worker);
        return View().Workers.First(w => w.Name == name);
    }

    /// <summary>
    /// Locks a worker: it takes no new work and its running work grows no more, but that work runs to the end.
    /// With <paramref name="purge"/> its running subjobs are killed and go back to the queue (as on worker loss), and
    /// its idle warm instances that no reservation holds are stopped. Other warm instances stay until they are idle and
    /// stopped; reserved ones move to other workers, each let go only once its replacement is warm.
    /// </summary>
    public WorkerView LockWorker(string name, bool purge, CycleEffects fx)
    {
        if (!_workers.TryGetValue(name, out var worker))
        {
            throw new FarmTargetNotFoundException($"worker {name} not found");
        }

        if (!Farm.IsLocked(name))
        {
            fx.Setting(Farm.Lock(name, true));
        }

        if (Cluster.Ledger.TryGetHostIndex(name, out _))
        {
            Cluster.SetLocked(name, true);
        }

        if (purge)
        {
            foreach (var subjob in _subjobs.Values.Where(s => s.State == WorkState.Running && s.Host == name && !s.KillRequested))
            {
                if (_purging.Add(subjob.AssignmentId))
                {
                    fx.Send(worker.Session, KillMessage(subjob.AssignmentId));
                }
            }

            PurgeIdleInstances(name, $"worker {name} was locked with a purge", fx);
        }

        fx.ViewChanged = true;
        return View().Workers.First(w => w.Name == name);
    }

    public WorkerView UnlockWorker(string name, CycleEffects fx)
    {
        if (!_workers.TryGetValue(name, out _))
        {
            throw new FarmTargetNotFoundException($"worker {name} not found");
        }

        if (Farm.IsLocked(name))
        {
            fx.Setting(Farm.Lock(name, false));
        }

        if (Cluster.Ledger.TryGetHostIndex(name, out _))
        {
            Cluster.SetLocked(name, false);
        }

        fx.ViewChanged = true;
        return View().Workers.First(w => w.Name == name);
    }

    /// <summary>Locks stored before a restart apply again to the workers restored from the store.</summary>
    private void RestoreLocks()
    {
        foreach (var name in Farm.Locked)
        {
            if (Cluster.Ledger.TryGetHostIndex(name, out var host))
            {
                Cluster.Ledger.SetLocked(host, true);
            }
        }
    }

    /// <summary>A purged attempt's process is gone: back to the queue at its old position. False when it was not purged.</summary>
    private bool TryReturnPurged(Subjob subjob, CycleEffects fx)
    {
        if (!_purging.Remove(subjob.AssignmentId) || subjob.KillRequested || Cluster.Finish(subjob.WorkId) is not { } work)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        subjob.Requeue(now);
        Cluster.Submit(work.Request);
        fx.Touch(subjob);
        Refreshed(subjob.Job, fx, now);
        return true;
    }

    private ResourceUsageView GlobalView(ResourceName resource) =>
        Cluster.Ledger.GlobalUsage().Where(u => u.Resource == resource).Select(ToView).First();
}
