namespace Hearth.Core.Reservations;

/// <summary>
/// A reservation as submitted, every field still text as the API, the CLI or the admin page's form received it.
/// <see cref="ReservationRules.Check"/> turns it into a <see cref="ReservationDefinition"/> or field errors.
/// </summary>
public sealed record ReservationRequest(
    string? CallingUser,
    string? Algorithm,
    string? VersionType,
    string? Count,
    IReadOnlyList<ScheduleWindowInput>? Schedule = null,
    string? TimeZone = null);
