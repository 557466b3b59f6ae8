using Microsoft.Data.Sqlite;
using static Hearth.Supervisor.Storage.Sqlite.SqliteValues;

namespace Hearth.Supervisor.Storage.Sqlite;

internal sealed class SqliteKeyStore(SqliteBackend backend) : IKeyStore
{
    private const string Columns = "id, hash, role, account_id, description, created_at, revoked_at, version";

    public async Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE hash = $hash";
        command.Parameters.AddWithValue("$hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys ORDER BY created_at, id";
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    public async Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($id, $hash, $role, $account, $desc, $created, $revoked, 1)";
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$hash", key.Hash);
        command.Parameters.AddWithValue("$role", key.Role);
        command.Parameters.AddWithValue("$account", Db(key.AccountId));
        command.Parameters.AddWithValue("$desc", Db(key.Description));
        command.Parameters.AddWithValue("$created", Db(key.CreatedAt));
        command.Parameters.AddWithValue("$revoked", Db(key.RevokedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new ConcurrencyConflictException($"key {key.Id} already exists");
        }
    }

    public async Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE api_keys SET revoked_at = $at, version = version + 1 WHERE id = $id AND version = $v AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$at", Db(at));
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$v", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static ApiKeyRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), ReadText(r, 3), ReadText(r, 4), ReadTime(r, 5)!.Value, ReadTime(r, 6), r.GetInt64(7));
}
