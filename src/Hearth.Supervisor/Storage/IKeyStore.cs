namespace Hearth.Supervisor.Storage;

/// <summary>API keys, stored hashed.</summary>
public interface IKeyStore
{
    Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Revokes a key at <paramref name="expectedVersion"/>; false when it is unknown, already revoked or has moved on.</summary>
    Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken);
}
