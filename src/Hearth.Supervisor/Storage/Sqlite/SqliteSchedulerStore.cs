using Microsoft.Data.Sqlite;
using static Hearth.Supervisor.Storage.Sqlite.SqliteValues;

namespace Hearth.Supervisor.Storage.Sqlite;

/// <summary>
/// The scheduler's store. Its commits share one long-lived connection (there is one writer, one cycle at a
/// time), and its statements are compiled once on that connection and rebound for every row of every commit.
/// </summary>
internal sealed class SqliteSchedulerStore(SqliteBackend backend) : ISchedulerStore, IAsyncDisposable
{
    private const int ConstraintViolation = 19;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private SqliteConnection? _connection;
    private Statements? _statements;

    public async Task<StoredCluster> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        var workers = new List<WorkerRecord>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, resources, state, last_seen_at, version FROM workers ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                workers.Add(ReadWorker(reader));
            }
        }

        const string Unfinished = "state IN ('pending', 'blocked', 'running')";
        var jobs = await SqliteJobQueries.ReadDetailsAsync(
            connection,
            $"SELECT {JobColumns} FROM jobs WHERE {Unfinished} ORDER BY id",
            $"SELECT {SubjobColumns} FROM subjobs WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY job_id, idx",
            $"SELECT {ChangeColumns} FROM allocation_changes WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY id",
            _ => { },
            cancellationToken).ConfigureAwait(false);

        var settings = new List<SettingRecord>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, value FROM cluster_settings ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                settings.Add(new SettingRecord(reader.GetString(0), reader.GetString(1)));
            }
        }

        await using var last = connection.CreateCommand();
        last.CommandText = "SELECT (SELECT COALESCE(MAX(id), 0) FROM jobs), (SELECT COALESCE(MAX(sequence), 0) FROM subjobs)";
        await using var max = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await max.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StoredCluster(workers, jobs, max.GetInt64(0), max.GetInt64(1), settings);
    }

    public async Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        if (changes.IsEmpty)
        {
            return;
        }

        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _connection ??= await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
            var statements = _statements ??= new Statements(connection);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            statements.Transaction = transaction;
            try
            {
                WriteJobs(statements, changes.Jobs);
                WriteSubjobs(statements, changes.Subjobs);
                WriteChanges(statements, changes.AllocationChanges);
                WriteWorkers(statements, changes.Workers);
                RemoveWorkers(statements, changes.RemovedWorkers);
                WriteLogs(statements, changes.Logs);
                WriteSettings(statements, changes.Settings);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == ConstraintViolation)
            {
                throw new ConcurrencyConflictException($"a row to insert already exists: {e.Message}");
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            _statements?.Dispose();
            _statements = null;
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    private static void WriteJobs(Statements statements, List<JobRecord> jobs)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        var insert = statements.Get(
            $"INSERT INTO jobs ({JobColumns}) VALUES ($id, $name, $command, $res, $prio, $cpus, $cwd, $state, $sub, $start, $fin, 1, $by, $ctl, $req, $chg)",
            "$id", "$name", "$command", "$res", "$prio", "$cpus", "$cwd", "$state", "$sub", "$start", "$fin", "$by", "$ctl", "$req", "$chg");
        var update = statements.Get(
            """
            UPDATE jobs SET state = $state, started_at = $start, finished_at = $fin, controls = $ctl, reservations = $res, priority = $prio,
                requirements = $req, changes = $chg, version = version + 1
            WHERE id = $id AND version = $v
            """,
            "$state", "$start", "$fin", "$ctl", "$res", "$prio", "$req", "$chg", "$id", "$v");
        foreach (var job in jobs)
        {
            if (job.Version == 0)
            {
                Bind(insert, job.Id, job.Name, StoredJson.Write(job.Command), job.Reservations, job.Priority, job.Cpus,
                    Db(job.WorkingDirectory), job.State, Db(job.SubmittedAt), Db(job.StartedAt), Db(job.FinishedAt), Db(job.SubmittedBy),
                    Db(StoredJson.Write(job.Controls)), Db(job.Requirements), StoredJson.Write(job.Changes));
                insert.ExecuteNonQuery();
            }
            else
            {
                Bind(update, job.State, Db(job.StartedAt), Db(job.FinishedAt), Db(StoredJson.Write(job.Controls)), job.Reservations, job.Priority,
                    Db(job.Requirements), StoredJson.Write(job.Changes), job.Id, job.Version);
                Expect(update.ExecuteNonQuery(), $"job {job.Id} at version {job.Version}");
            }
        }
    }

    private static void WriteSubjobs(Statements statements, List<SubjobRecord> subjobs)
    {
        if (subjobs.Count == 0)
        {
            return;
        }

        var insert = statements.Get(
            $"INSERT INTO subjobs ({SubjobColumns}) VALUES ($job, $idx, $seq, $state, $att, $host, $alloc, $kill, $pid, $exit, $err, $start, $fin, 1, $tries)",
            "$job", "$idx", "$seq", "$state", "$att", "$host", "$alloc", "$kill", "$pid", "$exit", "$err", "$start", "$fin", "$tries");
        var update = statements.Get(
            """
            UPDATE subjobs SET sequence = $seq, state = $state, attempt = $att, host = $host, allocations = $alloc,
                kill_requested = $kill, pid = $pid, exit_code = $exit, error = $err, started_at = $start, finished_at = $fin,
                tries = $tries, version = version + 1
            WHERE job_id = $job AND idx = $idx AND version = $v
            """,
            "$job", "$idx", "$seq", "$state", "$att", "$host", "$alloc", "$kill", "$pid", "$exit", "$err", "$start", "$fin", "$tries", "$v");
        foreach (var s in subjobs)
        {
            object[] values =
            [
                s.JobId, s.Index, s.Sequence, s.State, s.Attempt, Db(s.Host), StoredJson.Write(s.Allocations), s.KillRequested ? 1 : 0,
                Db(s.Pid), Db(s.ExitCode), Db(s.Error), Db(s.StartedAt), Db(s.FinishedAt), Db(StoredJson.Write(s.Tries)),
            ];
            if (s.Version == 0)
            {
                Bind(insert, values);
                insert.ExecuteNonQuery();
            }
            else
            {
                Bind(update, [.. values, s.Version]);
                Expect(update.ExecuteNonQuery(), $"subjob {s.JobId}.{s.Index} at version {s.Version}");
            }
        }
    }

    private static void WriteChanges(Statements statements, List<AllocationChangeRecord> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var insert = statements.Get(
            $"INSERT INTO allocation_changes ({ChangeColumns}) VALUES ($job, $idx, $att, $kind, $host, $alloc, $at)",
            "$job", "$idx", "$att", "$kind", "$host", "$alloc", "$at");
        foreach (var c in changes)
        {
            Bind(insert, c.JobId, c.Index, c.Attempt, c.Kind, c.Host, StoredJson.Write(c.Allocations), Db(c.At));
            insert.ExecuteNonQuery();
        }
    }

    private static void WriteWorkers(Statements statements, List<WorkerRecord> workers)
    {
        if (workers.Count == 0)
        {
            return;
        }

        var insert = statements.Get(
            "INSERT INTO workers (name, resources, state, last_seen_at, version) VALUES ($name, $res, $state, $seen, 1)",
            "$name", "$res", "$state", "$seen");
        var update = statements.Get(
            "UPDATE workers SET resources = $res, state = $state, last_seen_at = $seen, version = version + 1 WHERE name = $name AND version = $v",
            "$name", "$res", "$state", "$seen", "$v");
        foreach (var w in workers)
        {
            if (w.Version == 0)
            {
                Bind(insert, w.Name, StoredJson.Write(w.Resources), w.State, Db(w.LastSeenAt));
                insert.ExecuteNonQuery();
            }
            else
            {
                Bind(update, w.Name, StoredJson.Write(w.Resources), w.State, Db(w.LastSeenAt), w.Version);
                Expect(update.ExecuteNonQuery(), $"worker {w.Name} at version {w.Version}");
            }
        }
    }

    private static void RemoveWorkers(Statements statements, List<WorkerRecord> workers)
    {
        if (workers.Count == 0)
        {
            return;
        }

        var delete = statements.Get("DELETE FROM workers WHERE name = $name AND version = $v", "$name", "$v");
        foreach (var w in workers)
        {
            Bind(delete, w.Name, w.Version);
            Expect(delete.ExecuteNonQuery(), $"worker {w.Name} at version {w.Version}");
        }
    }

    private static void WriteLogs(Statements statements, List<LogChunkRecord> logs)
    {
        if (logs.Count == 0)
        {
            return;
        }

        var insert = statements.Get(
            "INSERT INTO log_chunks (job_id, idx, attempt, stream, data) VALUES ($job, $idx, $att, $stream, $data)",
            "$job", "$idx", "$att", "$stream", "$data");
        foreach (var chunk in logs)
        {
            Bind(insert, chunk.JobId, chunk.Index, chunk.Attempt, chunk.Stream, chunk.Data);
            insert.ExecuteNonQuery();
        }
    }

    private static void WriteSettings(Statements statements, List<SettingRecord> settings)
    {
        if (settings.Count == 0)
        {
            return;
        }

        var upsert = statements.Get(
            "INSERT INTO cluster_settings (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            "$name", "$value");
        var delete = statements.Get("DELETE FROM cluster_settings WHERE name = $name", "$name");
        foreach (var setting in settings)
        {
            if (setting.Value is null)
            {
                Bind(delete, setting.Name);
                delete.ExecuteNonQuery();
            }
            else
            {
                Bind(upsert, setting.Name, setting.Value);
                upsert.ExecuteNonQuery();
            }
        }
    }

    private static void Expect(int rows, string what)
    {
        if (rows != 1)
        {
            throw new ConcurrencyConflictException($"{what} was changed by someone else or does not exist");
        }
    }

    /// <summary>Commands compiled once on the store's connection, each joined to the current commit's transaction.</summary>
    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteTransaction? Transaction { get; set; }

        public SqliteCommand Get(string sql, params string[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = Prepare(connection, Transaction!, sql, parameters);
                _commands.Add(sql, command);
            }

            command.Transaction = Transaction;
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
        }
    }
}
