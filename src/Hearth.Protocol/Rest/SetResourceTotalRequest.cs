namespace Hearth.Protocol.Rest;

/// <summary>Body of <c>PUT /v1/resources/{resource}</c>: the new total of a global, license or global_host resource.</summary>
public sealed record SetResourceTotalRequest(int? Total);
