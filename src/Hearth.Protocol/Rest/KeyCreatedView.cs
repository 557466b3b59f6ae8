namespace Hearth.Protocol.Rest;

/// <summary>A new API key: the only time the key itself is shown.</summary>
public sealed record KeyCreatedView(string Key, string Id, string Account);
