using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Hearth.Supervisor.Storage.Sql;
using Npgsql;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend, for a supervisor whose store must outlive its machine. Connections come from one
/// pooled data source; the scheduler's commits are one batched transaction per cycle, one round trip each.
/// </summary>
public sealed class PostgresBackend : SqlBackend
{
    /// <summary>
    /// The advisory lock that serialises migrations: a second supervisor starting at the same moment waits
    /// for the first to finish, then finds nothing left to apply.
    /// </summary>
    internal const long MigrationLock = 0x4845_4152_5448_0001;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly PostgresCommits _commits;

    public PostgresBackend(string connectionString, TimeProvider time)
        : base(PostgresDialect.Instance)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the PostgreSQL connection string is not valid: {e.Message}", e);
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "hearth-supervisor";
        }

        Describe = $"PostgreSQL database \"{builder.Database ?? builder.Username}\" on {builder.Host ?? "localhost"}:{builder.Port}";
        _dataSource = NpgsqlDataSource.Create(builder);
        _connectionString = builder.ConnectionString;
        _time = time;
        _commits = new PostgresCommits(this);
    }

    public override string Name => "postgres";

    /// <summary>Where the data lives, for messages; never includes the password.</summary>
    public string Describe { get; }

    public override async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        var scripts = MigrationScripts.For(Name);
        await using var connection = await OpenNpgsqlAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL
                )
                """, cancellationToken).ConfigureAwait(false);
            var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            SchemaCheck.RefuseUnknown(applied.Keys, scripts, Describe);
            foreach (var script in scripts.Where(s => applied.ContainsKey(s.Version)))
            {
                if (applied[script.Version] != Checksum(script))
                {
                    throw new SchemaMismatchException(
                        $"{Describe}: migration {script.Version:D4}_{script.Name} was applied from a different script than this supervisor carries; the schema cannot be trusted");
                }
            }

            var done = new List<int>();
            foreach (var script in scripts.Where(s => !applied.ContainsKey(s.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, script.Sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)", connection))
                {
                    record.Parameters.Add(new() { Value = script.Version });
                    record.Parameters.Add(new() { Value = script.Name });
                    record.Parameters.Add(new() { Value = Checksum(script) });
                    record.Parameters.Add(new() { Value = PostgresDialect.Millisecond(_time.GetUtcNow()) });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(script.Version);
            }

            return done;
        }
        catch (PostgresException e)
        {
            throw new StorageUnavailableException($"{Describe}: cannot apply the schema: {e.MessageText} ({e.SqlState})", e);
        }
        finally
        {
            // Unlocked explicitly: a pooled connection keeps session locks until it is reset. A broken
            // connection has lost the lock with its session already.
            if (connection.FullState == ConnectionState.Open)
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long the claim may go unconfirmed, its session lost, before it counts as lost (<see cref="PostgresClaim.HoldFor"/>).</summary>
    public TimeSpan ClaimHold { get; init; } = PostgresClaim.HoldFor(Scheduling.SchedulerSettings.DefaultHeartbeatTimeout);

    public override Task<IStoreClaim> ClaimAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        PostgresClaim.TakeAsync(_connectionString, Describe, wait, ClaimHold, cancellationToken);

    public override async Task<StoreStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var expected = MigrationScripts.For(Name).Max(s => s.Version);
        try
        {
            await using var connection = await OpenNpgsqlAsync(cancellationToken).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection);
            var version = 0;
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection);
                version = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return new StoreStatus(true, version, expected, version == expected ? null : $"schema is at version {version}, this supervisor needs {expected}");
        }
        catch (Exception e) when (e is StorageUnavailableException or NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new StoreStatus(false, 0, expected, e is StorageUnavailableException ? e.Message : $"{Describe} is unreachable: {e.Message}");
        }
    }

    internal override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool forWriting = true) =>
        await OpenNpgsqlAsync(cancellationToken).ConfigureAwait(false);

    internal async Task<NpgsqlConnection> OpenNpgsqlAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw new StorageUnavailableException($"{Describe}: {e.MessageText} ({e.SqlState})", e);
        }
        catch (NpgsqlException e)
        {
            throw new StorageUnavailableException($"cannot reach the {Describe}: {e.Message}", e);
        }
    }

    internal override async Task<DbTransaction?> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
    }

    internal override Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken) => _commits.CommitAsync(changes, cancellationToken);

    /// <summary>Drops idle pooled connections, e.g. after the server ended every session.</summary>
    internal void ClearPool() => _dataSource.Clear();

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<int, string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var query = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    /// <summary>SHA-256 of the script with line endings normalised, so a checkout's line-ending setting does not matter.</summary>
    private static string Checksum(MigrationScript script) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script.Sql.ReplaceLineEndings("\n"))));

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync().ConfigureAwait(false);
}
