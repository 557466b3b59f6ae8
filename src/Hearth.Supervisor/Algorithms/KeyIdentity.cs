namespace Hearth.Supervisor.Algorithms;

/// <summary>Who a presented key belongs to: an account's key, or an admin or worker key (no account).</summary>
internal sealed record KeyIdentity(string KeyId, string Role, string? Account);
