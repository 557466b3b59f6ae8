using System.Data;
using Npgsql;
using static Hearth.Supervisor.Storage.Postgres.PostgresValues;

namespace Hearth.Supervisor.Storage.Postgres;

/// <summary>
/// The scheduler's store. A cycle's changes go as one batch in one transaction: one round trip to the server
/// however many rows changed. Every update names the version it read; a row that has moved on fails the batch.
/// </summary>
internal sealed class PostgresSchedulerStore(PostgresBackend backend) : ISchedulerStore
{
    /// <summary>SQLSTATE class 23: a unique key, foreign key, not-null or check constraint refused a row.</summary>
    private const string IntegrityViolationClass = "23";
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(20);

    public async Task<StoredCluster> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for every query, so the jobs, their subjobs and the counters agree.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var workersQuery = Command(connection, "SELECT name, resources, state, last_seen_at, version FROM workers ORDER BY name");
        var workers = await ReadAllAsync(workersQuery, ReadWorker, cancellationToken).ConfigureAwait(false);

        const string Unfinished = "state IN ('pending', 'blocked', 'running')";
        var jobs = await PostgresJobQueries.ReadDetailsAsync(
            connection,
            $"SELECT {JobColumns} FROM jobs WHERE {Unfinished} ORDER BY id",
            $"SELECT {SubjobColumns} FROM subjobs WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY job_id, idx",
            $"SELECT {ChangeColumns} FROM allocation_changes WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY id",
            () => [],
            cancellationToken).ConfigureAwait(false);

        await using var settingsQuery = Command(connection, "SELECT name, value FROM cluster_settings ORDER BY name");
        var settings = await ReadAllAsync(settingsQuery, r => new SettingRecord(r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);

        await using var last = Command(connection,
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM jobs), (SELECT COALESCE(MAX(sequence), 0) FROM subjobs)");
        var counters = await ReadAllAsync(last, r => (Job: r.GetInt64(0), Sequence: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredCluster(workers, jobs, counters[0].Job, counters[0].Sequence, settings);
    }

    public async Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty)
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(100);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await CommitOnceAsync(changes, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (UncommittedException) when (clock.Elapsed < RetryFor)
            {
                // Nothing of the cycle was committed, so trying again on a fresh connection is safe: a database
                // restart or a network blip delays the cycle instead of stopping the supervisor. Waiting on the
                // database server, so on the real clock.
                backend.ClearPool();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            catch (UncommittedException e)
            {
                throw new StorageUnavailableException($"{backend.Describe} stayed unreachable for {RetryFor.TotalSeconds:0} s: {e.InnerException?.Message}", e);
            }
        }
    }

    /// <summary>One attempt. Any failure before COMMIT is sent is an <see cref="UncommittedException"/>; a failure of COMMIT itself is not, because it may have been applied.</summary>
    private async Task CommitOnceAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        NpgsqlTransaction? transaction = null;
        try
        {
            try
            {
                connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
                transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var batch = new NpgsqlBatch(connection, transaction);
                var expectations = new List<(NpgsqlBatchCommand Command, string What)>();
                AddJobs(batch, expectations, changes.Jobs);
                AddSubjobs(batch, expectations, changes.Subjobs);
                AddChanges(batch, changes.AllocationChanges);
                AddWorkers(batch, expectations, changes.Workers);
                RemoveWorkers(batch, expectations, changes.RemovedWorkers);
                AddLogs(batch, changes.Logs);
                AddSettings(batch, changes.Settings);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (command, what) in expectations)
                {
                    if (command.RecordsAffected != 1)
                    {
                        // Disposing the transaction without committing rolls the whole batch back.
                        throw new ConcurrencyConflictException($"{what} was changed by someone else or does not exist");
                    }
                }
            }
            catch (PostgresException e) when (e.SqlState.StartsWith(IntegrityViolationClass, StringComparison.Ordinal))
            {
                throw new ConcurrencyConflictException($"the change conflicts with what is stored: {e.MessageText}");
            }
            catch (Exception e) when (e is StorageUnavailableException || (e is NpgsqlException n && (n.IsTransient || connection?.FullState is not System.Data.ConnectionState.Open)))
            {
                throw new UncommittedException(e);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A commit attempt failed before anything was committed.</summary>
    private sealed class UncommittedException(Exception inner) : Exception(inner.Message, inner);

    private static void AddJobs(NpgsqlBatch batch, List<(NpgsqlBatchCommand, string)> expectations, List<JobRecord> jobs)
    {
        foreach (var job in jobs)
        {
            if (job.Version == 0)
            {
                batch.BatchCommands.Add(BatchCommand(
                    $"INSERT INTO jobs ({JobColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15)",
                    Value(job.Id), Value(job.Name), Json(StoredJson.Write(job.Command)), Value(job.Reservations), Value(job.Priority),
                    Value(job.Cpus), Value(Db(job.WorkingDirectory)), Value(job.State), Time(job.SubmittedAt), Time(job.StartedAt),
                    Time(job.FinishedAt), Value(Db(job.SubmittedBy)), Text(StoredJson.Write(job.Controls)), Value(Db(job.Requirements)),
                    Value(StoredJson.Write(job.Changes))));
            }
            else
            {
                var update = BatchCommand(
                    """
                    UPDATE jobs SET state = $1, started_at = $2, finished_at = $3, reservations = $4, priority = $5, requirements = $6,
                        changes = $7, controls = $10, version = version + 1
                    WHERE id = $8 AND version = $9
                    """,
                    Value(job.State), Time(job.StartedAt), Time(job.FinishedAt), Value(job.Reservations), Value(job.Priority),
                    Value(Db(job.Requirements)), Value(StoredJson.Write(job.Changes)), Value(job.Id), Value(job.Version),
                    Text(StoredJson.Write(job.Controls)));
                batch.BatchCommands.Add(update);
                expectations.Add((update, $"job {job.Id} at version {job.Version}"));
            }
        }
    }

    private static void AddSubjobs(NpgsqlBatch batch, List<(NpgsqlBatchCommand, string)> expectations, List<SubjobRecord> subjobs)
    {
        foreach (var s in subjobs)
        {
            NpgsqlParameter[] values =
            [
                Value(s.JobId), Value(s.Index), Value(s.Sequence), Value(s.State), Value(s.Attempt), Value(Db(s.Host)),
                Json(StoredJson.Write(s.Allocations)), Value(s.KillRequested), Value(Db(s.Pid)), Value(Db(s.ExitCode)), Value(Db(s.Error)),
                Time(s.StartedAt), Time(s.FinishedAt), Text(StoredJson.Write(s.Tries)),
            ];
            if (s.Version == 0)
            {
                batch.BatchCommands.Add(BatchCommand(
                    $"INSERT INTO subjobs ({SubjobColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14)", values));
            }
            else
            {
                var update = BatchCommand(
                    """
                    UPDATE subjobs SET sequence = $3, state = $4, attempt = $5, host = $6, allocations = $7, kill_requested = $8,
                        pid = $9, exit_code = $10, error = $11, started_at = $12, finished_at = $13, tries = $14,
                        version = version + 1
                    WHERE job_id = $1 AND idx = $2 AND version = $15
                    """,
                    [.. values, Value(s.Version)]);
                batch.BatchCommands.Add(update);
                expectations.Add((update, $"subjob {s.JobId}.{s.Index} at version {s.Version}"));
            }
        }
    }

    private static void AddChanges(NpgsqlBatch batch, List<AllocationChangeRecord> changes)
    {
        foreach (var c in changes)
        {
            batch.BatchCommands.Add(BatchCommand(
                $"INSERT INTO allocation_changes ({ChangeColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                Value(c.JobId), Value(c.Index), Value(c.Attempt), Value(c.Kind), Value(c.Host), Json(StoredJson.Write(c.Allocations)), Time(c.At)));
        }
    }

    private static void AddWorkers(NpgsqlBatch batch, List<(NpgsqlBatchCommand, string)> expectations, List<WorkerRecord> workers)
    {
        foreach (var w in workers)
        {
            if (w.Version == 0)
            {
                batch.BatchCommands.Add(BatchCommand(
                    "INSERT INTO workers (name, resources, state, last_seen_at, version) VALUES ($1, $2, $3, $4, 1)",
                    Value(w.Name), Json(StoredJson.Write(w.Resources)), Value(w.State), Time(w.LastSeenAt)));
            }
            else
            {
                var update = BatchCommand(
                    "UPDATE workers SET resources = $2, state = $3, last_seen_at = $4, version = version + 1 WHERE name = $1 AND version = $5",
                    Value(w.Name), Json(StoredJson.Write(w.Resources)), Value(w.State), Time(w.LastSeenAt), Value(w.Version));
                batch.BatchCommands.Add(update);
                expectations.Add((update, $"worker {w.Name} at version {w.Version}"));
            }
        }
    }

    private static void RemoveWorkers(NpgsqlBatch batch, List<(NpgsqlBatchCommand, string)> expectations, List<WorkerRecord> workers)
    {
        foreach (var w in workers)
        {
            var delete = BatchCommand("DELETE FROM workers WHERE name = $1 AND version = $2", Value(w.Name), Value(w.Version));
            batch.BatchCommands.Add(delete);
            expectations.Add((delete, $"worker {w.Name} at version {w.Version}"));
        }
    }

    private static void AddSettings(NpgsqlBatch batch, List<SettingRecord> settings)
    {
        foreach (var setting in settings)
        {
            batch.BatchCommands.Add(setting.Value is null
                ? BatchCommand("DELETE FROM cluster_settings WHERE name = $1", Value(setting.Name))
                : BatchCommand(
                    "INSERT INTO cluster_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    Value(setting.Name), Value(setting.Value)));
        }
    }

    private static void AddLogs(NpgsqlBatch batch, List<LogChunkRecord> logs)
    {
        foreach (var chunk in logs)
        {
            batch.BatchCommands.Add(BatchCommand(
                "INSERT INTO log_chunks (job_id, idx, attempt, stream, data) VALUES ($1, $2, $3, $4, $5)",
                Value(chunk.JobId), Value(chunk.Index), Value(chunk.Attempt), Value(chunk.Stream), Value(chunk.Data)));
        }
    }
}
