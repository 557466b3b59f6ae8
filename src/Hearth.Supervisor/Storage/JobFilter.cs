namespace Hearth.Supervisor.Storage;

/// <summary>
/// Which jobs a listing returns, newest first. <paramref name="SubmittedBy"/> keeps only jobs submitted by one of
/// those accounts (an admin key's jobs are never among them); null keeps every job. <paramref name="Account"/> keeps
/// one submitter's jobs (<c>admin</c> for the admin key's), and <paramref name="NameContains"/> those whose name holds
/// that text, ignoring case.
/// </summary>
public sealed record JobFilter(
    string? State = null,
    int Limit = 100,
    long? BeforeId = null,
    IReadOnlyCollection<string>? SubmittedBy = null,
    string? Account = null,
    string? NameContains = null);
