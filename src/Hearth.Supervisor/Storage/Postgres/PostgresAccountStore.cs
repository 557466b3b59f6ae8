using Npgsql;
using static Hearth.Supervisor.Storage.Postgres.PostgresValues;

namespace Hearth.Supervisor.Storage.Postgres;

internal sealed class PostgresAccountStore(PostgresBackend backend) : IAccountStore
{
    private const string UniqueViolation = "23505";

    public async Task<AccountRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT name, kind, created_at, version FROM accounts WHERE name = $1", Value(name));
        var found = await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT name, kind, created_at, version FROM accounts ORDER BY name COLLATE \"C\"");
        return await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task AddAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "INSERT INTO accounts (name, kind, created_at, version) VALUES ($1, $2, $3, 1)", Value(account.Name), Value(account.Kind), Time(account.CreatedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            throw new ConcurrencyConflictException($"account {account.Name} already exists");
        }
    }

    public async Task<bool> AddMemberAsync(string org, string member, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "INSERT INTO org_members (org, member, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", Value(org), Value(member), Time(at));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken) =>
        NamesAsync("SELECT member FROM org_members WHERE org = $1 ORDER BY member COLLATE \"C\"", org, cancellationToken);

    public Task<IReadOnlyList<string>> OrganizationsOfAsync(string member, CancellationToken cancellationToken) =>
        NamesAsync("SELECT org FROM org_members WHERE member = $1 ORDER BY org COLLATE \"C\"", member, cancellationToken);

    private async Task<IReadOnlyList<string>> NamesAsync(string sql, string parameter, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, Value(parameter));
        return await ReadAllAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    private static AccountRecord Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), ReadTime(r, 2)!.Value, r.GetInt64(3));
}
