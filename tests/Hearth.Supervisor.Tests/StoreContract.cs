using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// What every storage backend must do. Each backend subclasses this once and supplies a fresh, empty
/// backend per test.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected IStorageBackend Backend { get; private set; } = null!;

    protected abstract Task<IStorageBackend> CreateBackendAsync();

    public async ValueTask InitializeAsync()
    {
        Backend = await CreateBackendAsync();
        await Backend.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static JobRecord Job(long id, string state = "pending", long version = 0) =>
        new(id, $"job{id}", ["echo", "hi"], "host.processors=1", 9999, 1, "/tmp", state, At, null, null, version);

    private static SubjobRecord Subjob(long job, string state = "pending", long version = 0, string? host = null) =>
        new(job, 0, job, state, host is null ? 0 : 1, host, host is null ? new Dictionary<string, int>() : new Dictionary<string, int> { ["host.processors"] = 2 },
            false, null, null, null, null, null, version);

    private Task CommitAsync(Action<ChangeSet> fill)
    {
        var changes = new ChangeSet();
        fill(changes);
        return Backend.Scheduler.CommitAsync(changes, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task MigratingAgainAppliesNothing()
    {
        Assert.Empty(await Backend.MigrateAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CommittedJobsAreLoadedBackWithTheirSubjobsAndHistory()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Subjobs.Add(Subjob(1));
            c.Jobs.Add(Job(2, "complete"));
            c.Workers.Add(new WorkerRecord("w1", new Dictionary<string, int> { ["host.processors"] = 4 }, "up", At, 0));
        });
        await CommitAsync(c =>
        {
            c.Subjobs.Add(Subjob(1, "running", version: 1, host: "w1"));
            c.Jobs.Add(Job(1, "running", version: 1));
            c.AllocationChanges.Add(new AllocationChangeRecord(1, 0, 1, "dispatch", "w1", new Dictionary<string, int> { ["host.processors"] = 2 }, At));
        });

        var loaded = await Backend.Scheduler.LoadAsync(TestContext.Current.CancellationToken);

        var job = Assert.Single(loaded.UnfinishedJobs);
        Assert.Equal(("running", 2L), (job.Job.State, job.Job.Version));
        Assert.Equal(["echo", "hi"], job.Job.Command);
        var subjob = Assert.Single(job.Subjobs);
        Assert.Equal(("running", "w1", 2, 2L), (subjob.State, subjob.Host, subjob.Allocations["host.processors"], subjob.Version));
        Assert.Equal("dispatch", Assert.Single(job.History).Kind);
        Assert.Equal(4, Assert.Single(loaded.Workers).Resources["host.processors"]);
        Assert.Equal((2L, 1L), (loaded.LastJobId, loaded.LastSequence));
    }

    [Fact]
    public async Task StaleVersionIsRefusedAndNothingOfItsBatchIsWritten()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Subjobs.Add(Subjob(1));
        });

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c =>
        {
            c.Jobs.Add(Job(3));
            c.Jobs.Add(Job(1, "running", version: 7));
        }));

        var stored = await Backend.Jobs.FindJobAsync(1, TestContext.Current.CancellationToken);
        Assert.Equal(("pending", 1L), (stored!.Job.State, stored.Job.Version));
        Assert.Null(await Backend.Jobs.FindJobAsync(3, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task InsertingAnExistingJobIsAConflict()
    {
        await CommitAsync(c => c.Jobs.Add(Job(1)));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(c => c.Jobs.Add(Job(1))));
    }

    [Fact]
    public async Task JobsAreListedNewestFirstAndCountedByState()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1, "complete"));
            c.Jobs.Add(Job(2, "pending"));
            c.Jobs.Add(Job(3, "complete"));
        });

        var complete = await Backend.Jobs.ListJobsAsync(new JobFilter("complete"), TestContext.Current.CancellationToken);
        var counts = await Backend.Jobs.CountJobsByStateAsync(TestContext.Current.CancellationToken);

        Assert.Equal([3L, 1L], complete.Select(j => j.Id));
        Assert.Equal((2, 1), (counts["complete"], counts["pending"]));
    }

    [Fact]
    public async Task LogChunksComeBackInWriteOrderPerAttempt()
    {
        await CommitAsync(c =>
        {
            c.Jobs.Add(Job(1));
            c.Logs.Add(new LogChunkRecord(1, 0, 1, 1, "a"u8.ToArray()));
            c.Logs.Add(new LogChunkRecord(1, 0, 2, 1, "other attempt"u8.ToArray()));
        });
        await CommitAsync(c =>
        {
            c.Logs.Add(new LogChunkRecord(1, 0, 1, 2, "b"u8.ToArray()));
            c.Logs.Add(new LogChunkRecord(1, 0, 1, 1, "c"u8.ToArray()));
        });

        var chunks = new List<string>();
        await foreach (var chunk in Backend.Jobs.ReadLogAsync(1, 0, 1, TestContext.Current.CancellationToken))
        {
            chunks.Add($"{chunk.Stream}:{System.Text.Encoding.UTF8.GetString(chunk.Data)}");
        }

        Assert.Equal(["1:a", "2:b", "1:c"], chunks);
    }

    [Fact]
    public async Task KeysAreFoundByHashAndRevokedOnceAtTheirVersion()
    {
        var key = new ApiKeyRecord("key_1", "abc123", KeyRoles.Account, "acme", null, At, null, 0);
        await Backend.Keys.AddAsync(key, TestContext.Current.CancellationToken);

        var found = await Backend.Keys.FindByHashAsync("abc123", TestContext.Current.CancellationToken);
        Assert.Equal(("key_1", "account", "acme", 1L), (found!.Id, found.Role, found.AccountId, found.Version));
        Assert.False(await Backend.Keys.RevokeAsync("key_1", 5, At, TestContext.Current.CancellationToken));
        Assert.True(await Backend.Keys.RevokeAsync("key_1", 1, At, TestContext.Current.CancellationToken));
        Assert.False(await Backend.Keys.RevokeAsync("key_1", 2, At, TestContext.Current.CancellationToken));
        Assert.Equal(At, (await Backend.Keys.FindByHashAsync("abc123", TestContext.Current.CancellationToken))!.RevokedAt);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Backend.Keys.AddAsync(key, TestContext.Current.CancellationToken));
    }
}
