using Hearth.Core.Placement;

namespace Hearth.Supervisor.Scheduling;

/// <summary>Reservations as the scheduling loop sees them: one reconciliation per cycle, after placement.</summary>
public interface IReservationWork
{
    /// <summary>
    /// Keeps every reservation's instances warm against the cluster as it now is. It decides from memory and never
    /// waits: the cycle's only I/O is its commit. It reads the cluster only; the instances it starts come back for
    /// the loop to queue.
    /// </summary>
    ReservationPass Reconcile(Cluster cluster, DateTimeOffset now);
}
