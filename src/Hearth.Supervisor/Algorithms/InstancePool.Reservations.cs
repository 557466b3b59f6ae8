using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;

namespace Hearth.Supervisor.Algorithms;

/// <summary>What the reservation reconciler does to the pool: start reserved instances, retire them, and see them all.</summary>
internal sealed partial class InstancePool
{
    /// <summary>Every instance as the reconciler sees it.</summary>
    public IReadOnlyList<InstanceSnapshot> Snapshot()
    {
        lock (_gate)
        {
            return [.. _pool.Instances.Select(InstanceSnapshot.Of)];
        }
    }

    /// <summary>
    /// Starts an instance that <paramref name="reservationId"/> holds from the start. Called on the scheduling loop,
    /// which queues its work in the same cycle.
    /// </summary>
    public AlgorithmInstance StartReserved(string reservationId, string account, InstanceTemplate template, InstanceLaunchInfo launch)
    {
        AlgorithmInstance instance;
        lock (_gate)
        {
            _launchByHash[template.Hash] = launch;
            instance = _pool.Start(account, template, reservationId, _time.GetUtcNow());
        }

        Metrics.InstanceStarted(1);
        return instance;
    }

    /// <summary>
    /// An operator's stop of one instance, starting or idle: a stuck load or a misbehaving process goes, and a
    /// reservation that held it starts a replacement. A busy one is left to finish its call, whose timeout bounds it.
    /// </summary>
    public InstanceStopResult Stop(string instanceId) => StopInstance(instanceId, "stopped by an admin");

    /// <summary>
    /// Stops an instance a reservation no longer needs: one still waiting for placement leaves the queue at once; a
    /// placed one is asked to stop, and its worker's exit report releases what it holds. False when it is busy (its
    /// call finishes first, and the reconciler retires it once it is idle), stopping already or gone.
    /// </summary>
    public bool Retire(string instanceId, string reason) => StopInstance(instanceId, reason) == InstanceStopResult.Stopping;

    /// <summary>Stops a starting or idle instance, deciding under one hold of the lock what its state allows.</summary>
    private InstanceStopResult StopInstance(string instanceId, string reason)
    {
        string? worker = null;
        var withdrawn = false;
        IReadOnlyList<AlgorithmInstance> replacements = [];
        lock (_gate)
        {
            switch (_pool.Find(instanceId))
            {
                case null:
                    return InstanceStopResult.NotFound;
                case { State: InstanceState.Stopping }:
                    return InstanceStopResult.AlreadyStopping;
                case { State: InstanceState.Busy }:
                    return InstanceStopResult.Busy;
                case var instance:
                    _pool.Stop(instanceId, reason);
                    worker = instance.Worker;
                    break;
            }

            if (worker is null)
            {
                // Calls waiting for this build (none, usually) get an instance of their own in its place.
                replacements = _pool.Remove(instanceId, failedLoading: false, _time.GetUtcNow()).Replacements;
                withdrawn = true;
            }
        }

        if (withdrawn)
        {
            _loop.Release(instanceId);
            if (replacements.Count > 0)
            {
                Metrics.InstanceStarted(replacements.Count);
                _loop.Submit(replacements);
            }
        }
        else
        {
            _transport.Stop(worker!, instanceId, Settings.StopGrace);
        }

        return InstanceStopResult.Stopping;
    }

    /// <summary>
    /// The first of <paramref name="alternatives"/> with an idle instance for <paramref name="account"/>, when the
    /// template itself has none idle: a previous build keeps serving warm while a roll completes.
    /// </summary>
    private InstanceTemplate? WarmAlternativeLocked(string account, InstanceTemplate template, IReadOnlyList<InstanceTemplate> alternatives)
    {
        if (alternatives.Count == 0 || HasIdleLocked(new PoolKey(account, template.Hash)))
        {
            return null;
        }

        return alternatives.FirstOrDefault(a => HasIdleLocked(new PoolKey(account, a.Hash)));
    }

    private bool HasIdleLocked(PoolKey key) => _pool.InstancesOf(key).Any(i => i.State == InstanceState.Idle);
}
