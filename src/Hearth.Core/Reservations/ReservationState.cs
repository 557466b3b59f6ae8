namespace Hearth.Core.Reservations;

/// <summary>A reservation's state: all instances warm, still getting there, or unable to.</summary>
public enum ReservationState
{
    Ready,
    Pending,
    Failing,
}
