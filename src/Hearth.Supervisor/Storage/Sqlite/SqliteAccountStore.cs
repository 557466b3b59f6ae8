using Microsoft.Data.Sqlite;
using static Hearth.Supervisor.Storage.Sqlite.SqliteValues;

namespace Hearth.Supervisor.Storage.Sqlite;

internal sealed class SqliteAccountStore(SqliteBackend backend) : IAccountStore
{
    private const int ConstraintViolation = 19;

    public async Task<AccountRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, kind, created_at, version FROM accounts WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, kind, created_at, version FROM accounts ORDER BY name";
        var accounts = new List<AccountRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accounts.Add(Read(reader));
        }

        return accounts;
    }

    public async Task AddAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO accounts (name, kind, created_at, version) VALUES ($name, $kind, $at, 1)";
        command.Parameters.AddWithValue("$name", account.Name);
        command.Parameters.AddWithValue("$kind", account.Kind);
        command.Parameters.AddWithValue("$at", Db(account.CreatedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == ConstraintViolation)
        {
            throw new ConcurrencyConflictException($"account {account.Name} already exists");
        }
    }

    public async Task<bool> AddMemberAsync(string org, string member, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO org_members (org, member, added_at) VALUES ($org, $member, $at)";
        command.Parameters.AddWithValue("$org", org);
        command.Parameters.AddWithValue("$member", member);
        command.Parameters.AddWithValue("$at", Db(at));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken) =>
        NamesAsync("SELECT member FROM org_members WHERE org = $p ORDER BY member", org, cancellationToken);

    public Task<IReadOnlyList<string>> OrganizationsOfAsync(string member, CancellationToken cancellationToken) =>
        NamesAsync("SELECT org FROM org_members WHERE member = $p ORDER BY org", member, cancellationToken);

    private async Task<IReadOnlyList<string>> NamesAsync(string sql, string parameter, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$p", parameter);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static AccountRecord Read(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), ReadTime(r, 2)!.Value, r.GetInt64(3));
}
