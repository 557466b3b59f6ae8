using System.Data.Common;
using Hearth.Supervisor.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Hearth.Supervisor.Storage.Sqlite;

/// <summary>
/// SQLite's encodings: times are Unix milliseconds, JSON is text, and booleans are 0 or 1 (Microsoft.Data.Sqlite
/// writes and reads them so). Parameters are named <c>$1</c>, <c>$2</c>, ..., which SQLite reads as names.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private const int ConstraintViolation = 19;
    private static readonly string[] Names = [.. Enumerable.Range(0, 33).Select(i => $"${i}")];

    private SqliteDialect()
    {
    }

    /// <summary>
    /// SQLite's declared types, which set each column's affinity. A key declared exactly <c>INTEGER PRIMARY KEY</c> is
    /// the row ID; <c>AUTOINCREMENT</c> also keeps the IDs of deleted rows from coming back.
    /// </summary>
    public override string? SchemaTerm(string placeholder) => placeholder switch
    {
        "bigint" or "integer" or "boolean" or "timestamptz" => "INTEGER",
        "text" or "jsonb" => "TEXT",
        "bytea" => "BLOB",
        "identity" => "PRIMARY KEY",
        "identity_never_reused" => "PRIMARY KEY AUTOINCREMENT",
        _ => null,
    };

    /// <summary>BINARY is SQLite's default: the byte order of UTF-8, which is code point order.</summary>
    public override string Ordinal => "COLLATE BINARY";

    public override bool IsDuplicate(DbException exception) => exception is SqliteException { SqliteErrorCode: ConstraintViolation };

    public override bool IsConstraintViolation(DbException exception) => exception is SqliteException { SqliteErrorCode: ConstraintViolation };

    public override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }

    public override void Bind(DbParameter parameter, SqlValue value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.Value = value.Value switch
        {
            null => DBNull.Value,
            DateTimeOffset at => at.ToUnixTimeMilliseconds(),
            var other => other,
        };
    }

    public override DbParameter CreateParameter(int position) => new SqliteParameter { ParameterName = position < Names.Length ? Names[position] : $"${position}" };
}
