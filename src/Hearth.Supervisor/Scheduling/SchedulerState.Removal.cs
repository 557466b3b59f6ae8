namespace Hearth.Supervisor.Scheduling;

internal sealed partial class SchedulerState
{
    /// <summary>
    /// Forgets a down worker: it leaves the listings and the store, and its host keeps no capacity in the ledger.
    /// A worker that is up or only unreachable (its work is still kept for it), or that still holds work, is
    /// refused. False when there is no such worker. Should it come back later, it registers as a new worker.
    /// </summary>
    public bool RemoveWorker(string name, CycleEffects fx)
    {
        if (!_workers.TryGetValue(name, out var worker))
        {
            return false;
        }

        if (worker.Status != WorkerStatus.Down)
        {
            throw new WorkerRemovalRefusedException(worker.Status == WorkerStatus.Up
                ? $"worker {name} is up; stop it first (a worker that leaves cleanly is marked down at once)"
                : $"worker {name} is unreachable and its work is kept for it until the heartbeat timeout; remove it once it is down");
        }

        var ledger = Cluster.Ledger;
        if (ledger.TryGetHostIndex(name, out var host))
        {
            var running = ledger.RunningOn(host);
            if (running > 0)
            {
                throw new WorkerRemovalRefusedException($"worker {name} still holds {running} running work item(s); wait for them to end or kill them first");
            }

            // The ledger's hosts are numbered for good; a forgotten one stays as an empty host that is down.
            Cluster.AddHost(name, new Dictionary<Core.Resources.ResourceName, int>());
            ledger.SetUp(host, false);
        }

        foreach (var forgotten in Farm.ForgetWorker(name).ToList())
        {
            fx.Setting(forgotten);
        }

        _workers.Remove(name);
        _returning.Remove(name);
        fx.Remove(worker);
        return true;
    }
}
