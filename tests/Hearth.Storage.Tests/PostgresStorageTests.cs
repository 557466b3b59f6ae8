using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Postgres;
using Hearth.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Hearth.Storage.Tests;

/// <summary>The storage contract on a real PostgreSQL server: a fresh database per test.</summary>
public sealed class PostgresStorageTests(PostgresServer server) : StorageContractTests
{
    protected override async Task<StoreLocation> CreateStoreAsync()
    {
        var connection = await server.CreateDatabaseAsync(Cancel);
        return new StoreLocation(connection, () => new PostgresBackend(connection, new FakeTimeProvider(At)));
    }

    protected override IStorageBackend CreateUnreachableBackend()
    {
        // A port nothing listens on: bound and released, so the connection is refused at once.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new PostgresBackend($"Host=127.0.0.1;Port={port};Username=postgres;Database=nowhere;Timeout=3", TimeProvider.System);
    }

    protected override async Task RecordForeignMigrationAsync(IStorageBackend backend, int version)
    {
        await using var connection = new NpgsqlConnection(Location.Description);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, 'from_the_future', '', now())", connection);
        command.Parameters.Add(new() { Value = version });
        await command.ExecuteNonQueryAsync(Cancel);
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Location.Description);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
