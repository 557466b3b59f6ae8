using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Postgres;
using Hearth.Testing;
using Npgsql;

namespace Hearth.Storage.Tests;

/// <summary>What only the PostgreSQL backend has to get right: its schema bookkeeping and its errors.</summary>
public sealed class PostgresBackendTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMigrationEditedAfterItWasAppliedIsRefused()
    {
        var connection = await server.CreateDatabaseAsync(Cancel);
        await using (var first = new PostgresBackend(connection, TimeProvider.System))
        {
            await first.MigrateAsync(Cancel);
        }

        await Execute(connection, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
        await using var second = new PostgresBackend(connection, TimeProvider.System);

        var refused = await Assert.ThrowsAsync<SchemaMismatchException>(() => second.MigrateAsync(Cancel));
        Assert.Contains("0001_jobs", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDatabaseIsNamedInTheError()
    {
        var port = await server.PortAsync(Cancel);
        await using var backend = new PostgresBackend($"Host=127.0.0.1;Port={port};Username=postgres;Database=no_such_db", TimeProvider.System);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => backend.MigrateAsync(Cancel));

        Assert.Contains("no_such_db", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUserWithoutRightsToCreateTablesGetsAClearError()
    {
        var connection = await server.CreateDatabaseAsync(Cancel);
        var database = new NpgsqlConnectionStringBuilder(connection).Database;
        await Execute(connection, $"DROP ROLE IF EXISTS reader_{database}; CREATE ROLE reader_{database} LOGIN; REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        var limited = new NpgsqlConnectionStringBuilder(connection) { Username = $"reader_{database}" }.ConnectionString;
        await using var backend = new PostgresBackend(limited, TimeProvider.System);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => backend.MigrateAsync(Cancel));

        Assert.Contains("cannot apply the schema", error.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSchemaCanLiveInItsOwnSchemaThroughTheSearchPath()
    {
        var connection = await server.CreateDatabaseAsync(Cancel);
        await Execute(connection, "CREATE SCHEMA hearth");
        var scoped = new NpgsqlConnectionStringBuilder(connection) { SearchPath = "hearth" }.ConnectionString;
        await using var backend = new PostgresBackend(scoped, TimeProvider.System);

        await backend.MigrateAsync(Cancel);

        await using var check = new NpgsqlConnection(connection);
        await check.OpenAsync(Cancel);
        await using var query = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hearth' AND table_name = 'jobs'", check);
        Assert.Equal(1L, await query.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task AClaimWhoseSessionIsKilledIsTakenBackWhenNobodyElseTookIt()
    {
        var connection = await server.CreateDatabaseAsync(Cancel);
        await using var backend = new PostgresBackend(connection, TimeProvider.System);
        await using var claim = await backend.ClaimAsync(TimeSpan.Zero, Cancel);

        await Execute(connection, TerminateClaimSessions);
        await Task.Delay(TimeSpan.FromSeconds(7), Cancel);

        Assert.False(claim.Lost.IsCancellationRequested);
        await using var other = new PostgresBackend(connection, TimeProvider.System);
        await Assert.ThrowsAsync<StoreInUseException>(() => other.ClaimAsync(TimeSpan.Zero, Cancel));
    }

    [Fact]
    public async Task AClaimWhoseSessionIsKilledAndTakenByAnotherSupervisorIsLost()
    {
        var connection = await server.CreateDatabaseAsync(Cancel);
        await using var backend = new PostgresBackend(connection, TimeProvider.System);
        await using var claim = await backend.ClaimAsync(TimeSpan.Zero, Cancel);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        claim.Lost.Register(() => lost.TrySetResult());

        await Execute(connection, TerminateClaimSessions);
        await using var usurper = new PostgresBackend(connection, TimeProvider.System);
        await using var taken = await usurper.ClaimAsync(TimeSpan.FromSeconds(5), Cancel);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        Assert.False(taken.Lost.IsCancellationRequested);
    }

    private const string TerminateClaimSessions =
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'hearth-supervisor pid%' AND datname = current_database()";

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
