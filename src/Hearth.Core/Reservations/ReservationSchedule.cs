using Cronos;

namespace Hearth.Core.Reservations;

/// <summary>
/// A reservation's cron windows, e.g. keep 5 on weekdays 08:00–18:00 and the base count otherwise. Where windows
/// overlap the largest count wins. Times are read in <see cref="TimeZone"/> (an IANA name, UTC by default).
/// </summary>
public sealed record ReservationSchedule(IReadOnlyList<ScheduleWindow> Windows, string TimeZone)
{
    public const int MaxWindows = 10;

    /// <summary>What every Cronos format error starts with; the part after it is the useful one.</summary>
    private const string CronosPrefix = "The given cron expression has an invalid format. ";

    private TimeZoneInfo Zone { get; init; } = ResolveZone(TimeZone) ?? TimeZoneInfo.Utc;

    /// <summary>How many instances to keep at <paramref name="now"/>: the largest open window's count, else <paramref name="baseCount"/>.</summary>
    public int CountAt(int baseCount, DateTimeOffset now)
    {
        int? open = null;
        foreach (var window in Windows)
        {
            if (window.IsOpen(now, Zone) && (open is null || window.Count > open))
            {
                open = window.Count;
            }
        }

        return open ?? baseCount;
    }

    /// <summary>The next instant at which some window opens or closes.</summary>
    public DateTimeOffset? NextChange(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var window in Windows)
        {
            if (window.NextChange(now, Zone) is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>Checks windows and a time zone as written; every error names the window and the part at fault.</summary>
    public static ReservationSchedule? Create(IReadOnlyList<ScheduleWindowInput>? windows, string? timeZone, DateTimeOffset now, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var zoneName = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        var zone = ResolveZone(zoneName);
        if (zone is null)
        {
            errors.Add(new FieldError(ReservationFields.TimeZone,
                $"time_zone \"{zoneName}\" is not a known time zone; use an IANA name such as Europe/London, or UTC"));
        }

        if (windows is null || windows.Count == 0)
        {
            return null;
        }

        if (windows.Count > MaxWindows)
        {
            errors.Add(new FieldError(ReservationFields.Schedule, $"schedule has {windows.Count} windows; at most {MaxWindows}"));
            return null;
        }

        var parsed = new List<ScheduleWindow>(windows.Count);
        for (var i = 0; i < windows.Count; i++)
        {
            var what = windows.Count == 1 ? "schedule" : $"schedule window {i + 1}";
            var input = windows[i];
            var start = ParseCron(input.Start, $"{what} start", zone, now, errors);
            var end = ParseCron(input.End, $"{what} end", zone, now, errors);
            var count = InstanceCount.Parse(input.Count, $"{what} count", out var countError);
            if (countError is not null)
            {
                errors.Add(new FieldError(ReservationFields.Schedule, countError));
            }

            if (start is not null && end is not null && count is { } n)
            {
                parsed.Add(new ScheduleWindow(input.Start!.Trim(), input.End!.Trim(), n) { StartCron = start, EndCron = end });
            }
        }

        return parsed.Count == windows.Count && zone is not null ? new ReservationSchedule(parsed, zoneName) { Zone = zone } : null;
    }

    private static CronExpression? ParseCron(string? text, string what, TimeZoneInfo? zone, DateTimeOffset now, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new FieldError(ReservationFields.Schedule, $"{what} is required: a cron expression such as \"0 8 * * MON-FRI\""));
            return null;
        }

        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(text.Trim());
        }
        catch (CronFormatException e)
        {
            errors.Add(new FieldError(ReservationFields.Schedule,
                $"{what} \"{text.Trim()}\" is not a cron expression (MINUTE HOUR DAY MONTH WEEKDAY): {e.Message.Replace(CronosPrefix, "", StringComparison.Ordinal).TrimEnd('.')}"));
            return null;
        }

        if (cron.GetNextOccurrence(now, zone ?? TimeZoneInfo.Utc) is null)
        {
            errors.Add(new FieldError(ReservationFields.Schedule, $"{what} \"{text.Trim()}\" never occurs"));
            return null;
        }

        return cron;
    }

    /// <summary>UTC, or a zone from the system's time zone database; null when there is no such zone.</summary>
    private static TimeZoneInfo? ResolveZone(string name) =>
        name.Equals("UTC", StringComparison.OrdinalIgnoreCase) ? TimeZoneInfo.Utc
        : TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : null;

    public bool Equals(ReservationSchedule? other) =>
        other is not null && TimeZone == other.TimeZone && Windows.SequenceEqual(other.Windows);

    public override int GetHashCode() => HashCode.Combine(TimeZone, Windows.Count);
}
