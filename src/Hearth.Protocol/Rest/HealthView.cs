namespace Hearth.Protocol.Rest;

/// <summary>A probe's answer (<c>/healthz</c>, <c>/readyz</c>): <c>ok</c> or <c>unavailable</c>, and each check's status and detail.</summary>
public sealed record HealthView(string Status, IReadOnlyDictionary<string, HealthCheckView> Checks);
