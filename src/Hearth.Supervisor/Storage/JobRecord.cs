namespace Hearth.Supervisor.Storage;

/// <summary>
/// A stored job. <paramref name="Version"/> is the optimistic-concurrency token: every update names the
/// version it read and fails when the row has moved on. <paramref name="SubmittedBy"/> is the account whose key
/// submitted it, or null for an admin key; it never changes.
/// </summary>
public sealed record JobRecord(
    long Id,
    string Name,
    IReadOnlyList<string> Command,
    string Reservations,
    int Priority,
    int Cpus,
    string? WorkingDirectory,
    string State,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long Version,
    string? SubmittedBy = null,
    JobControlsRecord? Controls = null,
    string? Requirements = null,
    IReadOnlyList<JobChangeRecord>? Changes = null);
