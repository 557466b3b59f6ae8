namespace Hearth.Protocol.Rest;

public sealed record VersionView(string Version, string Hash, string Visibility, DateTimeOffset PublishedAt);
