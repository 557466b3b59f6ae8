namespace Hearth.Supervisor.Storage;

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
