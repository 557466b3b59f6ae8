using System.Globalization;
using System.Text.Json;
using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Reservations;

/// <summary>Conversions between stored reservations and the core's definitions.</summary>
internal static class ReservationRecords
{
    private sealed record StoredWindow(string Start, string End, int Count);

    public static string IdText(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reservation IDs are positive integers; anything else names no reservation.</summary>
    public static bool TryParseId(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    public static ReservationRecord ToRecord(ReservationDefinition definition) => new(
        0,
        definition.CallingUser,
        definition.Algorithm.Owner,
        definition.Algorithm.Name,
        definition.VersionType.Name(),
        definition.Version,
        definition.Count,
        definition.Schedule is { } schedule
            ? JsonSerializer.Serialize(schedule.Windows.Select(w => new StoredWindow(w.Start, w.End, w.Count)))
            : null,
        definition.Schedule?.TimeZone ?? "UTC",
        definition.CreatedAt,
        0,
        0,
        0);

    /// <summary>The definition a stored record describes; it was valid when stored, so anything else is a corrupt row.</summary>
    public static ReservationDefinition ToDefinition(ReservationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!VersionTypes.TryParse(record.VersionType, out var type))
        {
            throw new InvalidDataException($"reservation {record.Id} has an unknown version type \"{record.VersionType}\"");
        }

        ReservationSchedule? schedule = null;
        if (record.Schedule is { } json)
        {
            var windows = JsonSerializer.Deserialize<List<StoredWindow>>(json)
                ?? throw new InvalidDataException($"reservation {record.Id} has an empty schedule");
            var errors = new List<FieldError>();
            schedule = ReservationSchedule.Create(
                [.. windows.Select(w => new ScheduleWindowInput(w.Start, w.End, w.Count.ToString(CultureInfo.InvariantCulture)))],
                record.TimeZone, record.CreatedAt, errors);
            if (errors.Count > 0)
            {
                throw new InvalidDataException($"reservation {record.Id} has an invalid schedule: {string.Join("; ", errors)}");
            }
        }

        return new ReservationDefinition(
            IdText(record.Id), record.CallingUser, new AlgorithmName(record.Owner, record.Name), type, record.PinnedVersion, record.Count, schedule, record.CreatedAt);
    }
}
