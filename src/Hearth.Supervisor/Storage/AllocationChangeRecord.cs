namespace Hearth.Supervisor.Storage;

/// <summary>One append-only entry of a subjob's allocation history: its dispatch or a growth, with the totals after it.</summary>
public sealed record AllocationChangeRecord(
    long JobId,
    int Index,
    int Attempt,
    string Kind,
    string Host,
    IReadOnlyDictionary<string, int> Allocations,
    DateTimeOffset At);
