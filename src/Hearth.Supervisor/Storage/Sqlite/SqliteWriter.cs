using Hearth.Supervisor.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Hearth.Supervisor.Storage.Sqlite;

/// <summary>
/// The scheduler's commits on SQLite. They share one long-lived connection (there is one writer, one cycle at a
/// time), and their statements are compiled once on it and rebound for every row of every commit.
/// </summary>
internal sealed class SqliteWriter(SqliteBackend backend) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private SqliteConnection? _connection;
    private PreparedStatements? _statements;

    public async Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _connection ??= await backend.OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
            var statements = _statements ??= new PreparedStatements(connection, SqliteDialect.Instance);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            statements.Transaction = transaction;
            await SqlChanges.WriteAsync(statements, changes, SqliteDialect.Instance, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_statements is not null)
            {
                await _statements.DisposeAsync().ConfigureAwait(false);
                _statements = null;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _writer.Release();
        }
    }
}
