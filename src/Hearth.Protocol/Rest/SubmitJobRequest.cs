namespace Hearth.Protocol.Rest;

/// <summary>
/// The body of <c>POST /v1/jobs</c>. <paramref name="Retries"/> is how many times a subjob that exits non-zero runs
/// again, after <paramref name="RetryDelay"/> (e.g. <c>30s</c>, <c>2m</c>); <paramref name="WaitFor"/> names jobs
/// that must complete before this one is queued.
/// </summary>
public sealed record SubmitJobRequest(
    IReadOnlyList<string>? Command,
    string? Name = null,
    string? Reservations = null,
    int? Priority = null,
    int? Cpus = null,
    string? WorkingDirectory = null,
    int? Retries = null,
    string? RetryDelay = null,
    IReadOnlyList<long>? WaitFor = null,
    string? Requirements = null);
