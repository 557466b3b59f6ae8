using Npgsql;
using NpgsqlTypes;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// Conversions between records and PostgreSQL values. Times are timestamptz cut to the millisecond, the
/// precision every backend keeps, so a record reads back the same whichever backend stored it.
/// </summary>
internal static class PostgresValues
{
    public const string JobColumns =
        "id, name, command, reservations, priority, cpus, working_directory, state, submitted_at, started_at, finished_at, version, submitted_by, controls, requirements, changes";

    public const string SubjobColumns =
        "job_id, idx, sequence, state, attempt, host, allocations, kill_requested, pid, exit_code, error, started_at, finished_at, version, tries";

    public const string ChangeColumns = "job_id, idx, attempt, kind, host, allocations, at";

    public static object Db(DateTimeOffset? at) =>
        at is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds()) : DBNull.Value;

    public static object Db(long? value) => value is { } v ? v : DBNull.Value;

    public static object Db(int? value) => value is { } v ? v : DBNull.Value;

    public static object Db(string? value) => value is null ? DBNull.Value : value;

    public static NpgsqlParameter Json(string text) => new() { Value = text, NpgsqlDbType = NpgsqlDbType.Jsonb };

    public static NpgsqlParameter Value(object value) => new() { Value = value };

    /// <summary>A text value that may be null, typed so PostgreSQL need not infer it.</summary>
    public static NpgsqlParameter Text(string? value) => new() { Value = Db(value), NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>A typed null where PostgreSQL cannot infer the type from the statement alone.</summary>
    public static NpgsqlParameter Time(DateTimeOffset? at) => new() { Value = Db(at), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static DateTimeOffset? ReadTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static long? ReadLong(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? ReadInt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static string? ReadText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static JobRecord ReadJob(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), StoredJson.ReadArgv(r.GetString(2)), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
        ReadText(r, 6), r.GetString(7), ReadTime(r, 8)!.Value, ReadTime(r, 9), ReadTime(r, 10), r.GetInt64(11), ReadText(r, 12),
        StoredJson.ReadControls(ReadText(r, 13)), ReadText(r, 14), StoredJson.ReadChanges(ReadText(r, 15)));

    public static SubjobRecord ReadSubjob(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4), ReadText(r, 5),
        StoredJson.ReadAmounts(r.GetString(6)), r.GetBoolean(7), ReadLong(r, 8), ReadInt(r, 9), ReadText(r, 10),
        ReadTime(r, 11), ReadTime(r, 12), r.GetInt64(13), StoredJson.ReadTries(ReadText(r, 14)));

    public static AllocationChangeRecord ReadChange(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3), r.GetString(4), StoredJson.ReadAmounts(r.GetString(5)),
        ReadTime(r, 6)!.Value);

    public static WorkerRecord ReadWorker(NpgsqlDataReader r) => new(
        r.GetString(0), StoredJson.ReadAmounts(r.GetString(1)), r.GetString(2), ReadTime(r, 3), r.GetInt64(4));

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
