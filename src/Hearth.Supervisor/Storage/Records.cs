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

/// <summary>One change made to a job after submission: which field, from what, to what, by whom and when.</summary>
public sealed record JobChangeRecord(string Field, string From, string To, string By, DateTimeOffset At);

/// <summary>A job's retry limits and dependencies as stored; <paramref name="Waiting"/> is what it still waits for.</summary>
public sealed record JobControlsRecord(int Retries, long RetryDelayMs, IReadOnlyList<long> DependsOn, IReadOnlyList<long> Waiting);

/// <summary>
/// A subjob's retry bookkeeping as stored: requeues after worker loss, automatic retries used, the host to avoid
/// next, when a delayed retry is due, and its ended attempts.
/// </summary>
public sealed record SubjobTriesRecord(int Requeues, int Retried, string? AvoidHost, DateTimeOffset? RetryAt, IReadOnlyList<AttemptRecord> Attempts);

/// <summary>An ended attempt of a subjob that ran again; <paramref name="Outcome"/> is failed, killed, lost or requeued.</summary>
public sealed record AttemptRecord(int Attempt, string Outcome, string? Host, int? ExitCode, string? Error, DateTimeOffset? StartedAt, DateTimeOffset At);

/// <summary>A stored subjob: its place in the queue, where it runs and what it holds.</summary>
public sealed record SubjobRecord(
    long JobId,
    int Index,
    long Sequence,
    string State,
    int Attempt,
    string? Host,
    IReadOnlyDictionary<string, int> Allocations,
    bool KillRequested,
    long? Pid,
    int? ExitCode,
    string? Error,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long Version,
    SubjobTriesRecord? Tries = null);

/// <summary>One append-only entry of a subjob's allocation history: its dispatch or a growth, with the totals after it.</summary>
public sealed record AllocationChangeRecord(
    long JobId,
    int Index,
    int Attempt,
    string Kind,
    string Host,
    IReadOnlyDictionary<string, int> Allocations,
    DateTimeOffset At);

public static class AllocationChangeKinds
{
    public const string Dispatch = "dispatch";
    public const string Grow = "grow";
}

/// <summary>A registered worker; its state as the supervisor last decided it.</summary>
public sealed record WorkerRecord(
    string Name,
    IReadOnlyDictionary<string, int> Resources,
    string State,
    DateTimeOffset? LastSeenAt,
    long Version);

/// <summary>Captured output of one subjob attempt; <paramref name="Stream"/> is 1 for stdout, 2 for stderr.</summary>
public sealed record LogChunkRecord(long JobId, int Index, int Attempt, int Stream, byte[] Data);

/// <summary>A job with its subjobs and their allocation history, as the read side returns it.</summary>
public sealed record JobDetails(JobRecord Job, IReadOnlyList<SubjobRecord> Subjobs, IReadOnlyList<AllocationChangeRecord> History);

/// <summary>What the scheduler needs at start to rebuild its state: workers and every unfinished job.</summary>
public sealed record StoredCluster(
    IReadOnlyList<WorkerRecord> Workers,
    IReadOnlyList<JobDetails> UnfinishedJobs,
    long LastJobId,
    long LastSequence,
    IReadOnlyList<SettingRecord>? Settings = null);

/// <summary>One run-time setting an admin made (a resource total, a license's outside use); a null value deletes it.</summary>
public sealed record SettingRecord(string Name, string? Value);

/// <summary>
/// The writes of one scheduling cycle, committed in one transaction. Records with <c>Version</c> 0 are
/// inserted; others are updates that expect that stored version and leave it one higher.
/// </summary>
public sealed class ChangeSet
{
    public List<JobRecord> Jobs { get; } = [];

    public List<SubjobRecord> Subjobs { get; } = [];

    public List<AllocationChangeRecord> AllocationChanges { get; } = [];

    public List<WorkerRecord> Workers { get; } = [];

    /// <summary>Workers an admin removed: deleted if still at the version given.</summary>
    public List<WorkerRecord> RemovedWorkers { get; } = [];

    public List<LogChunkRecord> Logs { get; } = [];

    /// <summary>Settings written (or, with a null value, deleted) by name; last write wins.</summary>
    public List<SettingRecord> Settings { get; } = [];

    public bool IsEmpty => Jobs.Count == 0 && Subjobs.Count == 0 && AllocationChanges.Count == 0 && Workers.Count == 0 && RemovedWorkers.Count == 0 && Logs.Count == 0
        && Settings.Count == 0;
}

/// <summary>A write lost a race: the stored row is not at the version the writer read.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);

/// <summary>
/// Which jobs a listing returns, newest first. <paramref name="SubmittedBy"/> keeps only jobs submitted by one of
/// those accounts (an admin key's jobs are never among them); null keeps every job.
/// </summary>
public sealed record JobFilter(string? State = null, int Limit = 100, long? BeforeId = null, IReadOnlyCollection<string>? SubmittedBy = null);

/// <summary>An API key as stored: only its hash, never the key.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string Hash,
    string Role,
    string? AccountId,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    long Version);

public static class KeyRoles
{
    public const string Admin = "admin";
    public const string Worker = "worker";
    public const string Account = "account";
}
