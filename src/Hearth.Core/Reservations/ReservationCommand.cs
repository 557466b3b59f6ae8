namespace Hearth.Core.Reservations;

/// <summary>What the reconciler asks the supervisor to do; each names the reservation it serves.</summary>
public abstract record ReservationCommand(string ReservationId);
