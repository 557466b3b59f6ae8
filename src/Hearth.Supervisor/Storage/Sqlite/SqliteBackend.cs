using System.Data.Common;
using System.Globalization;
using Hearth.Supervisor.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Hearth.Supervisor.Storage.Sqlite;

/// <summary>
/// The SQLite backend: one database file in WAL mode. The scheduler is its only writer of jobs, so commits
/// are one transaction per scheduling cycle rather than one per change.
/// </summary>
public sealed class SqliteBackend : SqlBackend
{
    public const string FileName = "hearth.db";

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SqliteWriter _writer;

    public SqliteBackend(string connectionString, TimeProvider time)
        : base(SqliteDialect.Instance)
    {
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true }.ToString();
        _time = time;
        _writer = new SqliteWriter(this);
    }

    /// <summary>The backend over <c>DIR/hearth.db</c>, creating the directory (owner-only) if needed.</summary>
    public static SqliteBackend InDirectory(string directory, TimeProvider time)
    {
        PrivateFiles.CreateDirectory(directory);
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, FileName) };
        return new SqliteBackend(builder.ToString(), time);
    }

    public override string Name => "sqlite";

    public override async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        KeepPrivate();
        await using var connection = await OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL
            );
            """, cancellationToken).ConfigureAwait(false);

        var scripts = MigrationScripts.For(Name);
        SchemaCheck.RefuseUnknown(await AppliedAsync(connection, null, cancellationToken).ConfigureAwait(false), scripts, $"SQLite database {connection.DataSource}");
        var done = new List<int>();
        foreach (var script in scripts)
        {
            // BEGIN IMMEDIATE takes the write lock first, so a second supervisor starting on the same file waits
            // here and then sees the migration already applied.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if ((await AppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false)).Contains(script.Version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken).ConfigureAwait(false);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", script.Version);
                record.Parameters.AddWithValue("$n", script.Name);
                record.Parameters.AddWithValue("$t", _time.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            done.Add(script.Version);
        }

        return done;
    }

    /// <summary>The database file is created owner-only before SQLite creates it, so its journal files are too.</summary>
    private void KeepPrivate()
    {
        var builder = new SqliteConnectionStringBuilder(_connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        PrivateFiles.Ensure(builder.DataSource);
        PrivateFiles.Narrow(builder.DataSource + "-wal");
        PrivateFiles.Narrow(builder.DataSource + "-shm");
    }

    public override Task<IStoreClaim> ClaimAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        SqliteClaim.TakeAsync(Path.GetFullPath(new SqliteConnectionStringBuilder(_connectionString).DataSource), wait, cancellationToken);

    public override async Task<StoreStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var expected = MigrationScripts.For(Name).Max(s => s.Version);
        try
        {
            await using var connection = await OpenSqliteAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
            var migrated = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
            var version = migrated ? (await AppliedAsync(connection, null, cancellationToken).ConfigureAwait(false)).DefaultIfEmpty(0).Max() : 0;
            return new StoreStatus(true, version, expected, version == expected ? null : $"schema is at version {version}, this supervisor needs {expected}");
        }
        catch (SqliteException e)
        {
            return new StoreStatus(false, 0, expected, $"SQLite database is unusable: {e.Message}");
        }
    }

    private static async Task<HashSet<int>> AppliedAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new HashSet<int>();
        await using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT version FROM schema_migrations";
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0));
        }

        return applied;
    }

    internal override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool forWriting = true) =>
        await OpenSqliteAsync(cancellationToken, forWriting).ConfigureAwait(false);

    /// <summary>A pooled connection. Readers skip the writer pragmas, which cost a statement on every open.</summary>
    internal async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken, bool forWriting = true)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (forWriting)
        {
            // NORMAL is durable across process crashes in WAL mode; only a power loss can drop the last commits.
            await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>None: the load runs before the scheduler, the only writer of what it reads, has started.</summary>
    internal override Task<DbTransaction?> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) => Task.FromResult<DbTransaction?>(null);

    internal override Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken) => _writer.CommitAsync(changes, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }
}
