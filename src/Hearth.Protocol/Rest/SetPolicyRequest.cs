namespace Hearth.Protocol.Rest;

/// <summary>Body of <c>PUT /v1/policy</c>.</summary>
public sealed record SetPolicyRequest(int? HighestUserPriority);
