using System.Globalization;
using Cronos;

namespace Hearth.Core.Reservations;

/// <summary>
/// A window in which a reservation keeps <see cref="Count"/> instances instead of its base count: it opens at each
/// occurrence of <see cref="Start"/> and closes at the next occurrence of <see cref="End"/> (as KEDA's cron scaler does).
/// </summary>
public sealed record ScheduleWindow(string Start, string End, int Count)
{
    internal CronExpression StartCron { get; init; } = CronExpression.Parse(Start);

    internal CronExpression EndCron { get; init; } = CronExpression.Parse(End);

    /// <summary>Open when the next event after <paramref name="now"/> is a close rather than an open.</summary>
    public bool IsOpen(DateTimeOffset now, TimeZoneInfo zone)
    {
        var nextStart = StartCron.GetNextOccurrence(now, zone);
        var nextEnd = EndCron.GetNextOccurrence(now, zone);
        return nextEnd is { } end && (nextStart is not { } start || end < start);
    }

    /// <summary>When the window next opens or closes, whichever comes first.</summary>
    public DateTimeOffset? NextChange(DateTimeOffset now, TimeZoneInfo zone)
    {
        var nextStart = StartCron.GetNextOccurrence(now, zone);
        var nextEnd = EndCron.GetNextOccurrence(now, zone);
        return nextStart is { } s && nextEnd is { } e ? (s < e ? s : e) : nextStart ?? nextEnd;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start} to {End} keep {Count}");
}
