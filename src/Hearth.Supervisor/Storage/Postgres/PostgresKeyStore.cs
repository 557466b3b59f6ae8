using Npgsql;
using static Hearth.Supervisor.Storage.Postgres.PostgresValues;

namespace Hearth.Supervisor.Storage.Postgres;

internal sealed class PostgresKeyStore(PostgresBackend backend) : IKeyStore
{
    private const string Columns = "id, hash, role, account_id, description, created_at, revoked_at, version";
    private const string UniqueViolation = "23505";

    public async Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM api_keys WHERE hash = $1", Value(hash));
        var found = await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM api_keys ORDER BY created_at, id COLLATE \"C\"");
        return await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"INSERT INTO api_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
            Value(key.Id), Value(key.Hash), Value(key.Role), Value(Db(key.AccountId)), Value(Db(key.Description)), Time(key.CreatedAt), Time(key.RevokedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            throw new ConcurrencyConflictException($"key {key.Id} already exists");
        }
    }

    public async Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "UPDATE api_keys SET revoked_at = $1, version = version + 1 WHERE id = $2 AND version = $3 AND revoked_at IS NULL",
            Time(at), Value(id), Value(expectedVersion));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static ApiKeyRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), ReadText(r, 3), ReadText(r, 4), ReadTime(r, 5)!.Value, ReadTime(r, 6), r.GetInt64(7));
}
