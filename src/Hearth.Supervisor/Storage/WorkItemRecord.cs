namespace Hearth.Supervisor.Storage;

/// <summary>
/// One work item of an agenda job as stored. <paramref name="Run"/> is the attempt number of the subjob that runs or
/// ran its latest attempt, under which that attempt's output is stored. Version 0 inserts, as for subjobs.
/// </summary>
public sealed record WorkItemRecord(
    long JobId,
    int Index,
    string Name,
    int First,
    int Last,
    string Frames,
    string State,
    int Attempt,
    int? Subjob,
    int? Run,
    string? Host,
    int? ExitCode,
    string? Error,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long Version,
    WorkItemTriesRecord? Tries = null);

/// <summary>An item's retries used, requeues after worker loss, the host to avoid next, when a delayed retry is due, and its ended attempts.</summary>
public sealed record WorkItemTriesRecord(int Retried, int Requeues, string? AvoidHost, DateTimeOffset? RetryAt, IReadOnlyList<ItemAttemptRecord> Attempts);

/// <summary>An ended attempt of an item: where it ran (subjob and its run, for the output), how and when it ended.</summary>
public sealed record ItemAttemptRecord(
    int Attempt, string Outcome, int? Subjob, int? Run, string? Host, int? ExitCode, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>An agenda with its items in hand-out order.</summary>
public sealed record AgendaDetails(AgendaRecord Agenda, IReadOnlyList<WorkItemRecord> Items);
