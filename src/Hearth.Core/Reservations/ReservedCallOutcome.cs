namespace Hearth.Core.Reservations;

/// <summary>Whether a call that a reservation covers was served by one of its instances or spilled over to another.</summary>
public enum ReservedCallOutcome
{
    Warm,
    Spilled,
}
