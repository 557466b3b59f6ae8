namespace Hearth.Protocol.Rest;

public sealed record AccountView(string Name, string Kind, DateTimeOffset CreatedAt);
