using Hearth.Core.Placement;
using Hearth.Protocol.Workers;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Algorithm instances as the scheduling loop sees them: work on the same ledger as subjobs, whose placement,
/// loss and clean-up the loop hands to their owner. Called on the loop only.
/// </summary>
public interface IInstanceWork
{
    /// <summary>True when <paramref name="workId"/> is an instance's work rather than a subjob's.</summary>
    bool Owns(string workId);

    /// <summary>The instance's work was dispatched to <paramref name="host"/>. False when it is no longer wanted; the loop then releases it.</summary>
    bool Placed(string workId, string host);

    /// <summary>The instance's work is gone with its worker (or could not be queued); its resources are already released.</summary>
    void Lost(string workId, string reason, bool duringLoad);

    /// <summary>
    /// A purge of <paramref name="worker"/>: its idle instances that no reservation holds are stopped (reserved ones
    /// move elsewhere make-before-break). Returns how many were asked to stop.
    /// </summary>
    int StopIdleOn(string worker, string reason);

    /// <summary>Instances still waiting for a place, whose work a rebuilt ledger queues again.</summary>
    IReadOnlyList<Hearth.Core.Algorithms.AlgorithmInstance> Unplaced();

    /// <summary>Warm-pool decisions after a placement cycle; returns when to run them again.</summary>
    DateTimeOffset? Tick(Cluster cluster, DateTimeOffset now);

    /// <summary>
    /// A worker (re)registered, reporting the instances it runs. Known ones stay (booked again on a rebuilt ledger),
    /// unknown ones are adopted onto the ledger when they fit (a restarted supervisor loses no warm instance) and
    /// stopped otherwise, and the ones it no longer runs are lost.
    /// </summary>
    void Reconcile(WorkerSession session, IReadOnlyList<InstanceReport> reports, Cluster cluster, Func<long> nextSequence);
}
