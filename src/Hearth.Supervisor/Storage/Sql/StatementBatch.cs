namespace Hearth.Supervisor.Storage.Sql;

/// <summary>
/// Writes that go together in one transaction. A statement added with a description must change exactly one row
/// (an update or delete that names the version it read); otherwise the batch fails with
/// <see cref="ConcurrencyConflictException"/> and the caller's transaction is rolled back.
/// </summary>
internal abstract class StatementBatch : IAsyncDisposable
{
    public abstract void Add(string sql, SqlValue[] values, string? mustChangeOne = null);

    /// <summary>Runs what has not run yet; returns how many rows each statement changed, in the order added.</summary>
    public abstract Task<IReadOnlyList<int>> RunAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    protected static ConcurrencyConflictException Conflict(string what) => new($"{what} was changed by someone else or does not exist");
}
