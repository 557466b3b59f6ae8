using Microsoft.Data.Sqlite;

namespace Hearth.Supervisor.Storage.Sqlite;

/// <summary>Conversions between records and SQLite values: times are Unix milliseconds, nulls are DBNull.</summary>
internal static class SqliteValues
{
    public static object Db(DateTimeOffset? at) => at is { } t ? t.ToUnixTimeMilliseconds() : DBNull.Value;

    public static object Db(long? value) => value is { } v ? v : DBNull.Value;

    public static object Db(int? value) => value is { } v ? v : DBNull.Value;

    public static object Db(string? value) => value is null ? DBNull.Value : value;

    public static DateTimeOffset? ReadTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static long? ReadLong(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? ReadInt(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static string? ReadText(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public const string JobColumns =
        "id, name, command, reservations, priority, cpus, working_directory, state, submitted_at, started_at, finished_at, version, submitted_by, controls, requirements, changes";

    public const string SubjobColumns =
        "job_id, idx, sequence, state, attempt, host, allocations, kill_requested, pid, exit_code, error, started_at, finished_at, version, tries";

    public const string ChangeColumns = "job_id, idx, attempt, kind, host, allocations, at";

    public static JobRecord ReadJob(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), StoredJson.ReadArgv(r.GetString(2)), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
        ReadText(r, 6), r.GetString(7), ReadTime(r, 8)!.Value, ReadTime(r, 9), ReadTime(r, 10), r.GetInt64(11), ReadText(r, 12),
        StoredJson.ReadControls(ReadText(r, 13)), ReadText(r, 14), StoredJson.ReadChanges(ReadText(r, 15)));

    public static SubjobRecord ReadSubjob(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4), ReadText(r, 5),
        StoredJson.ReadAmounts(r.GetString(6)), r.GetInt64(7) != 0, ReadLong(r, 8), ReadInt(r, 9), ReadText(r, 10),
        ReadTime(r, 11), ReadTime(r, 12), r.GetInt64(13), StoredJson.ReadTries(ReadText(r, 14)));

    public static AllocationChangeRecord ReadChange(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3), r.GetString(4), StoredJson.ReadAmounts(r.GetString(5)),
        ReadTime(r, 6)!.Value);

    public static WorkerRecord ReadWorker(SqliteDataReader r) => new(
        r.GetString(0), StoredJson.ReadAmounts(r.GetString(1)), r.GetString(2), ReadTime(r, 3), r.GetInt64(4));

    /// <summary>A command whose parameters are created once and rebound for every row of a batch.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    public static void Bind(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
