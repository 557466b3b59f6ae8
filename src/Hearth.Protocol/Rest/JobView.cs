namespace Hearth.Protocol.Rest;

/// <summary>
/// One job with its subjobs, their allocations and growth history. <paramref name="SubmittedBy"/> is the account
/// whose key submitted it, or <c>admin</c> for an admin key. An agenda job has its <paramref name="Range"/>, <paramref name="Chunk"/> and its items counted by state in <paramref name="Frames"/>.
/// </summary>
public sealed record JobView(
    long Id,
    string Name,
    string State,
    IReadOnlyList<string> Command,
    string Reservations,
    int Priority,
    int Cpus,
    string? WorkingDirectory,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string SubmittedBy,
    IReadOnlyList<SubjobView> Subjobs,
    string? PendingReason = null,
    int Retries = 0,
    double RetryDelaySeconds = 0,
    IReadOnlyList<long>? WaitFor = null,
    IReadOnlyList<long>? WaitingFor = null,
    string? Requirements = null,
    IReadOnlyList<JobChangeView>? Changes = null,
    string? Range = null,
    int? Chunk = null,
    IReadOnlyDictionary<string, int>? Frames = null);
