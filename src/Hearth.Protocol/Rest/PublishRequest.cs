namespace Hearth.Protocol.Rest;

/// <summary><c>POST /v1/algorithms/{owner}/{name}/versions</c>: <paramref name="Visibility"/> is <c>public</c> or <c>private</c>.</summary>
public sealed record PublishRequest(string? Hash, string? Version, string? Visibility);
