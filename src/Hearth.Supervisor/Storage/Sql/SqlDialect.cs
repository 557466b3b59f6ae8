using System.Data.Common;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>
/// What differs between the databases the stores run on. Every statement is written once, with numbered
/// parameters <c>$1</c>, <c>$2</c>, ... that SQLite and PostgreSQL both read; a dialect makes and names the
/// parameters, encodes times, JSON and typed nulls, reads times back, orders text by code point and recognises a
/// row that a constraint refused.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>What a schema script's <c>$(placeholder)</c> stands for here, a column type or a generated key; null for one this dialect does not know.</summary>
    public abstract string? SchemaTerm(string placeholder);

    /// <summary>A clause that orders text by code point, the same on every backend.</summary>
    public abstract string Ordinal { get; }

    /// <summary>Whether a write was refused because a row with the same key exists.</summary>
    public abstract bool IsDuplicate(DbException exception);

    /// <summary>Whether a write was refused by any constraint: a key, a reference, a not-null or a check.</summary>
    public abstract bool IsConstraintViolation(DbException exception);

    /// <summary>The database's own words for an error, for a message that wraps it.</summary>
    public virtual string Explain(DbException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Message;
    }

    public abstract DateTimeOffset? ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Sets <paramref name="parameter"/> to <paramref name="value"/> as this database stores it.</summary>
    public abstract void Bind(DbParameter parameter, SqlValue value);

    /// <summary>A new parameter for <c>$position</c>, unbound.</summary>
    public abstract DbParameter CreateParameter(int position);

    public void AddParameters(DbParameterCollection parameters, SqlValue[] values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(values);
        for (var i = 0; i < values.Length; i++)
        {
            CheckStorable(values[i], i + 1);
            var parameter = CreateParameter(i + 1);
            Bind(parameter, values[i]);
            parameters.Add(parameter);
        }
    }

    /// <summary>Throws <see cref="UnstorableValueException"/> for text no backend may be given (<see cref="StoredText"/>); every parameter passes here.</summary>
    public static void CheckStorable(SqlValue value, int position)
    {
        if (value.Value is string text && value.Kind is SqlValueKind.Text or SqlValueKind.Json)
        {
            StoredText.Check(text, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"${position}"), value.Kind == SqlValueKind.Json);
        }
    }

    public DbCommand Command(DbConnection connection, string sql, SqlValue[] values, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        AddParameters(command.Parameters, values);
        return command;
    }

    /// <summary>
    /// Runs <paramref name="queries"/> in one round trip where the provider sends batches, one after another where
    /// it does not, and hands each row to <paramref name="read"/> with the index of the query it answers.
    /// </summary>
    public async Task ReadSetsAsync(
        DbConnection connection,
        DbTransaction? transaction,
        IReadOnlyList<(string Sql, SqlValue[] Values)> queries,
        Action<int, DbDataReader> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(read);
        if (!connection.CanCreateBatch)
        {
            for (var set = 0; set < queries.Count; set++)
            {
                await using var command = Command(connection, queries[set].Sql, queries[set].Values, transaction);
                await using var rows = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    read(set, rows);
                }
            }

            return;
        }

        await using var batch = connection.CreateBatch();
        batch.Connection = connection;
        batch.Transaction = transaction;
        foreach (var (sql, values) in queries)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            AddParameters(command.Parameters, values);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var set = 0; set < queries.Count; set++)
        {
            if (set > 0)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                read(set, reader);
            }
        }
    }
}
