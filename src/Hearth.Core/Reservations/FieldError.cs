namespace Hearth.Core.Reservations;

/// <summary>
/// One reason a reservation is refused: the field it concerns (its wire name) and a message that names the field
/// and says why, ready to show beside the field on the admin page or print from the API and the CLI.
/// </summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => Message;
}
