namespace Hearth.Protocol.Rest;

/// <summary><c>POST /v1/orgs/{org}/members</c>.</summary>
public sealed record AddMemberRequest(string? User);
