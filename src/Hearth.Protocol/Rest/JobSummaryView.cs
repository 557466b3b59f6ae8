namespace Hearth.Protocol.Rest;

/// <summary>A job in a listing; <paramref name="SubmittedBy"/> as in <see cref="JobView"/>.</summary>
public sealed record JobSummaryView(
    long Id,
    string Name,
    string State,
    int Priority,
    int Cpus,
    string Reservations,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string SubmittedBy);
