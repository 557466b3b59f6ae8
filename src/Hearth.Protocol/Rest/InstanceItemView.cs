namespace Hearth.Protocol.Rest;

/// <summary>One algorithm instance.</summary>
public sealed record InstanceItemView(
    string Id, string Account, string Algorithm, string Hash, string? Version, string? Worker, string State, bool Reserved,
    DateTimeOffset LastUsed, DateTimeOffset CreatedAt, long CallsServed, string? Isolation = null);
