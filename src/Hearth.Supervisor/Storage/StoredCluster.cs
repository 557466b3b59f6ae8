namespace Hearth.Supervisor.Storage;

/// <summary>
/// What the scheduler needs at start to rebuild its state: workers and every unfinished job, with the agendas of the
/// unfinished agenda jobs, run-time settings, and the accounts' limits and memberships that quotas count by.
/// </summary>
public sealed record StoredCluster(
    IReadOnlyList<WorkerRecord> Workers,
    IReadOnlyList<JobDetails> UnfinishedJobs,
    long LastJobId,
    long LastSequence,
    IReadOnlyList<SettingRecord>? Settings = null,
    IReadOnlyList<AgendaDetails>? Agendas = null)
{
    public IReadOnlyList<AccountLimitRecord> AccountLimits { get; init; } = [];

    public IReadOnlyList<MembershipRecord> Memberships { get; init; } = [];
}
