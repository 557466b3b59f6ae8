namespace Hearth.Supervisor.Algorithms;

/// <summary>One instance as <c>hearth instances</c> lists it.</summary>
internal sealed record InstanceView(
    string Id, string Account, string Algorithm, string Hash, string? Version, string? Worker, string State, bool Reserved,
    DateTimeOffset LastUsed, DateTimeOffset CreatedAt, long CallsServed);
