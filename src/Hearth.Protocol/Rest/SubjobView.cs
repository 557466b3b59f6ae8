namespace Hearth.Protocol.Rest;

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
