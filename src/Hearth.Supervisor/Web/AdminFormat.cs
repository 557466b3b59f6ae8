using System.Globalization;

namespace Hearth.Supervisor.Web;

/// <summary>How the admin pages write times, durations and amounts.</summary>
public static class AdminFormat
{
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    /// <summary>How long something ran: to its end, or to now while it runs; blank before it started.</summary>
    public static string Span(DateTimeOffset? started, DateTimeOffset? finished) =>
        started is { } s ? Duration((finished ?? DateTimeOffset.UtcNow) - s) : "";

    public static string Duration(TimeSpan? span) => span switch
    {
        null => "",
        { TotalSeconds: < 1 } d => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, d.TotalMilliseconds):0} ms"),
        { TotalMinutes: < 1 } d => string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0} s"),
        { TotalHours: < 1 } d => string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes}m {d.Seconds:00}s"),
        { } d => string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h {d.Minutes:00}m"),
    };

    public static string Amounts(IReadOnlyDictionary<string, int>? amounts) =>
        amounts is null || amounts.Count == 0 ? "" : string.Join(", ", amounts.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key}={a.Value}")));

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MiB"),
    };
}
