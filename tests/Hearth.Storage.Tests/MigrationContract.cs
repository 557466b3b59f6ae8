using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for schema migrations; subclassed once per backend.</summary>
public abstract class MigrationContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task AnEmptyStoreGetsEveryMigrationInVersionOrder()
    {
        var fresh = (await CreateStoreAsync()).Open();
        await using (fresh)
        {
            var applied = await fresh.MigrateAsync(Cancel);

            var expected = MigrationScripts.For(fresh.Name).Select(s => s.Version).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, applied);
        }
    }

    [Fact]
    public void TheSchemaLivesInVersionedScriptsNumberedFromOne()
    {
        var scripts = MigrationScripts.For(Store.Name);

        Assert.Equal(1, scripts[0].Version);
        Assert.Equal(scripts.Select(s => s.Version).Order(), scripts.Select(s => s.Version));
        Assert.Contains("CREATE TABLE jobs", scripts[0].Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigratingAgainAppliesNothing()
    {
        Assert.Empty(await Store.MigrateAsync(Cancel));
        Assert.Empty(await Open().MigrateAsync(Cancel));
    }

    [Fact]
    public async Task SupervisorsMigratingOneStoreAtOnceApplyEachMigrationExactlyOnce()
    {
        var location = await CreateStoreAsync();
        var backends = Enumerable.Range(0, 4).Select(_ => location.Open()).ToList();
        try
        {
            using var start = new Barrier(backends.Count);
            var runs = backends.Select(b => Task.Run(async () =>
            {
                start.SignalAndWait(Cancel);
                return await b.MigrateAsync(Cancel);
            })).ToList();
            var applied = await Task.WhenAll(runs);

            var expected = MigrationScripts.For(backends[0].Name).Select(s => s.Version).ToList();
            Assert.Equal(expected, applied.SelectMany(a => a).Order());
            Assert.Single(applied, a => a.Count > 0);
            Assert.True((await backends[0].CheckAsync(Cancel)).Ready);
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AStoreWrittenByANewerSupervisorIsRefusedWithTheUnknownVersion()
    {
        await RecordForeignMigrationAsync(9001);

        var refused = await Assert.ThrowsAsync<SchemaMismatchException>(() => Open().MigrateAsync(Cancel));

        Assert.Contains("9001", refused.Message, StringComparison.Ordinal);
        Assert.Contains("newer", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMigratedStoreReportsReadyAtTheLatestSchemaVersion()
    {
        var status = await Store.CheckAsync(Cancel);

        var latest = MigrationScripts.For(Store.Name).Max(s => s.Version);
        Assert.Equal(new StoreStatus(true, latest, latest, null), status);
        Assert.True(status.Ready);
    }

    [Fact]
    public async Task AStoreMissingMigrationsIsNotReady()
    {
        var fresh = (await CreateStoreAsync()).Open();
        await using (fresh)
        {
            var status = await fresh.CheckAsync(Cancel);

            Assert.False(status.Ready);
            Assert.NotNull(status.Problem);
        }
    }

    [Fact]
    public async Task AnUnreachableStoreIsNotReadyAndSaysWhyWithoutThrowing()
    {
        await using var unreachable = CreateUnreachableBackend();

        var status = await unreachable.CheckAsync(Cancel);

        Assert.False(status.Reachable);
        Assert.False(status.Ready);
        Assert.False(string.IsNullOrWhiteSpace(status.Problem));
    }
}
