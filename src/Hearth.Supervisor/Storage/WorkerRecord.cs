namespace Hearth.Supervisor.Storage;

/// <summary>A registered worker; its state as the supervisor last decided it.</summary>
public sealed record WorkerRecord(
    string Name,
    IReadOnlyDictionary<string, int> Resources,
    string State,
    DateTimeOffset? LastSeenAt,
    long Version);
