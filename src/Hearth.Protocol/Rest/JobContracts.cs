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

/// <summary>
/// The body of <c>POST /v1/jobs/{id}/modify</c>: only the fields given change. Priority works on pending and running
/// jobs; reservations and requirements only while the job is pending. An empty <c>requirements</c> removes them.
/// </summary>
public sealed record ModifyJobRequest(int? Priority = null, string? Reservations = null, string? Requirements = null);

/// <summary>One change made to a job after submission.</summary>
public sealed record JobChangeView(string Field, string From, string To, string By, DateTimeOffset At);

public sealed record SubmitJobResponse(long Id);

/// <summary>
/// One job with its subjobs, their allocations and growth history. <paramref name="SubmittedBy"/> is the account
/// whose key submitted it, or <c>admin</c> for an admin key.
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
    IReadOnlyList<JobChangeView>? Changes = null);

public sealed record SubjobView(
    int Id,
    string State,
    string? Host,
    IReadOnlyDictionary<string, int> Allocations,
    int? ExitCode,
    string? Error,
    int Attempt,
    long? Pid,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<AllocationChangeView> History,
    IReadOnlyList<AttemptView>? Attempts = null,
    int Requeues = 0,
    DateTimeOffset? RetryAt = null);

/// <summary>
/// An ended attempt of a subjob that ran again: where it ran and how it ended (<c>failed</c>, <c>killed</c> or
/// <c>lost</c>, when its worker was). Its output stays readable with the logs' attempt parameter.
/// </summary>
public sealed record AttemptView(int Attempt, string Outcome, string? Host, int? ExitCode, string? Error, DateTimeOffset? StartedAt, DateTimeOffset At);

/// <summary>One entry of a subjob's allocation history: its dispatch or a growth, with the totals after it.</summary>
public sealed record AllocationChangeView(int Attempt, string Kind, string Host, IReadOnlyDictionary<string, int> Allocations, DateTimeOffset At);

/// <summary>A job in a listing; <paramref name="SubmittedBy"/> as in <see cref="JobView"/>.</summary>
public sealed record JobSummaryView(
    long Id,
    string Name,
    string State,
    int Priority,
    int Cpus,
    string Reservations,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string SubmittedBy);

public sealed record JobListView(IReadOnlyList<JobSummaryView> Jobs);

/// <summary>How many jobs are in each state.</summary>
public sealed record JobCountsView(IReadOnlyDictionary<string, int> States);

/// <summary>A subjob's captured output, latest attempt.</summary>
public sealed record SubjobLogView(int Id, int Attempt, string Stdout, string Stderr);

public sealed record JobLogsView(long Id, IReadOnlyList<SubjobLogView> Subjobs);
