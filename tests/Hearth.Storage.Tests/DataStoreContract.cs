using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for the data API's tree; subclassed once per backend.</summary>
public abstract class DataStoreContract(TestStores stores) : StorageContract(stores)
{
    private static DataEntryRecord Dir(string path, string? acl = null) =>
        new(path, path[..Math.Max(0, path.LastIndexOf('/'))], path[(path.LastIndexOf('/') + 1)..], DataEntryRecord.Directory, "acme", acl, 0, null, AtMs, AtMs);

    private static DataEntryRecord File(string path, long size, string key, string owner = "acme") =>
        new(path, path[..path.LastIndexOf('/')], path[(path.LastIndexOf('/') + 1)..], DataEntryRecord.File, owner, null, size, key, AtMs, AtMs);

    [Fact]
    public async Task ADirectoryIsAddedOnceAndReadBackWithItsAcl()
    {
        Assert.True(await Store.Data.AddDirectoryAsync(Dir("acme/models", "user://*"), Cancel));
        Assert.False(await Store.Data.AddDirectoryAsync(Dir("acme/models", ""), Cancel));

        Assert.Equal(Dir("acme/models", "user://*"), await Open().Data.FindAsync("acme/models", Cancel));
        Assert.Null(await Store.Data.FindAsync("acme/other", Cancel));
    }

    [Fact]
    public async Task AListingHoldsOnlyTheDirectChildrenByCodePointAndStartsAfterItsMarker()
    {
        await Store.Data.AddDirectoryAsync(Dir("acme/c"), Cancel);
        foreach (var name in (string[])["b", "a", "Z", "é", "sub"])
        {
            await Store.Data.PutFileAsync(File("acme/c/" + name, 1, "k" + name.Length), Cancel);
        }

        await Store.Data.PutFileAsync(File("acme/c/sub2/deep", 1, "kd"), Cancel);

        var first = await Store.Data.ListAsync("acme/c", null, 3, Cancel);
        var rest = await Store.Data.ListAsync("acme/c", first[^1].Name, 10, Cancel);

        Assert.Equal(["Z", "a", "b"], first.Select(e => e.Name));
        Assert.Equal(["sub", "é"], rest.Select(e => e.Name));
    }

    [Fact]
    public async Task PuttingAFileReplacesTheFileThereAndHandsBackItsObjectButNeverReplacesADirectory()
    {
        Assert.Null(await Store.Data.PutFileAsync(File("acme/c/f", 5, "first"), Cancel));
        Assert.Equal("first", await Store.Data.PutFileAsync(File("acme/c/f", 7, "second"), Cancel));
        await Store.Data.AddDirectoryAsync(Dir("acme/c/d"), Cancel);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Data.PutFileAsync(File("acme/c/d", 1, "third"), Cancel));
        Assert.Equal((7L, "second"), ((await Store.Data.FindAsync("acme/c/f", Cancel))!.Size, (await Store.Data.FindAsync("acme/c/f", Cancel))!.ObjectKey));
        Assert.True((await Store.Data.FindAsync("acme/c/d", Cancel))!.IsDirectory);
    }

    [Fact]
    public async Task DeletingATreeTakesEverythingUnderItAndNothingBeside()
    {
        await Store.Data.AddDirectoryAsync(Dir("acme/c"), Cancel);
        await Store.Data.AddDirectoryAsync(Dir("acme/c/a"), Cancel);
        await Store.Data.PutFileAsync(File("acme/c/a/1", 1, "k1"), Cancel);
        await Store.Data.PutFileAsync(File("acme/c/a/x/2", 1, "k2"), Cancel);
        await Store.Data.PutFileAsync(File("acme/c/ab", 1, "k3"), Cancel);
        await Store.Data.PutFileAsync(File("acme/c/a0", 1, "k4"), Cancel);

        var removed = await Store.Data.DeleteTreeAsync("acme/c/a", Cancel);

        Assert.Equal(["acme/c/a", "acme/c/a/1", "acme/c/a/x/2"], removed.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["a0", "ab"], (await Store.Data.ListAsync("acme/c", null, 10, Cancel)).Select(e => e.Name));
        Assert.False(await Store.Data.HasChildrenAsync("acme/c/a", Cancel));
        Assert.True(await Store.Data.HasChildrenAsync("acme/c", Cancel));
    }

    [Fact]
    public async Task AnAccountsUseIsTheSumOfItsFilesAndItsQuotaIsSetChangedAndRemoved()
    {
        await Store.Data.PutFileAsync(File("acme/c/1", 100, "k1"), Cancel);
        await Store.Data.PutFileAsync(File("acme/c/2", 23, "k2"), Cancel);
        await Store.Data.PutFileAsync(File("other/c/3", 1000, "k3", owner: "other"), Cancel);

        Assert.Equal(123, await Store.Data.UsedBytesAsync("acme", Cancel));
        Assert.Equal(0, await Store.Data.UsedBytesAsync("nobody", Cancel));
        Assert.Null(await Store.Data.QuotaAsync("acme", Cancel));
        await Store.Data.SetQuotaAsync("acme", 5, Cancel);
        await Store.Data.SetQuotaAsync("acme", 7, Cancel);
        Assert.Equal(7, await Open().Data.QuotaAsync("acme", Cancel));
        await Store.Data.SetQuotaAsync("acme", null, Cancel);
        Assert.Null(await Store.Data.QuotaAsync("acme", Cancel));
    }

    [Fact]
    public async Task OnlyADirectorysAclIsSet()
    {
        await Store.Data.AddDirectoryAsync(Dir("acme/c", "algo://.my/*"), Cancel);
        await Store.Data.PutFileAsync(File("acme/c/f", 1, "k"), Cancel);

        Assert.True(await Store.Data.SetAclAsync("acme/c", "", At, Cancel));
        Assert.False(await Store.Data.SetAclAsync("acme/c/f", "user://*", At, Cancel));
        Assert.False(await Store.Data.SetAclAsync("acme/none", "user://*", At, Cancel));
        Assert.Equal("", (await Store.Data.FindAsync("acme/c", Cancel))!.Acl);
    }
}
