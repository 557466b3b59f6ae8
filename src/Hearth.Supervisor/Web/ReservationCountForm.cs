using System.Globalization;
using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace Hearth.Supervisor.Web;

/// <summary>
/// The Change count form of one reservation: the count as typed (kept as text so that "abc" can be shown back with
/// the reason it was refused) and the field errors to show beside it.
/// </summary>
public sealed record ReservationCountForm(long ReservationId, string? Count, IReadOnlyList<FieldError> Errors)
{
    /// <summary>The form as it opens for <paramref name="reservation"/>: its current count filled in.</summary>
    public static ReservationCountForm For(ReservationView reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return new ReservationCountForm(reservation.Id, reservation.Count.ToString(CultureInfo.InvariantCulture), []);
    }

    /// <summary>The form as posted for reservation <paramref name="id"/>; a missing field is a missing count.</summary>
    public static ReservationCountForm Of(long id, IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new ReservationCountForm(id, form.TryGetValue(ReservationFields.Count, out var value) ? value.ToString() : null, []);
    }

    /// <summary>The message to show beside the count field, or null when there is none.</summary>
    public string? Error =>
        Errors.Count == 0 ? null : string.Join("; ", Errors.Select(e => e.Message));

    /// <summary>Which reservation the dialog changes, in words, and what the count means for a scheduled one.</summary>
    public static string Describe(ReservationView reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var what = string.Create(CultureInfo.InvariantCulture,
            $"Reservation {reservation.Id}: {reservation.Algorithm} ({reservation.VersionType}) for {reservation.CallingUser}.");
        return reservation.Schedule.Count == 0
            ? what
            : $"{what} It is scheduled; this is the count it keeps outside its windows.";
    }
}
