using System.Data;
using System.Diagnostics;
using Hearth.Supervisor.Storage.Sql;
using Npgsql;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// The scheduler's commits on PostgreSQL. A cycle's changes go as one batch in one transaction: one round trip to
/// the server however many rows changed. A commit that failed before anything was committed is tried again on a
/// fresh connection for a few seconds, so a database restart or a network blip only delays the cycle; past that the
/// store is in trouble, and the scheduling loop waits for it with every request that needs it answered 503.
/// </summary>
internal sealed class PostgresCommits(PostgresBackend backend)
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(5);

    public async Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await CommitOnceAsync(changes, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (UncommittedException) when (clock.Elapsed < RetryFor)
            {
                // Waiting on the database server, so on the real clock.
                backend.ClearPool();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            catch (UncommittedException e)
            {
                throw new StorageUnavailableException($"{backend.Describe} stayed unreachable for {RetryFor.TotalSeconds:0} s: {e.InnerException?.Message}", e);
            }
        }
    }

    /// <summary>One attempt. Any failure before COMMIT is sent is an <see cref="UncommittedException"/>; a failure of COMMIT itself is not, because it may have been applied.</summary>
    private async Task CommitOnceAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        NpgsqlTransaction? transaction = null;
        try
        {
            try
            {
                connection = await backend.OpenNpgsqlAsync(cancellationToken).ConfigureAwait(false);
                transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                // A stale version or a refused row throws here; disposing the transaction uncommitted rolls the batch back.
                await using var batch = new DbBatchStatements(connection, transaction, PostgresDialect.Instance);
                await SqlChanges.WriteAsync(batch, changes, PostgresDialect.Instance, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StorageUnavailableException || (e is NpgsqlException n && (n.IsTransient || connection?.FullState is not ConnectionState.Open)))
            {
                throw new UncommittedException(e);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A commit attempt failed before anything was committed.</summary>
    private sealed class UncommittedException(Exception inner) : Exception(inner.Message, inner);
}
