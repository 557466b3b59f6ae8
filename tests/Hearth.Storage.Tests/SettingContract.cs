using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for settings; subclassed once per backend.</summary>
public abstract class SettingContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task SettingsAreWrittenReplacedAndDeletedByNameAndLoadBack()
    {
        Assert.Empty((await Store.Scheduler.LoadAsync(Cancel)).Settings ?? []);
        await CommitAsync(c =>
        {
            c.Settings.Add(new SettingRecord("resource:license.nuke", "{\"total\":10,\"outside\":7}"));
            c.Settings.Add(new SettingRecord("worker:w1", "{\"host.gpu\":2}"));
            c.Settings.Add(new SettingRecord("resource:global.maya", "{\"total\":3,\"outside\":0}"));
        });

        // Within one commit the last write of a name wins; a null value deletes.
        await CommitAsync(c =>
        {
            c.Settings.Add(new SettingRecord("resource:license.nuke", "{\"total\":10,\"outside\":1}"));
            c.Settings.Add(new SettingRecord("resource:license.nuke", "{\"total\":12,\"outside\":2}"));
            c.Settings.Add(new SettingRecord("worker:w1", null));
            c.Settings.Add(new SettingRecord("worker:unknown", null));
        });

        var loaded = await Open().Scheduler.LoadAsync(Cancel);
        Assert.Equal(
            [new SettingRecord("resource:global.maya", "{\"total\":3,\"outside\":0}"), new SettingRecord("resource:license.nuke", "{\"total\":12,\"outside\":2}")],
            loaded.Settings);
    }
}
