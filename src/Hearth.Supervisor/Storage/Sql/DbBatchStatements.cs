using System.Data.Common;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>Statements sent together as one batch when run: one round trip to a database server however many there are.</summary>
internal sealed class DbBatchStatements : StatementBatch
{
    private readonly DbBatch _batch;
    private readonly SqlDialect _dialect;
    private readonly List<(DbBatchCommand Command, string What)> _expectations = [];

    public DbBatchStatements(DbConnection connection, DbTransaction? transaction, SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _batch = connection.CreateBatch();
        _batch.Connection = connection;
        _batch.Transaction = transaction;
        _dialect = dialect;
    }

    public override void Add(string sql, SqlValue[] values, string? mustChangeOne = null)
    {
        var command = _batch.CreateBatchCommand();
        command.CommandText = sql;
        _dialect.AddParameters(command.Parameters, values);
        _batch.BatchCommands.Add(command);
        if (mustChangeOne is not null)
        {
            _expectations.Add((command, mustChangeOne));
        }
    }

    public override async Task<IReadOnlyList<int>> RunAsync(CancellationToken cancellationToken)
    {
        if (_batch.BatchCommands.Count == 0)
        {
            return [];
        }

        await _batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (command, what) in _expectations)
        {
            if (command.RecordsAffected != 1)
            {
                throw Conflict(what);
            }
        }

        return [.. _batch.BatchCommands.Select(c => c.RecordsAffected)];
    }

    public override ValueTask DisposeAsync() => _batch.DisposeAsync();
}
