namespace Hearth.Protocol.Rest;

/// <summary>One check: <c>ok</c> or <c>failing</c>, and what it found.</summary>
public sealed record HealthCheckView(string Status, string Detail);
