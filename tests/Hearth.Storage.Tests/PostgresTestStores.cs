using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Postgres;
using Hearth.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Hearth.Storage.Tests;

/// <summary>A real PostgreSQL server for the storage contracts: a fresh database per store on the shared server.</summary>
public sealed class PostgresTestStores(PostgresServer server) : TestStores
{
    public override async Task<StoreLocation> CreateStoreAsync(CancellationToken cancel)
    {
        var connection = await server.CreateDatabaseAsync(cancel);
        return new StoreLocation(connection, () => new PostgresBackend(connection, new FakeTimeProvider(StorageContract.At)));
    }

    public override IStorageBackend CreateUnreachableBackend()
    {
        // A port nothing listens on: bound and released, so the connection is refused at once.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new PostgresBackend($"Host=127.0.0.1;Port={port};Username=postgres;Database=nowhere;Timeout=3", TimeProvider.System);
    }

    public override async Task RecordForeignMigrationAsync(StoreLocation location, int version, CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(location.Description);
        await connection.OpenAsync(cancel);
        await using var command = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, 'from_the_future', '', now())", connection);
        command.Parameters.Add(new() { Value = version });
        await command.ExecuteNonQueryAsync(cancel);
    }

    public override async Task ExecuteAsync(StoreLocation location, string sql, CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(location.Description);
        await connection.OpenAsync(cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
