using System.Data.Common;
using Hearth.Supervisor.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// PostgreSQL's encodings. Times are timestamptz cut to the millisecond, the precision every backend keeps, so a
/// record reads back the same whichever backend stored it; JSON goes to jsonb columns; text and time parameters
/// carry their type, so a null needs no inference. Parameters are positional, so they have no names.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    private const string UniqueViolation = "23505";

    /// <summary>SQLSTATE class 23: a unique key, foreign key, not-null or check constraint refused a row.</summary>
    private const string IntegrityViolationClass = "23";

    private PostgresDialect()
    {
    }

    /// <summary>The placeholders are PostgreSQL's own type names; an identity column never reuses a value.</summary>
    public override string? SchemaTerm(string placeholder) => placeholder switch
    {
        "bigint" or "integer" or "boolean" or "timestamptz" or "text" or "jsonb" or "bytea" => placeholder,
        "identity" or "identity_never_reused" => "GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        _ => null,
    };

    public override string Ordinal => "COLLATE \"C\"";

    public override bool IsDuplicate(DbException exception) => exception is PostgresException { SqlState: UniqueViolation };

    public override bool IsConstraintViolation(DbException exception) =>
        exception is PostgresException e && e.SqlState.StartsWith(IntegrityViolationClass, StringComparison.Ordinal);

    public override string Explain(DbException exception) => exception is PostgresException e ? e.MessageText : base.Explain(exception);

    public override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    public override void Bind(DbParameter parameter, SqlValue value)
    {
        var p = (NpgsqlParameter)parameter;
        switch (value.Kind)
        {
            case SqlValueKind.Time:
                p.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                p.Value = value.Value is DateTimeOffset at ? Millisecond(at) : DBNull.Value;
                break;
            case SqlValueKind.Json:
                p.NpgsqlDbType = NpgsqlDbType.Jsonb;
                p.Value = value.Value ?? DBNull.Value;
                break;
            case SqlValueKind.Text:
                p.NpgsqlDbType = NpgsqlDbType.Text;
                p.Value = value.Value ?? DBNull.Value;
                break;
            default:
                p.Value = value.Value ?? DBNull.Value;
                break;
        }
    }

    public override DbParameter CreateParameter(int position) => new NpgsqlParameter();

    public static DateTimeOffset Millisecond(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
}
