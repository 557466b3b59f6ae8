using Hearth.Supervisor.Storage;

namespace Hearth.Reservations.Tests.Storage;

/// <summary>What every backend's reservation store must do; one subclass per backend runs it.</summary>
public abstract class ReservationStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string Schedule = "[{\"Start\":\"0 8 * * *\",\"End\":\"0 18 * * *\",\"Count\":5}]";

    private IStorageBackend _backend = null!;

    private IReservationStore Store => _backend.Reservations;

    protected abstract Task<IStorageBackend> CreateBackendAsync();

    protected abstract Task<IStorageBackend> ReopenBackendAsync();

    public async ValueTask InitializeAsync()
    {
        _backend = await CreateBackendAsync();
        await _backend.MigrateAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _backend.DisposeAsync();
        CleanUp();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes what the backend left behind, once it is closed.</summary>
    protected abstract void CleanUp();

    private static ReservationRecord New(string user = "alice", string type = "latest_public", string? pinned = null, int count = 2, string? schedule = null) =>
        new(0, user, "acme", "model", type, pinned, count, schedule, schedule is null ? "UTC" : "Europe/London", At, 0, 0, 0);

    [Fact]
    public async Task AnAddedReservationGetsAnIdAndSurvivesAReopen()
    {
        var first = await Store.AddAsync(New(), CancellationToken.None);
        var second = await Store.AddAsync(New(type: "semver", pinned: "1.2.3", schedule: Schedule), CancellationToken.None);
        Assert.True(first.Id > 0);
        Assert.True(second.Id > first.Id);
        Assert.Equal(New() with { Id = first.Id, Version = 1 }, first);

        await _backend.DisposeAsync();
        _backend = await ReopenBackendAsync();
        await _backend.MigrateAsync(CancellationToken.None);
        var listed = await Store.ListAsync(CancellationToken.None);
        Assert.Equal([first, second], listed);
        Assert.Equal(("1.2.3", "Europe/London", Schedule), (listed[1].PinnedVersion, listed[1].TimeZone, listed[1].Schedule));
    }

    [Fact]
    public async Task TheSameTargetForTheSameAccountCannotBeReservedTwice()
    {
        await Store.AddAsync(New(), CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.AddAsync(New(count: 5), CancellationToken.None));
        await Store.AddAsync(New(user: "bob"), CancellationToken.None);
        await Store.AddAsync(New(type: "semver", pinned: "1.0.0"), CancellationToken.None);
        await Store.AddAsync(New(type: "semver", pinned: "1.1.0"), CancellationToken.None);
        Assert.Equal(4, (await Store.ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ACountChangeNeedsTheCurrentVersion()
    {
        var added = await Store.AddAsync(New(), CancellationToken.None);
        var changed = await Store.SetCountAsync(added.Id, 7, added.Version, CancellationToken.None);
        Assert.Equal(added with { Count = 7, Version = added.Version + 1 }, changed);
        Assert.Null(await Store.SetCountAsync(added.Id, 9, added.Version, CancellationToken.None));
        Assert.Null(await Store.SetCountAsync(added.Id + 100, 9, 1, CancellationToken.None));
        Assert.Equal(7, (await Store.ListAsync(CancellationToken.None)).Single().Count);
    }

    [Fact]
    public async Task RemovingIsFinalAndSaysWhetherThereWasAnythingToRemove()
    {
        var added = await Store.AddAsync(New(), CancellationToken.None);
        Assert.True(await Store.RemoveAsync(added.Id, CancellationToken.None));
        Assert.False(await Store.RemoveAsync(added.Id, CancellationToken.None));
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        var again = await Store.AddAsync(New(), CancellationToken.None);
        Assert.NotEqual(added.Id, again.Id);
    }

    [Fact]
    public async Task CallCountersAddUpAndIgnoreRemovedReservations()
    {
        var a = await Store.AddAsync(New(), CancellationToken.None);
        var b = await Store.AddAsync(New(user: "bob"), CancellationToken.None);
        await Store.AddCallsAsync([new(a.Id, 3, 1), new(b.Id, 0, 2)], CancellationToken.None);
        await Store.AddCallsAsync([new(a.Id, 2, 0), new(b.Id + 100, 5, 5)], CancellationToken.None);
        await Store.AddCallsAsync([], CancellationToken.None);
        var listed = await Store.ListAsync(CancellationToken.None);
        Assert.Equal([(5L, 1L), (0L, 2L)], listed.Select(r => (r.WarmCalls, r.SpilledCalls)));
    }
}
