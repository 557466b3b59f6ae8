namespace Hearth.Protocol.Rest;

/// <summary>
/// The body of <c>POST /v1/jobs/{id}/modify</c>: only the fields given change. Priority works on pending and running
/// jobs; reservations and requirements only while the job is pending. An empty <c>requirements</c> removes them.
/// </summary>
public sealed record ModifyJobRequest(int? Priority = null, string? Reservations = null, string? Requirements = null);
