namespace Hearth.Supervisor.Storage;

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

    IFrameQueries Frames { get; }

    IKeyStore Keys { get; }

    IAccountStore Accounts { get; }

    IAlgorithmStore Algorithms { get; }

    IReservationStore Reservations { get; }

    IDataStore Data { get; }
}
