namespace Hearth.Supervisor.Storage;

/// <summary>A job's retry limits and dependencies as stored; <paramref name="Waiting"/> is what it still waits for.</summary>
public sealed record JobControlsRecord(int Retries, long RetryDelayMs, IReadOnlyList<long> DependsOn, IReadOnlyList<long> Waiting);
