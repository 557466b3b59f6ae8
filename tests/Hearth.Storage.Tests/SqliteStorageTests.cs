using System.Runtime.Versioning;
using Hearth.Supervisor.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hearth.Storage.Tests;

/// <summary>What only the SQLite backend promises: its files and directories are the owner's alone.</summary>
public sealed class SqliteStorageTests : StorageContract
{
    private readonly SqliteTestStores _stores;

    public SqliteStorageTests()
        : this(new SqliteTestStores())
    {
    }

    private SqliteStorageTests(SqliteTestStores stores)
        : base(stores) => _stores = stores;

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
        var path = Path.Combine(_stores.Directory.FullName, "shared.db");
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
        var directory = Path.Combine(_stores.Directory.FullName, "data", "nested");

        await using var backend = SqliteBackend.InDirectory(directory, TimeProvider.System);
        await backend.MigrateAsync(Cancel);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(directory)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, SqliteBackend.FileName)));
    }
}
