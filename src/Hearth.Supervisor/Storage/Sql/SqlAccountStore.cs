using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlAccountStore(SqlBackend backend) : IAccountStore
{
    public Task<AccountRecord?> FindAsync(string name, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync($"SELECT {AccountColumns} FROM accounts WHERE name = $1", [name], backend.Rows.Account, cancellationToken);

    public async Task<IReadOnlyList<AccountRecord>> ListAsync(CancellationToken cancellationToken) =>
        await backend.QueryAsync($"SELECT {AccountColumns} FROM accounts ORDER BY name {backend.Dialect.Ordinal}", [], backend.Rows.Account, cancellationToken)
            .ConfigureAwait(false);

    public Task AddAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return backend.InsertAsync(
            $"INSERT INTO accounts ({AccountColumns}) VALUES ($1, $2, $3, 1)", [account.Name, account.Kind, account.CreatedAt],
            $"account {account.Name} already exists", cancellationToken);
    }

    public async Task<bool> AddMemberAsync(string org, string member, DateTimeOffset at, CancellationToken cancellationToken) =>
        await backend.ExecuteAsync(
            "INSERT INTO org_members (org, member, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [org, member, at], cancellationToken).ConfigureAwait(false) == 1;

    public Task<IReadOnlyList<string>> MembersOfAsync(string org, CancellationToken cancellationToken) =>
        NamesAsync($"SELECT member FROM org_members WHERE org = $1 ORDER BY member {backend.Dialect.Ordinal}", org, cancellationToken);

    public Task<IReadOnlyList<string>> OrganizationsOfAsync(string member, CancellationToken cancellationToken) =>
        NamesAsync($"SELECT org FROM org_members WHERE member = $1 ORDER BY org {backend.Dialect.Ordinal}", member, cancellationToken);

    private async Task<IReadOnlyList<string>> NamesAsync(string sql, string parameter, CancellationToken cancellationToken) =>
        await backend.QueryAsync(sql, [parameter], r => r.GetString(0), cancellationToken).ConfigureAwait(false);
}
