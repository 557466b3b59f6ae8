using Microsoft.Data.Sqlite;
using static Hearth.Supervisor.Storage.Sqlite.SqliteValues;

namespace Hearth.Supervisor.Storage.Sqlite;

internal sealed class SqliteAlgorithmStore(SqliteBackend backend) : IAlgorithmStore
{
    private const int ConstraintViolation = 19;
    private const string BuildColumns = "owner, name, hash, hash_source, manifest, archive_sha256, archive_size, pushed_at";
    private const string VersionColumns = "owner, name, version, hash, visibility, published_at";

    public async Task<AlgorithmRecord?> FindAsync(string owner, string name, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset created;
        await using (var command = Command(connection, "SELECT created_at FROM algorithms WHERE owner = $owner AND name = $name", owner, name))
        {
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long at)
            {
                return null;
            }

            created = DateTimeOffset.FromUnixTimeMilliseconds(at);
        }

        var builds = new List<BuildRecord>();
        await using (var command = Command(connection, $"SELECT {BuildColumns} FROM builds WHERE owner = $owner AND name = $name ORDER BY pushed_at, hash", owner, name))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                builds.Add(ReadBuild(reader));
            }
        }

        var versions = new List<VersionRecord>();
        await using (var command = Command(connection, $"SELECT {VersionColumns} FROM algorithm_versions WHERE owner = $owner AND name = $name ORDER BY major, minor, patch", owner, name))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(new VersionRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), ReadTime(reader, 5)!.Value));
            }
        }

        return new AlgorithmRecord(owner, name, created, builds, versions);
    }

    public async Task<bool> AddBuildAsync(BuildRecord build, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var algorithm = Command(connection, "INSERT OR IGNORE INTO algorithms (owner, name, created_at, version) VALUES ($owner, $name, $at, 1)", build.Owner, build.Name))
        {
            algorithm.Transaction = transaction;
            algorithm.Parameters.AddWithValue("$at", Db(build.PushedAt));
            await algorithm.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int added;
        await using (var insert = Command(connection,
            $"INSERT OR IGNORE INTO builds ({BuildColumns}) VALUES ($owner, $name, $hash, $source, $manifest, $sha, $size, $at)", build.Owner, build.Name))
        {
            insert.Transaction = transaction;
            insert.Parameters.AddWithValue("$hash", build.Hash);
            insert.Parameters.AddWithValue("$source", build.HashSource);
            insert.Parameters.AddWithValue("$manifest", build.Manifest);
            insert.Parameters.AddWithValue("$sha", build.ArchiveSha256);
            insert.Parameters.AddWithValue("$size", build.ArchiveSize);
            insert.Parameters.AddWithValue("$at", Db(build.PushedAt));
            added = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added == 1;
    }

    public async Task AddVersionAsync(VersionRecord version, CancellationToken cancellationToken)
    {
        var parsed = Hearth.Core.Algorithms.SemanticVersion.Parse(version.Version);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"INSERT INTO algorithm_versions ({VersionColumns}, major, minor, patch) VALUES ($owner, $name, $version, $hash, $visibility, $at, $major, $minor, $patch)",
            version.Owner, version.Name);
        command.Parameters.AddWithValue("$version", version.Version);
        command.Parameters.AddWithValue("$hash", version.Hash);
        command.Parameters.AddWithValue("$visibility", version.Visibility);
        command.Parameters.AddWithValue("$at", Db(version.PublishedAt));
        command.Parameters.AddWithValue("$major", parsed.Major);
        command.Parameters.AddWithValue("$minor", parsed.Minor);
        command.Parameters.AddWithValue("$patch", parsed.Patch);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == ConstraintViolation)
        {
            throw new ConcurrencyConflictException($"{version.Owner}/{version.Name} version {version.Version} already exists");
        }
    }

    public async Task<BuildRecord?> FindBuildAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {BuildColumns} FROM builds WHERE hash = $hash ORDER BY pushed_at LIMIT 1";
        command.Parameters.AddWithValue("$hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadBuild(reader) : null;
    }

    public async Task<IReadOnlyList<(string Owner, string Name)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT owner, name FROM algorithms ORDER BY owner, name";
        var list = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetString(0), reader.GetString(1)));
        }

        return list;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string owner, string name)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$name", name);
        return command;
    }

    private static BuildRecord ReadBuild(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), ReadTime(r, 7)!.Value);
}
