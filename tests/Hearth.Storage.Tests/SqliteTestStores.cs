using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Storage.Tests;

/// <summary>SQLite for the storage contracts: a fresh database file per store, in a directory removed afterwards.</summary>
public sealed class SqliteTestStores : TestStores
{
    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("hearth-sqlite-");

    public override Task<StoreLocation> CreateStoreAsync(CancellationToken cancel)
    {
        var path = Path.Combine(Directory.FullName, $"{Guid.NewGuid():N}.db");
        var connection = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        return Task.FromResult(new StoreLocation(path, () => new SqliteBackend(connection, new FakeTimeProvider(StorageContract.At))));
    }

    public override IStorageBackend CreateUnreachableBackend() =>
        new SqliteBackend(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Directory.FullName, "no", "such", "dir", "x.db") }.ToString(), TimeProvider.System);

    public override async Task RecordForeignMigrationAsync(StoreLocation location, int version, CancellationToken cancel)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location.Description }.ToString());
        await connection.OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, 'from_the_future', 0)";
        command.Parameters.AddWithValue("$v", version);
        await command.ExecuteNonQueryAsync(cancel);
    }

    public override async Task ExecuteAsync(StoreLocation location, string sql, CancellationToken cancel)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = location.Description }.ToString());
        await connection.OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancel);
    }

    protected override void Dispose(bool disposing)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(recursive: true);
        base.Dispose(disposing);
    }
}
