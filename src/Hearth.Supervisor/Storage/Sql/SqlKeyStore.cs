using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlKeyStore(SqlBackend backend) : IKeyStore
{
    public Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync($"SELECT {KeyColumns} FROM api_keys WHERE hash = $1", [hash], backend.Rows.Key, cancellationToken, forWriting: false);

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) =>
        await backend.QueryAsync($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id {backend.Dialect.Ordinal}", [], backend.Rows.Key, cancellationToken)
            .ConfigureAwait(false);

    public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return backend.InsertAsync(
            $"INSERT INTO api_keys ({KeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
            [key.Id, key.Hash, key.Role, key.AccountId, key.Description, key.CreatedAt, key.RevokedAt],
            $"key {key.Id} already exists", cancellationToken);
    }

    public async Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken) =>
        await backend.ExecuteAsync(
            "UPDATE api_keys SET revoked_at = $1, version = version + 1 WHERE id = $2 AND version = $3 AND revoked_at IS NULL",
            [at, id, expectedVersion],
            cancellationToken).ConfigureAwait(false) == 1;
}
