using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Storage.Tests;

/// <summary>The storage contract on SQLite: a fresh database file per test.</summary>
public sealed class SqliteStorageTests : StorageContractTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hearth-sqlite-");

    protected override Task<StoreLocation> CreateStoreAsync()
    {
        var path = Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db");
        var connection = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        return Task.FromResult(new StoreLocation(path, () => new SqliteBackend(connection, new FakeTimeProvider(At))));
    }

    protected override IStorageBackend CreateUnreachableBackend() =>
        new SqliteBackend(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory.FullName, "no", "such", "dir", "x.db") }.ToString(), TimeProvider.System);

    protected override async Task RecordForeignMigrationAsync(IStorageBackend backend, int version)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Location.Description }.ToString());
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, 'from_the_future', 0)";
        command.Parameters.AddWithValue("$v", version);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Location.Description }.ToString());
        await connection.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Cancel);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
