using Hearth.Core.Reservations;
using Microsoft.AspNetCore.Http;

namespace Hearth.Supervisor.Web;

/// <summary>
/// The Add Reservation form as posted: the four fields, an optional schedule (one window per line,
/// <c>START to END keep COUNT</c>) and time zone, and the field errors to show beside each after a refusal.
/// </summary>
public sealed record ReservationForm(
    string? CallingUser,
    string? Algorithm,
    string? VersionType,
    string? Count,
    string? Schedule,
    string? TimeZone,
    IReadOnlyList<FieldError> Errors)
{
    public static readonly ReservationForm Empty = new(null, null, VersionTypes.All[0].Name(), "1", null, null, []);

    public static ReservationForm Of(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        return new ReservationForm(
            Field(ReservationFields.CallingUser), Field(ReservationFields.Algorithm), Field(ReservationFields.VersionType),
            Field(ReservationFields.Count), Field(ReservationFields.Schedule), Field(ReservationFields.TimeZone), []);
    }

    /// <summary>The message for <paramref name="field"/>, or null: what the page shows beside that field.</summary>
    public string? ErrorFor(string field) =>
        Errors.Where(e => e.Field == field).Select(e => e.Message).Aggregate((string?)null, (all, m) => all is null ? m : $"{all}; {m}");

    /// <summary>The request the rules check; a schedule line that is not <c>START to END keep COUNT</c> is an error of its own.</summary>
    public ReservationRequest ToRequest(out IReadOnlyList<FieldError> scheduleErrors)
    {
        var errors = new List<FieldError>();
        var windows = new List<ScheduleWindowInput>();
        var lines = (Schedule ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (ScheduleWindowInput.ParseText(lines[i], out var error) is { } window)
            {
                windows.Add(window);
            }
            else
            {
                errors.Add(new FieldError(ReservationFields.Schedule, lines.Count == 1 ? $"schedule {error}" : $"schedule line {i + 1} {error}"));
            }
        }

        scheduleErrors = errors;
        return new ReservationRequest(CallingUser, Algorithm, VersionType, Count, windows.Count > 0 ? windows : null,
            string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone);
    }
}
