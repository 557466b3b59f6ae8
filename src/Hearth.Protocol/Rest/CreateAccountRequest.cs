namespace Hearth.Protocol.Rest;

/// <summary><c>POST /v1/accounts</c>: <paramref name="Kind"/> is <c>user</c> (the default) or <c>org</c>.</summary>
public sealed record CreateAccountRequest(string? Name, string? Kind);
