using System.Data.Common;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>
/// A backend over a SQL database. The stores are written once over ADO.NET; a backend supplies only its
/// connections, its claim, its schema runner, how a scheduling cycle commits (and retries), and its
/// <see cref="SqlDialect"/>.
/// </summary>
public abstract class SqlBackend : IStorageBackend
{
    private protected SqlBackend(SqlDialect dialect)
    {
        Dialect = dialect;
        Rows = new SqlRows(dialect);
        Scheduler = new SqlSchedulerStore(this);
        Jobs = new SqlJobQueries(this);
        Frames = new SqlFrameQueries(this);
        Keys = new SqlKeyStore(this);
        Accounts = new SqlAccountStore(this);
        Algorithms = new SqlAlgorithmStore(this);
        Reservations = new SqlReservationStore(this);
        Data = new SqlDataStore(this);
    }

    public abstract string Name { get; }

    public ISchedulerStore Scheduler { get; }

    public IJobQueries Jobs { get; }

    public IFrameQueries Frames { get; }

    public IKeyStore Keys { get; }

    public IAccountStore Accounts { get; }

    public IAlgorithmStore Algorithms { get; }

    public IReservationStore Reservations { get; }

    public IDataStore Data { get; }

    internal SqlDialect Dialect { get; }

    internal SqlRows Rows { get; }

    public abstract Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<IStoreClaim> ClaimAsync(TimeSpan wait, CancellationToken cancellationToken);

    public abstract Task<StoreStatus> CheckAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>An open connection. A read-only one (<paramref name="forWriting"/> false) may skip set-up that only writers need.</summary>
    internal abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool forWriting = true);

    /// <summary>A transaction that gives the scheduler's load one snapshot, or null where the backend needs none for it.</summary>
    internal abstract Task<DbTransaction?> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Writes one scheduling cycle's changes (never empty) in one transaction; see <see cref="SqlChanges"/>.</summary>
    internal abstract Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken);

    /// <summary>Statements to run together in <paramref name="transaction"/>: one batch where the provider sends batches.</summary>
    internal StatementBatch Batch(DbConnection connection, DbTransaction transaction) =>
        connection.CanCreateBatch
            ? new DbBatchStatements(connection, transaction, Dialect)
            : new PreparedStatements(connection, Dialect) { Transaction = transaction };

    internal async Task<List<T>> QueryAsync<T>(string sql, SqlValue[] values, Func<DbDataReader, T> read, CancellationToken cancellationToken, bool forWriting = true)
    {
        await using var connection = await OpenAsync(cancellationToken, forWriting).ConfigureAwait(false);
        await using var command = Dialect.Command(connection, sql, values);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    internal async Task<T?> QueryFirstAsync<T>(string sql, SqlValue[] values, Func<DbDataReader, T> read, CancellationToken cancellationToken, bool forWriting = true)
        where T : class
    {
        var rows = await QueryAsync(sql, values, read, cancellationToken, forWriting).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Runs one statement; returns how many rows it changed.</summary>
    internal async Task<int> ExecuteAsync(string sql, SqlValue[] values, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Dialect.Command(connection, sql, values);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts one row; when a row with its key exists, throws <see cref="ConcurrencyConflictException"/> saying <paramref name="exists"/>.</summary>
    internal async Task InsertAsync(string sql, SqlValue[] values, string exists, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(sql, values, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (Dialect.IsDuplicate(e))
        {
            throw new ConcurrencyConflictException(exists);
        }
    }
}
