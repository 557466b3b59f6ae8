namespace Hearth.Supervisor.Storage;

/// <summary>
/// A subjob's retry bookkeeping as stored: requeues after worker loss, automatic retries used, the host to avoid
/// next, when a delayed retry is due, and its ended attempts.
/// </summary>
public sealed record SubjobTriesRecord(int Requeues, int Retried, string? AvoidHost, DateTimeOffset? RetryAt, IReadOnlyList<AttemptRecord> Attempts);
