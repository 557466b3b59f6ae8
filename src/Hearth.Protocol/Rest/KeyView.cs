namespace Hearth.Protocol.Rest;

/// <summary>An account's key as listed: never the key itself, which is shown only when it is created.</summary>
public sealed record KeyView(string Id, string Account, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
