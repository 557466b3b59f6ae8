using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for API keys; subclassed once per backend.</summary>
public abstract class KeyStoreContract(TestStores stores) : StorageContract(stores)
{
    private static ApiKeyRecord Key(string id, string hash, string role = KeyRoles.Account, int minutes = 0) =>
        new(id, hash, role, role == KeyRoles.Account ? "acme" : null, $"{role} key {id}", At.AddMinutes(minutes), null, 0);

    [Fact]
    public async Task AKeyIsFoundByItsHashAndAnUnknownHashFindsNothing()
    {
        await Store.Keys.AddAsync(Key("key_1", "hash-1"), Cancel);

        var found = await Open().Keys.FindByHashAsync("hash-1", Cancel);

        Assert.Equal(Key("key_1", "hash-1") with { CreatedAt = AtMs, Version = 1 }, found);
        Assert.Null(await Store.Keys.FindByHashAsync("hash-2", Cancel));
    }

    [Fact]
    public async Task KeysAreListedInCreationOrder()
    {
        await Store.Keys.AddAsync(Key("key_b", "h2", KeyRoles.Worker, minutes: 2), Cancel);
        await Store.Keys.AddAsync(Key("key_c", "h3", KeyRoles.Admin, minutes: 1), Cancel);
        await Store.Keys.AddAsync(Key("key_a", "h1", minutes: 3), Cancel);

        var keys = await Store.Keys.ListAsync(Cancel);

        Assert.Equal(["key_c", "key_b", "key_a"], keys.Select(k => k.Id));
        Assert.Equal([KeyRoles.Admin, KeyRoles.Worker, KeyRoles.Account], keys.Select(k => k.Role));
        Assert.Equal([null, null, "acme"], keys.Select(k => k.AccountId));
    }

    [Fact]
    public async Task AddingAKeyWhoseIdOrHashIsTakenIsAConflict()
    {
        await Store.Keys.AddAsync(Key("key_1", "hash-1"), Cancel);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Keys.AddAsync(Key("key_1", "hash-2"), Cancel));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Keys.AddAsync(Key("key_2", "hash-1"), Cancel));
        Assert.Single(await Store.Keys.ListAsync(Cancel));
    }

    [Fact]
    public async Task AKeyIsRevokedOnceAndOnlyAtItsCurrentVersion()
    {
        await Store.Keys.AddAsync(Key("key_1", "hash-1"), Cancel);

        Assert.False(await Store.Keys.RevokeAsync("key_1", 7, At, Cancel));
        Assert.False(await Store.Keys.RevokeAsync("key_unknown", 1, At, Cancel));
        Assert.True(await Store.Keys.RevokeAsync("key_1", 1, At.AddHours(1), Cancel));
        Assert.False(await Store.Keys.RevokeAsync("key_1", 2, At.AddHours(2), Cancel));

        var stored = await Store.Keys.FindByHashAsync("hash-1", Cancel);
        Assert.Equal((Ms(At.AddHours(1)), 2L), (stored!.RevokedAt, stored.Version));
    }

    [Fact]
    public async Task OfTwoSupervisorsRevokingOneKeyExactlyOneSucceeds()
    {
        await Store.Keys.AddAsync(Key("key_1", "hash-1"), Cancel);
        var backends = new[] { Open(), Open(), Open() };
        using var start = new Barrier(backends.Length);

        var revoked = await Task.WhenAll(backends.Select(b => Task.Run(async () =>
        {
            start.SignalAndWait(Cancel);
            return await b.Keys.RevokeAsync("key_1", 1, At, Cancel);
        })));

        Assert.Single(revoked, r => r);
    }
}
