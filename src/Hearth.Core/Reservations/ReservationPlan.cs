namespace Hearth.Core.Reservations;

/// <summary>One reconciliation: commands to apply in order, every reservation's status, and when to look again at the latest.</summary>
public sealed record ReservationPlan(IReadOnlyList<ReservationCommand> Commands, IReadOnlyList<ReservationStatus> Statuses, DateTimeOffset? NextDue)
{
    public ReservationStatus? StatusOf(string reservationId) => Statuses.FirstOrDefault(s => s.ReservationId == reservationId);
}
