namespace Hearth.Core.Reservations;

/// <summary>
/// Return an instance to the ordinary pool: it keeps serving its account and stops after the idle timeout like any
/// other. <paramref name="ReservationId"/> is the reservation that let it go (possibly one that no longer exists).
/// </summary>
public sealed record ReleaseInstance(string ReservationId, string InstanceId, string Reason) : ReservationCommand(ReservationId);
