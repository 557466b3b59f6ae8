namespace Hearth.Core.Reservations;

/// <summary>Mark an existing on-demand instance as the reservation's: it stays warm from now on.</summary>
public sealed record ReserveInstance(string ReservationId, string InstanceId) : ReservationCommand(ReservationId);
