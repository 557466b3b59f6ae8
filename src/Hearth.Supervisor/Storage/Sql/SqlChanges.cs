using System.Data.Common;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>
/// The statements of one scheduling cycle's commit. Records at version 0 are inserted at version 1; the others
/// are updated only where the stored row is still at the version they name, and leave it one higher.
/// </summary>
internal static class SqlChanges
{
    private const string InsertJob =
        $"INSERT INTO jobs ({SqlRows.JobColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15)";

    private const string UpdateJob = """
        UPDATE jobs SET state = $2, started_at = $3, finished_at = $4, controls = $5, reservations = $6, priority = $7,
            requirements = $8, changes = $9, version = version + 1
        WHERE id = $1 AND version = $10
        """;

    private const string InsertSubjob =
        $"INSERT INTO subjobs ({SqlRows.SubjobColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14)";

    private const string UpdateSubjob = """
        UPDATE subjobs SET sequence = $3, state = $4, attempt = $5, host = $6, allocations = $7, kill_requested = $8,
            pid = $9, exit_code = $10, error = $11, started_at = $12, finished_at = $13, tries = $14, version = version + 1
        WHERE job_id = $1 AND idx = $2 AND version = $15
        """;

    private const string InsertAgenda = $"INSERT INTO agendas ({SqlRows.AgendaColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

    private const string InsertWorkItem =
        $"INSERT INTO work_items ({SqlRows.WorkItemColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16)";

    private const string UpdateWorkItem = """
        UPDATE work_items SET state = $3, attempt = $4, subjob = $5, run = $6, host = $7, exit_code = $8, error = $9, started_at = $10,
            finished_at = $11, tries = $12, version = version + 1
        WHERE job_id = $1 AND idx = $2 AND version = $13
        """;

    private const string InsertChange = $"INSERT INTO allocation_changes ({SqlRows.ChangeColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)";

    private const string InsertWorker = $"INSERT INTO workers ({SqlRows.WorkerColumns}) VALUES ($1, $2, $3, $4, 1)";

    private const string UpdateWorker =
        "UPDATE workers SET resources = $2, state = $3, last_seen_at = $4, version = version + 1 WHERE name = $1 AND version = $5";

    private const string DeleteWorker = "DELETE FROM workers WHERE name = $1 AND version = $2";

    private const string InsertLog = "INSERT INTO log_chunks (job_id, idx, attempt, stream, data) VALUES ($1, $2, $3, $4, $5)";

    private const string UpsertSetting =
        "INSERT INTO cluster_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value";

    private const string DeleteSetting = "DELETE FROM cluster_settings WHERE name = $1";

    private const string UpsertAccountLimits = """
        INSERT INTO account_limits (name, max_slots, max_instances, shares) VALUES ($1, $2, $3, $4)
        ON CONFLICT (name) DO UPDATE SET max_slots = excluded.max_slots, max_instances = excluded.max_instances, shares = excluded.shares
        """;

    /// <summary>Adds every write of <paramref name="changes"/> to <paramref name="batch"/> and runs it; a refused row is a conflict.</summary>
    public static async Task WriteAsync(StatementBatch batch, ChangeSet changes, SqlDialect dialect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(dialect);
        try
        {
            AddJobs(batch, changes.Jobs);
            AddSubjobs(batch, changes.Subjobs);
            foreach (var a in changes.Agendas)
            {
                batch.Add(InsertAgenda, [a.JobId, a.Range, a.Chunk, a.Padding, a.Order, a.RetryWork, a.RetryWorkDelayMs, a.FrameByFrame]);
            }

            AddWorkItems(batch, changes.WorkItems);
            foreach (var c in changes.AllocationChanges)
            {
                batch.Add(InsertChange, [c.JobId, c.Index, c.Attempt, c.Kind, c.Host, SqlValue.Json(StoredJson.Write(c.Allocations)), c.At]);
            }

            AddWorkers(batch, changes.Workers);
            foreach (var w in changes.RemovedWorkers)
            {
                batch.Add(DeleteWorker, [w.Name, w.Version], $"worker {w.Name} at version {w.Version}");
            }

            foreach (var chunk in changes.Logs)
            {
                batch.Add(InsertLog, [chunk.JobId, chunk.Index, chunk.Attempt, chunk.Stream, chunk.Data]);
            }

            foreach (var setting in changes.Settings)
            {
                if (setting.Value is null)
                {
                    batch.Add(DeleteSetting, [setting.Name]);
                }
                else
                {
                    batch.Add(UpsertSetting, [setting.Name, setting.Value]);
                }
            }

            foreach (var limits in changes.AccountLimits)
            {
                batch.Add(UpsertAccountLimits, [limits.Name, limits.MaxSlots, limits.MaxInstances, limits.Shares]);
            }

            await batch.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (dialect.IsConstraintViolation(e))
        {
            throw new ConcurrencyConflictException($"the change conflicts with what is stored: {dialect.Explain(e)}");
        }
    }

    private static void AddJobs(StatementBatch batch, List<JobRecord> jobs)
    {
        foreach (var job in jobs)
        {
            if (job.Version == 0)
            {
                batch.Add(InsertJob,
                [
                    job.Id, job.Name, SqlValue.Json(StoredJson.Write(job.Command)), job.Reservations, job.Priority, job.Cpus, job.WorkingDirectory,
                    job.State, job.SubmittedAt, job.StartedAt, job.FinishedAt, job.SubmittedBy, StoredJson.Write(job.Controls), job.Requirements,
                    StoredJson.Write(job.Changes),
                ]);
            }
            else
            {
                batch.Add(UpdateJob,
                [
                    job.Id, job.State, job.StartedAt, job.FinishedAt, StoredJson.Write(job.Controls), job.Reservations, job.Priority, job.Requirements,
                    StoredJson.Write(job.Changes), job.Version,
                ],
                $"job {job.Id} at version {job.Version}");
            }
        }
    }

    private static void AddSubjobs(StatementBatch batch, List<SubjobRecord> subjobs)
    {
        foreach (var s in subjobs)
        {
            SqlValue[] values =
            [
                s.JobId, s.Index, s.Sequence, s.State, s.Attempt, s.Host, SqlValue.Json(StoredJson.Write(s.Allocations)), s.KillRequested,
                s.Pid, s.ExitCode, s.Error, s.StartedAt, s.FinishedAt, StoredJson.Write(s.Tries),
            ];
            if (s.Version == 0)
            {
                batch.Add(InsertSubjob, values);
            }
            else
            {
                batch.Add(UpdateSubjob, [.. values, s.Version], $"subjob {s.JobId}.{s.Index} at version {s.Version}");
            }
        }
    }

    private static void AddWorkItems(StatementBatch batch, List<WorkItemRecord> items)
    {
        foreach (var i in items)
        {
            if (i.Version == 0)
            {
                batch.Add(InsertWorkItem,
                [
                    i.JobId, i.Index, i.Name, i.First, i.Last, i.Frames, i.State, i.Attempt, i.Subjob, i.Run, i.Host, i.ExitCode, i.Error, i.StartedAt,
                    i.FinishedAt, StoredJson.Write(i.Tries),
                ]);
            }
            else
            {
                batch.Add(UpdateWorkItem,
                [
                    i.JobId, i.Index, i.State, i.Attempt, i.Subjob, i.Run, i.Host, i.ExitCode, i.Error, i.StartedAt, i.FinishedAt,
                    StoredJson.Write(i.Tries), i.Version,
                ],
                $"item {i.Index} of job {i.JobId} at version {i.Version}");
            }
        }
    }

    private static void AddWorkers(StatementBatch batch, List<WorkerRecord> workers)
    {
        foreach (var w in workers)
        {
            SqlValue[] values = [w.Name, SqlValue.Json(StoredJson.Write(w.Resources)), w.State, w.LastSeenAt];
            if (w.Version == 0)
            {
                batch.Add(InsertWorker, values);
            }
            else
            {
                batch.Add(UpdateWorker, [.. values, w.Version], $"worker {w.Name} at version {w.Version}");
            }
        }
    }
}
