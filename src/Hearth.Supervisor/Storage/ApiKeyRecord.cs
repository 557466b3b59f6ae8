namespace Hearth.Supervisor.Storage;

/// <summary>An API key as stored: only its hash, never the key.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string Hash,
    string Role,
    string? AccountId,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    long Version);
