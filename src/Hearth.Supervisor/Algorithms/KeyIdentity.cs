namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Who a presented key belongs to: an account's key, or an admin or worker key (no account). An instance's key also
/// names the owner of its algorithm (<paramref name="AlgorithmOwner"/>), which bounds what it reaches.
/// </summary>
internal sealed record KeyIdentity(string KeyId, string Role, string? Account, string? AlgorithmOwner = null);
