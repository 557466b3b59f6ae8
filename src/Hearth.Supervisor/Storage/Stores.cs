namespace Hearth.Supervisor.Storage;

/// <summary>
/// The scheduler's writes: it loads everything unfinished once at start, then commits each cycle's changes
/// in one transaction. Only the scheduler writes jobs and workers.
/// </summary>
public interface ISchedulerStore
{
    Task<StoredCluster> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Commits all of <paramref name="changes"/> or none; throws <see cref="ConcurrencyConflictException"/> on a stale version.</summary>
    Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken);
}

/// <summary>The read side for the API and the web page.</summary>
public interface IJobQueries
{
    Task<JobDetails?> FindJobAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobFilter filter, CancellationToken cancellationToken);

    /// <summary>How many jobs are in each state; only those submitted by one of <paramref name="submittedBy"/> unless it is null.</summary>
    Task<IReadOnlyDictionary<string, int>> CountJobsByStateAsync(IReadOnlyCollection<string>? submittedBy, CancellationToken cancellationToken);

    /// <summary>The output of one subjob attempt, in the order it was written.</summary>
    IAsyncEnumerable<LogChunkRecord> ReadLogAsync(long jobId, int index, int attempt, CancellationToken cancellationToken);
}

/// <summary>API keys, stored hashed.</summary>
public interface IKeyStore
{
    Task<ApiKeyRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Revokes a key at <paramref name="expectedVersion"/>; false when it is unknown, already revoked or has moved on.</summary>
    Task<bool> RevokeAsync(string id, long expectedVersion, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A storage backend: its schema migrations and the stores over it.</summary>
public interface IStorageBackend : IAsyncDisposable
{
    /// <summary>A short name for logs, e.g. <c>sqlite</c>.</summary>
    string Name { get; }

    /// <summary>Applies every migration not applied yet; returns the versions it applied.</summary>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the store for this supervisor alone, waiting up to <paramref name="wait"/> for another to let go;
    /// throws <see cref="StoreInUseException"/> naming the holder. Hold the claim for as long as the supervisor runs.
    /// </summary>
    Task<IStoreClaim> ClaimAsync(TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>For readiness probes: whether the store answers and its schema is current. Never throws for an unreachable store.</summary>
    Task<StoreStatus> CheckAsync(CancellationToken cancellationToken);

    ISchedulerStore Scheduler { get; }

    IJobQueries Jobs { get; }

    IKeyStore Keys { get; }

    IAccountStore Accounts { get; }

    IAlgorithmStore Algorithms { get; }

    IReservationStore Reservations { get; }
}

/// <summary>One supervisor's hold on a store. <see cref="Lost"/> fires if the hold could not be kept, after which another supervisor may take it.</summary>
public interface IStoreClaim : IAsyncDisposable
{
    CancellationToken Lost { get; }
}
