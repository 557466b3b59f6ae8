using System.Data.Common;
using Hearth.Core.Algorithms;
using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlAlgorithmStore(SqlBackend backend) : IAlgorithmStore
{
    public async Task<AlgorithmRecord?> FindAsync(string owner, string name, CancellationToken cancellationToken)
    {
        var rows = backend.Rows;
        DateTimeOffset? created = null;
        var builds = new List<BuildRecord>();
        var versions = new List<VersionRecord>();
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await backend.Dialect.ReadSetsAsync(
            connection,
            null,
            [
                ("SELECT created_at FROM algorithms WHERE owner = $1 AND name = $2", [owner, name]),
                ($"SELECT {BuildColumns} FROM builds WHERE owner = $1 AND name = $2 ORDER BY pushed_at, hash {backend.Dialect.Ordinal}", [owner, name]),
                ($"SELECT {VersionColumns} FROM algorithm_versions WHERE owner = $1 AND name = $2 ORDER BY major, minor, patch", [owner, name]),
            ],
            (set, r) =>
            {
                switch (set)
                {
                    case 0: created = rows.Time(r, 0); break;
                    case 1: builds.Add(rows.Build(r)); break;
                    default: versions.Add(rows.Version(r)); break;
                }
            },
            cancellationToken).ConfigureAwait(false);
        return created is { } at ? new AlgorithmRecord(owner, name, at, builds, versions) : null;
    }

    public async Task<bool> AddBuildAsync(BuildRecord build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<int> changed;
        await using (var batch = backend.Batch(connection, transaction))
        {
            batch.Add(
                "INSERT INTO algorithms (owner, name, created_at, version) VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING", [build.Owner, build.Name, build.PushedAt]);
            batch.Add(
                $"INSERT INTO builds ({BuildColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                [build.Owner, build.Name, build.Hash, build.HashSource, build.Manifest, build.ArchiveSha256, build.ArchiveSize, build.PushedAt]);
            changed = await batch.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed[1] == 1;
    }

    public async Task AddVersionAsync(VersionRecord version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var parsed = SemanticVersion.Parse(version.Version);
        try
        {
            await backend.ExecuteAsync(
                $"INSERT INTO algorithm_versions ({VersionColumns}, major, minor, patch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [version.Owner, version.Name, version.Version, version.Hash, version.Visibility, version.PublishedAt, parsed.Major, parsed.Minor, parsed.Patch],
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (backend.Dialect.IsConstraintViolation(e))
        {
            throw new ConcurrencyConflictException($"{version.Owner}/{version.Name} version {version.Version} already exists");
        }
    }

    public Task<BuildRecord?> FindBuildAsync(string hash, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync($"SELECT {BuildColumns} FROM builds WHERE hash = $1 ORDER BY pushed_at LIMIT 1", [hash], backend.Rows.Build, cancellationToken);

    public async Task<IReadOnlyList<(string Owner, string Name)>> ListAsync(CancellationToken cancellationToken) =>
        await backend.QueryAsync(
            $"SELECT owner, name FROM algorithms ORDER BY owner {backend.Dialect.Ordinal}, name {backend.Dialect.Ordinal}", [], r => (r.GetString(0), r.GetString(1)),
            cancellationToken).ConfigureAwait(false);
}
