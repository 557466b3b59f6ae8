namespace Hearth.Supervisor.Storage;

/// <summary>An ended attempt of a subjob that ran again; <paramref name="Outcome"/> is failed, killed, lost or requeued.</summary>
public sealed record AttemptRecord(int Attempt, string Outcome, string? Host, int? ExitCode, string? Error, DateTimeOffset? StartedAt, DateTimeOffset At);
