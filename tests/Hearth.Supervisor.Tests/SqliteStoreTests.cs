using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Sqlite;

namespace Hearth.Supervisor.Tests;

public sealed class SqliteStoreTests : StoreContract, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hearth-store-");

    protected override Task<IStorageBackend> CreateBackendAsync() =>
        Task.FromResult<IStorageBackend>(SqliteBackend.InDirectory(_directory.FullName, TimeProvider.System));

    [Fact]
    public void TheSchemaLivesInVersionedScriptsInOrder()
    {
        var scripts = MigrationScripts.For("sqlite");

        Assert.Equal(1, scripts[0].Version);
        Assert.Equal(scripts.Select(s => s.Version).Order(), scripts.Select(s => s.Version));
        Assert.Contains("CREATE TABLE jobs", scripts[0].Sql, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
