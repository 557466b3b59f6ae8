namespace Hearth.Protocol.Rest;

/// <summary>
/// Body of <c>PATCH /v1/accounts/{name}</c>: only the fields given change. <c>max_slots</c> and <c>max_instances</c>
/// are limits (-1 for none), <c>shares</c> the account's weight under fair share.
/// </summary>
public sealed record SetAccountRequest(int? MaxSlots = null, int? MaxInstances = null, int? Shares = null);
