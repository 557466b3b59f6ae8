using Hearth.Core.Algorithms;
using Npgsql;
using static Hearth.Supervisor.Storage.Postgres.PostgresValues;

namespace Hearth.Supervisor.Storage.Postgres;

internal sealed class PostgresAlgorithmStore(PostgresBackend backend) : IAlgorithmStore
{
    /// <summary>SQLSTATE class 23: the version exists, or names a build the algorithm does not have.</summary>
    private const string IntegrityViolationClass = "23";
    private const string BuildColumns = "owner, name, hash, hash_source, manifest, archive_sha256, archive_size, pushed_at";
    private const string VersionColumns = "owner, name, version, hash, visibility, published_at";

    public async Task<AlgorithmRecord?> FindAsync(string owner, string name, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlParameter[] Key() => [Value(owner), Value(name)];
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                BatchCommand("SELECT created_at FROM algorithms WHERE owner = $1 AND name = $2", Key()),
                BatchCommand($"SELECT {BuildColumns} FROM builds WHERE owner = $1 AND name = $2 ORDER BY pushed_at, hash COLLATE \"C\"", Key()),
                BatchCommand($"SELECT {VersionColumns} FROM algorithm_versions WHERE owner = $1 AND name = $2 ORDER BY major, minor, patch", Key()),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var created = ReadTime(reader, 0)!.Value;
        var builds = new List<BuildRecord>();
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            builds.Add(ReadBuild(reader));
        }

        var versions = new List<VersionRecord>();
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(new VersionRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), ReadTime(reader, 5)!.Value));
        }

        return new AlgorithmRecord(owner, name, created, builds, versions);
    }

    public async Task<bool> AddBuildAsync(BuildRecord build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                BatchCommand("INSERT INTO algorithms (owner, name, created_at, version) VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING",
                    Value(build.Owner), Value(build.Name), Time(build.PushedAt)),
                BatchCommand($"INSERT INTO builds ({BuildColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                    Value(build.Owner), Value(build.Name), Value(build.Hash), Value(build.HashSource), Value(build.Manifest), Value(build.ArchiveSha256),
                    Value(build.ArchiveSize), Time(build.PushedAt)),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return batch.BatchCommands[1].RecordsAffected == 1;
    }

    public async Task AddVersionAsync(VersionRecord version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var parsed = SemanticVersion.Parse(version.Version);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"INSERT INTO algorithm_versions ({VersionColumns}, major, minor, patch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            Value(version.Owner), Value(version.Name), Value(version.Version), Value(version.Hash), Value(version.Visibility), Time(version.PublishedAt),
            Value(parsed.Major), Value(parsed.Minor), Value(parsed.Patch));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith(IntegrityViolationClass, StringComparison.Ordinal))
        {
            throw new ConcurrencyConflictException($"{version.Owner}/{version.Name} version {version.Version} already exists");
        }
    }

    public async Task<BuildRecord?> FindBuildAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {BuildColumns} FROM builds WHERE hash = $1 ORDER BY pushed_at LIMIT 1", Value(hash));
        var found = await ReadAllAsync(command, ReadBuild, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<(string Owner, string Name)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT owner, name FROM algorithms ORDER BY owner COLLATE \"C\", name COLLATE \"C\"");
        return await ReadAllAsync(command, r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
    }

    private static BuildRecord ReadBuild(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), ReadTime(r, 7)!.Value);
}
