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
