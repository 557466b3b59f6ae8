namespace Hearth.Core.Reservations;

/// <summary>A target, or the field error saying why there is none.</summary>
public sealed record TargetResolution(ReservationTarget? Target, FieldError? Error);
