namespace Hearth.Protocol.Rest;

/// <summary>One entry of a subjob's allocation history: its dispatch or a growth, with the totals after it.</summary>
public sealed record AllocationChangeView(int Attempt, string Kind, string Host, IReadOnlyDictionary<string, int> Allocations, DateTimeOffset At);
