namespace Hearth.Supervisor.Storage;

/// <summary>
/// Which jobs a listing returns, newest first. <paramref name="SubmittedBy"/> keeps only jobs submitted by one of
/// those accounts (an admin key's jobs are never among them); null keeps every job.
/// </summary>
public sealed record JobFilter(string? State = null, int Limit = 100, long? BeforeId = null, IReadOnlyCollection<string>? SubmittedBy = null);
