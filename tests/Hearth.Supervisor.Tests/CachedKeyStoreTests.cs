using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Supervisor.Tests;

public sealed class CachedKeyStoreTests
{
    private static readonly ApiKeyRecord Active = new("key_1", "hash-1", KeyRoles.Account, "alice", null, DateTimeOffset.UnixEpoch, null, 1);

    [Fact]
    public async Task AKeyIsServedFromMemoryUntilItIsRevoked()
    {
        var store = new SlowKeyStore(Active);
        var keys = new CachedKeyStore(store, new FakeTimeProvider());

        Assert.Equal(Active, await keys.FindByHashAsync("hash-1", TestContext.Current.CancellationToken));
        Assert.Equal(Active, await keys.FindByHashAsync("hash-1", TestContext.Current.CancellationToken));
        Assert.Equal(1, store.Reads);

        Assert.True(await keys.RevokeAsync("key_1", 1, DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken));
        Assert.NotNull((await keys.FindByHashAsync("hash-1", TestContext.Current.CancellationToken))!.RevokedAt);
    }

    [Fact]
    public async Task AReadThatOverlapsARevocationIsNotRemembered()
    {
        var store = new SlowKeyStore(Active);
        var keys = new CachedKeyStore(store, new FakeTimeProvider());
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Hold = hold;

        var overlapping = keys.FindByHashAsync("hash-1", TestContext.Current.CancellationToken);
        await store.Reading.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(await keys.RevokeAsync("key_1", 1, DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken));
        hold.SetResult();

        Assert.Null((await overlapping)!.RevokedAt);
        Assert.NotNull((await keys.FindByHashAsync("hash-1", TestContext.Current.CancellationToken))!.RevokedAt);
    }

    /// <summary>One key; a read can be held after it has taken the row, as a slow database read would be.</summary>
    private sealed class SlowKeyStore(ApiKeyRecord key) : IKeyStore
    {
        private ApiKeyRecord _key = key;

        public TaskCompletionSource? Hold { get; set; }

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Reads { get; private set; }

        public async Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken)
        {
            Reads++;
            var row = _key.Hash == hash ? _key : null;
            Reading.TrySetResult();
            if (Hold is { } hold)
            {
                Hold = null;
                await hold.Task.ConfigureAwait(false);
            }

            return row;
        }

        public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKeyRecord>>([_key]);

        public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken)
        {
            _key = _key with { RevokedAt = at, Version = _key.Version + 1 };
            return Task.FromResult(true);
        }
    }
}
