using System.Data.Common;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>
/// Statements run one by one as they are added, each compiled once on its connection and rebound for every row
/// after: for an in-process database, where a round trip costs nothing and compiling is the expense.
/// </summary>
internal sealed class PreparedStatements(DbConnection connection, SqlDialect dialect) : StatementBatch
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly List<int> _rows = [];
    private DbTransaction? _transaction;

    /// <summary>The transaction the next statements join; setting it starts a new batch on the same compiled statements.</summary>
    public DbTransaction? Transaction
    {
        get => _transaction;
        set
        {
            _transaction = value;
            _rows.Clear();
        }
    }

    public override void Add(string sql, SqlValue[] values, string? mustChangeOne = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(dialect.CreateParameter(i + 1));
            }

            _commands.Add(sql, command);
        }

        command.Transaction = _transaction;
        for (var i = 0; i < values.Length; i++)
        {
            SqlDialect.CheckStorable(values[i], i + 1);
            dialect.Bind(command.Parameters[i], values[i]);
        }

        var rows = command.ExecuteNonQuery();
        _rows.Add(rows);
        if (mustChangeOne is not null && rows != 1)
        {
            throw Conflict(mustChangeOne);
        }
    }

    public override Task<IReadOnlyList<int>> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<int> rows = [.. _rows];
        _rows.Clear();
        return Task.FromResult(rows);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        _commands.Clear();
    }
}
