namespace Hearth.Protocol.Rest;

/// <summary><c>PUT /v1/accounts/NAME/data-quota</c>: the cap on an account's data files in MiB, null for none.</summary>
public sealed record DataQuotaRequest(long? Mb);

/// <summary>An account's data quota as set.</summary>
public sealed record DataQuotaView(string Account, long? DataQuotaMb);
