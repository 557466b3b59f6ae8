namespace Hearth.Protocol.Rest;

/// <summary>Body of <c>PUT /v1/workers/{name}/resources</c>: host resource totals to set, e.g. <c>host.gpu=2</c>.</summary>
public sealed record SetWorkerResourcesRequest(string? Resources);
