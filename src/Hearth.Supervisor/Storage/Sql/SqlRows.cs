using System.Data.Common;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>The column lists of the stored records and how a row of each reads back, for every backend.</summary>
internal sealed class SqlRows(SqlDialect dialect)
{
    public const string JobColumns =
        "id, name, command, reservations, priority, cpus, working_directory, state, submitted_at, started_at, finished_at, version, submitted_by, controls, requirements, changes";

    public const string SubjobColumns =
        "job_id, idx, sequence, state, attempt, host, allocations, kill_requested, pid, exit_code, error, started_at, finished_at, version, tries";

    public const string ChangeColumns = "job_id, idx, attempt, kind, host, allocations, at";

    public const string AgendaColumns = "job_id, frame_range, chunk, padding, frame_order, retry_work, retry_work_delay_ms, frame_by_frame";

    public const string WorkItemColumns =
        "job_id, idx, name, first_frame, last_frame, frames, state, attempt, subjob, run, host, exit_code, error, started_at, finished_at, version, tries";

    public const string WorkerColumns = "name, resources, state, last_seen_at, version";

    public const string KeyColumns = "id, hash, role, account_id, description, created_at, revoked_at, version";

    public const string AccountColumns = "name, kind, created_at, version";

    public const string BuildColumns = "owner, name, hash, hash_source, manifest, archive_sha256, archive_size, pushed_at";

    public const string VersionColumns = "owner, name, version, hash, visibility, published_at";

    public const string ReservationColumns =
        "id, calling_user, owner, name, version_type, pinned_version, count, schedule, time_zone, created_at, warm_calls, spilled_calls, version";

    public JobRecord Job(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), StoredJson.ReadArgv(r.GetString(2)), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
        Text(r, 6), r.GetString(7), Time(r, 8)!.Value, Time(r, 9), Time(r, 10), r.GetInt64(11), Text(r, 12),
        StoredJson.ReadControls(Text(r, 13)), Text(r, 14), StoredJson.ReadChanges(Text(r, 15)));

    public SubjobRecord Subjob(DbDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetInt32(4), Text(r, 5),
        StoredJson.ReadAmounts(r.GetString(6)), r.GetBoolean(7), r.IsDBNull(8) ? null : r.GetInt64(8), r.IsDBNull(9) ? null : r.GetInt32(9),
        Text(r, 10), Time(r, 11), Time(r, 12), r.GetInt64(13), StoredJson.ReadTries(Text(r, 14)));

    public AllocationChangeRecord Change(DbDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3), r.GetString(4), StoredJson.ReadAmounts(r.GetString(5)), Time(r, 6)!.Value);

    public static AgendaRecord Agenda(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4), r.GetInt32(5), r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7));

    public WorkItemRecord WorkItem(DbDataReader r) => new(
        r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetString(5), r.GetString(6), r.GetInt32(7),
        Int(r, 8), Int(r, 9), Text(r, 10), Int(r, 11), Text(r, 12), Time(r, 13), Time(r, 14), r.GetInt64(15), StoredJson.ReadItemTries(Text(r, 16)));

    public WorkerRecord Worker(DbDataReader r) => new(r.GetString(0), StoredJson.ReadAmounts(r.GetString(1)), r.GetString(2), Time(r, 3), r.GetInt64(4));

    public ApiKeyRecord Key(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), Text(r, 4), Time(r, 5)!.Value, Time(r, 6), r.GetInt64(7));

    public AccountRecord Account(DbDataReader r) => new(r.GetString(0), r.GetString(1), Time(r, 2)!.Value, r.GetInt64(3));

    public BuildRecord Build(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), Time(r, 7)!.Value);

    public VersionRecord Version(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Time(r, 5)!.Value);

    /// <summary>A reservation; a pinned version is stored as '' when there is none, so that it can be part of the unique key.</summary>
    public ReservationRecord Reservation(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5) is { Length: > 0 } pinned ? pinned : null,
        r.GetInt32(6), Text(r, 7), r.GetString(8), Time(r, 9)!.Value, r.GetInt64(10), r.GetInt64(11), r.GetInt64(12));

    public DateTimeOffset? Time(DbDataReader r, int ordinal) => dialect.ReadTime(r, ordinal);

    private static int? Int(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt32(ordinal);

    private static string? Text(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
