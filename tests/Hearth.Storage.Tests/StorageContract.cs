using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>
/// The set-up every storage contract shares: a fresh, migrated store per test from the backend under test.
/// Each contract area is written once and subclassed once per backend, so the backends cannot drift apart.
/// </summary>
public abstract class StorageContract(TestStores stores) : IAsyncLifetime
{
    /// <summary>A time with sub-millisecond digits: stores keep milliseconds, so reads come back cut to them.</summary>
    internal static readonly DateTimeOffset At = new DateTimeOffset(2026, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1_234_567);

    protected static readonly DateTimeOffset AtMs = DateTimeOffset.FromUnixTimeMilliseconds(At.ToUnixTimeMilliseconds());

    private readonly List<IStorageBackend> _opened = [];

    /// <summary>The store under test, migrated.</summary>
    protected IStorageBackend Store { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A new, empty store (not migrated), and a way to open it again.</summary>
    protected Task<StoreLocation> CreateStoreAsync() => stores.CreateStoreAsync(Cancel);

    /// <summary>A backend over a store that cannot be reached at all.</summary>
    protected IStorageBackend CreateUnreachableBackend() => stores.CreateUnreachableBackend();

    /// <summary>Records a migration this code does not carry, as a newer version would have.</summary>
    protected Task RecordForeignMigrationAsync(int version) => stores.RecordForeignMigrationAsync(Location, version, Cancel);

    /// <summary>Runs SQL on the test's store directly, behind the backend's back.</summary>
    protected Task ExecuteAsync(string sql) => stores.ExecuteAsync(Location, sql, Cancel);

    protected StoreLocation Location { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Location = await CreateStoreAsync();
        Store = Open();
        await Store.MigrateAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _opened)
        {
            await backend.DisposeAsync();
        }

        stores.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Another backend over the same store, as a second supervisor process would have.</summary>
    protected IStorageBackend Open()
    {
        var backend = Location.Open();
        _opened.Add(backend);
        return backend;
    }

    protected Task CommitAsync(Action<ChangeSet> fill) => CommitAsync(Store, fill);

    protected static Task CommitAsync(IStorageBackend backend, Action<ChangeSet> fill)
    {
        var changes = new ChangeSet();
        fill(changes);
        return backend.Scheduler.CommitAsync(changes, Cancel);
    }

    protected async Task<List<LogChunkRecord>> ReadLogAsync(long job, int index, int attempt)
    {
        var chunks = new List<LogChunkRecord>();
        await foreach (var chunk in Store.Jobs.ReadLogAsync(job, index, attempt, Cancel))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    protected static Dictionary<string, int> Amounts(params (string Resource, int Amount)[] amounts) =>
        amounts.ToDictionary(a => a.Resource, a => a.Amount, StringComparer.Ordinal);

    protected static JobRecord Job(long id, string state = "pending", long version = 0, string? submittedBy = null) =>
        new(id, $"job {id}", ["sh", "-c", "echo 'quoted \"text\"' && exit 0"], "host.processors=2-4,global.maya=1", 50, 2, "/srv/render",
            state, At, state == "pending" ? null : At.AddSeconds(1), state is "complete" or "failed" or "killed" ? At.AddSeconds(2) : null, version,
            submittedBy);

    protected static SubjobRecord Subjob(long job, int index, string state = "pending", long version = 0, string? host = null) => new(
        job, index, (job * 100) + index, state, host is null ? 0 : 1, host,
        host is null ? Amounts() : Amounts(("host.processors", 3), ("global.maya", 1), ("host.memory", 2048)),
        false, host is null ? null : 4242, null, null, host is null ? null : At, null, version);

    protected static WorkerRecord Worker(string name, string state = "up", long version = 0) =>
        new(name, Amounts(("host.processors", 8), ("host.memory", 16000), ("host.gpu", 2)), state, At, version);

    /// <summary>Records compare their collections by reference; this compares them by content, and times to the millisecond.</summary>
    protected static void AssertStored(JobRecord expected, JobRecord actual)
    {
        Assert.Equal(expected.Command, actual.Command);
        Assert.Equal(expected.Changes ?? [], actual.Changes ?? []);
        Assert.Equal(Cut(expected) with { Command = actual.Command, Changes = actual.Changes }, actual);
    }

    protected static void AssertStored(SubjobRecord expected, SubjobRecord actual)
    {
        Assert.Equal(expected.Allocations.OrderBy(kv => kv.Key), actual.Allocations.OrderBy(kv => kv.Key));
        Assert.Equal(Cut(expected) with { Allocations = actual.Allocations }, actual);
    }

    protected static void AssertStored(WorkerRecord expected, WorkerRecord actual)
    {
        Assert.Equal(expected.Resources.OrderBy(kv => kv.Key), actual.Resources.OrderBy(kv => kv.Key));
        Assert.Equal(expected with { Resources = actual.Resources, LastSeenAt = Ms(expected.LastSeenAt) }, actual);
    }

    protected static DateTimeOffset? Ms(DateTimeOffset? at) => at is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds()) : null;

    private static JobRecord Cut(JobRecord job) =>
        job with { SubmittedAt = Ms(job.SubmittedAt)!.Value, StartedAt = Ms(job.StartedAt), FinishedAt = Ms(job.FinishedAt) };

    private static SubjobRecord Cut(SubjobRecord subjob) => subjob with { StartedAt = Ms(subjob.StartedAt), FinishedAt = Ms(subjob.FinishedAt) };
}
