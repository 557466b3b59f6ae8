namespace Hearth.Core.Reservations;

/// <summary>The outcome of checking a request: a definition, or every field error found (never both).</summary>
public sealed record ReservationCheck(ReservationDefinition? Definition, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Definition is not null;

    /// <summary>The first error for <paramref name="field"/>, for showing beside that field.</summary>
    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;
}
