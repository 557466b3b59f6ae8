namespace Hearth.Core.Reservations;

/// <summary>Stop an instance the reservation no longer needs (an old build's, after the new one is warm).</summary>
public sealed record RetireInstance(string ReservationId, string InstanceId, string Reason) : ReservationCommand(ReservationId);
