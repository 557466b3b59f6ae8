namespace Hearth.Supervisor.Scheduling;

/// <summary>A subjob running on a worker, as the loop holds it: for the worker's admin page.</summary>
public sealed record RunningSubjob(long JobId, string JobName, int Index, int Attempt, IReadOnlyDictionary<string, int> Allocations, DateTimeOffset? StartedAt);
