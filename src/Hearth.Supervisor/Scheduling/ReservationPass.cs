using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Scheduling;

/// <summary>One reconciliation of the reservations: the instances it started, whose work the loop queues in the same cycle, and when to look again.</summary>
public sealed record ReservationPass(IReadOnlyList<AlgorithmInstance> Started, DateTimeOffset? NextDue)
{
    public static ReservationPass Nothing(DateTimeOffset? nextDue) => new([], nextDue);
}
