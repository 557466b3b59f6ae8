namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlDataStore(SqlBackend backend) : IDataStore
{
    private const string Columns = "path, parent, name, kind, owner, acl, size, object_key, created_at, modified_at";

    public Task<DataEntryRecord?> FindAsync(string path, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync($"SELECT {Columns} FROM data_entries WHERE path = $1", [path], Read, cancellationToken, forWriting: false);

    public async Task<IReadOnlyList<DataEntryRecord>> ListAsync(string parent, string? after, int max, CancellationToken cancellationToken) =>
        await backend.QueryAsync(
            $"SELECT {Columns} FROM data_entries WHERE parent = $1 AND name > $2 {backend.Dialect.Ordinal} ORDER BY name {backend.Dialect.Ordinal} LIMIT $3",
            [parent, after ?? "", max], Read, cancellationToken, forWriting: false).ConfigureAwait(false);

    public async Task<bool> AddDirectoryAsync(DataEntryRecord directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return await backend.ExecuteAsync(
            $"INSERT INTO data_entries ({Columns}) VALUES ($1, $2, $3, 'dir', $4, $5, 0, NULL, $6, $6) ON CONFLICT (path) DO NOTHING",
            [directory.Path, directory.Parent, directory.Name, directory.Owner, directory.Acl, directory.CreatedAt], cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<string?> PutFileAsync(DataEntryRecord file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var previous = await FindAsync(file.Path, cancellationToken).ConfigureAwait(false);
        if (previous is { IsDirectory: true })
        {
            throw new ConcurrencyConflictException($"{file.Path} is a directory");
        }

        var changed = await backend.ExecuteAsync(
            $"INSERT INTO data_entries ({Columns}) VALUES ($1, $2, $3, 'file', $4, NULL, $5, $6, $7, $7) " +
            "ON CONFLICT (path) DO UPDATE SET owner = excluded.owner, size = excluded.size, object_key = excluded.object_key, modified_at = excluded.modified_at " +
            "WHERE data_entries.kind = 'file'",
            [file.Path, file.Parent, file.Name, file.Owner, file.Size, file.ObjectKey, file.ModifiedAt], cancellationToken).ConfigureAwait(false);
        return changed == 1
            ? previous?.ObjectKey
            : throw new ConcurrencyConflictException($"{file.Path} is a directory");
    }

    public async Task<IReadOnlyList<DataEntryRecord>> DeleteTreeAsync(string path, CancellationToken cancellationToken)
    {
        var ordinal = backend.Dialect.Ordinal;
        // Everything under PATH/ sorts between "PATH/" and "PATH0", '0' being the character after '/'.
        var under = $"path = $1 OR (path > $2 {ordinal} AND path < $3 {ordinal})";
        SqlValue[] values = [path, path + "/", path + "0"];
        var entries = await backend.QueryAsync($"SELECT {Columns} FROM data_entries WHERE {under}", values, Read, cancellationToken).ConfigureAwait(false);
        await backend.ExecuteAsync($"DELETE FROM data_entries WHERE {under}", values, cancellationToken).ConfigureAwait(false);
        return entries;
    }

    public async Task<bool> HasChildrenAsync(string path, CancellationToken cancellationToken) =>
        (await ListAsync(path, null, 1, cancellationToken).ConfigureAwait(false)).Count > 0;

    public async Task<bool> SetAclAsync(string path, string acl, DateTimeOffset at, CancellationToken cancellationToken) =>
        await backend.ExecuteAsync("UPDATE data_entries SET acl = $1, modified_at = $2 WHERE path = $3 AND kind = 'dir'", [acl, at, path], cancellationToken)
            .ConfigureAwait(false) == 1;

    public async Task<long> UsedBytesAsync(string owner, CancellationToken cancellationToken) =>
        (await backend.QueryAsync("SELECT COALESCE(SUM(size), 0) FROM data_entries WHERE owner = $1 AND kind = 'file'", [owner], r => r.GetInt64(0), cancellationToken)
            .ConfigureAwait(false))[0];

    public async Task<IReadOnlyDictionary<string, DataUsage>> UsageAsync(CancellationToken cancellationToken)
    {
        var used = await backend.QueryAsync("SELECT owner, SUM(size) FROM data_entries WHERE kind = 'file' GROUP BY owner", [],
            r => (Owner: r.GetString(0), Bytes: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var quotas = await backend.QueryAsync("SELECT account, quota_mb FROM data_quotas", [], r => (Account: r.GetString(0), Mb: r.GetInt64(1)), cancellationToken)
            .ConfigureAwait(false);
        var usage = used.ToDictionary(u => u.Owner, u => new DataUsage(u.Bytes, null), StringComparer.Ordinal);
        foreach (var (account, mb) in quotas)
        {
            usage[account] = new DataUsage(usage.GetValueOrDefault(account)?.UsedBytes ?? 0, mb);
        }

        return usage;
    }

    public async Task<long?> QuotaAsync(string account, CancellationToken cancellationToken)
    {
        var rows = await backend.QueryAsync("SELECT quota_mb FROM data_quotas WHERE account = $1", [account], r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task SetQuotaAsync(string account, long? quotaMb, CancellationToken cancellationToken)
    {
        if (quotaMb is null)
        {
            await backend.ExecuteAsync("DELETE FROM data_quotas WHERE account = $1", [account], cancellationToken).ConfigureAwait(false);
            return;
        }

        await backend.ExecuteAsync(
            "INSERT INTO data_quotas (account, quota_mb) VALUES ($1, $2) ON CONFLICT (account) DO UPDATE SET quota_mb = excluded.quota_mb",
            [account, quotaMb], cancellationToken).ConfigureAwait(false);
    }

    private DataEntryRecord Read(System.Data.Common.DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetInt64(6),
        r.IsDBNull(7) ? null : r.GetString(7), backend.Rows.Time(r, 8)!.Value, backend.Rows.Time(r, 9)!.Value);
}
