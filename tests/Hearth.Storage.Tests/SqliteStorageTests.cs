using System.Runtime.Versioning;
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

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task TheDatabaseAndItsJournalFilesAreCreatedOwnerOnly()
    {
        // An open connection in WAL mode keeps both journal files in place.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Location.Description, Pooling = false }.ToString());
        await connection.OpenAsync(Cancel);
        await using (var write = connection.CreateCommand())
        {
            write.CommandText = "CREATE TABLE probe (x INTEGER)";
            await write.ExecuteNonQueryAsync(Cancel);
        }

        foreach (var file in new[] { Location.Description, Location.Description + "-wal", Location.Description + "-shm" })
        {
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file} is {File.GetUnixFileMode(file)}");
        }
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task ADatabaseOthersCouldReadIsMadeOwnerOnlyWhenOpened()
    {
        var path = Path.Combine(_directory.FullName, "shared.db");
        await using (var backend = new SqliteBackend(new SqliteConnectionStringBuilder { DataSource = path }.ToString(), TimeProvider.System))
        {
            await backend.MigrateAsync(Cancel);
        }

        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var reopened = new SqliteBackend(new SqliteConnectionStringBuilder { DataSource = path }.ToString(), TimeProvider.System);
        await reopened.MigrateAsync(Cancel);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task TheDataDirectoryAndItsMissingParentsAreCreatedOwnerOnly()
    {
        var directory = Path.Combine(_directory.FullName, "data", "nested");

        await using var backend = SqliteBackend.InDirectory(directory, TimeProvider.System);
        await backend.MigrateAsync(Cancel);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(directory)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, SqliteBackend.FileName)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
