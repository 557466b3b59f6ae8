namespace Hearth.Protocol.Rest;

/// <summary>
/// The body of <c>POST /v1/jobs</c>. <paramref name="Retries"/> is how many times a subjob that exits non-zero runs
/// again, after <paramref name="RetryDelay"/> (e.g. <c>30s</c>, <c>2m</c>); <paramref name="WaitFor"/> names jobs
/// that must complete before this one is queued.
/// <paramref name="Range"/> makes an agenda job: its frames (Qube!'s syntax, e.g. <c>1-240</c>) cut into items of
/// <paramref name="Chunk"/> frames in <paramref name="Order"/>, a failed item retried <paramref name="RetryWork"/> times.
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
    string? Requirements = null,
    string? Range = null,
    int? Chunk = null,
    int? Padding = null,
    string? Order = null,
    int? RetryWork = null,
    string? RetryWorkDelay = null,
    long? FrameByFrame = null);
