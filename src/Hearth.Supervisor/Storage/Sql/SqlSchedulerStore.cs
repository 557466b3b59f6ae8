using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

/// <summary>The scheduler's store: everything unfinished read in one go at start, then one commit per cycle, as the backend commits.</summary>
internal sealed class SqlSchedulerStore(SqlBackend backend) : ISchedulerStore
{
    private const string Unfinished = "state IN ('pending', 'blocked', 'running')";

    public async Task<StoredCluster> LoadAsync(CancellationToken cancellationToken)
    {
        var rows = backend.Rows;
        var workers = new List<WorkerRecord>();
        var jobs = new List<JobRecord>();
        var subjobs = new List<SubjobRecord>();
        var changes = new List<AllocationChangeRecord>();
        var settings = new List<SettingRecord>();
        var agendas = new List<AgendaRecord>();
        var items = new List<WorkItemRecord>();
        var limits = new List<AccountLimitRecord>();
        var memberships = new List<MembershipRecord>();
        (long Job, long Sequence) last = default;
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for every query, so the jobs, their subjobs and the counters agree.
        await using var transaction = await backend.BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        await backend.Dialect.ReadSetsAsync(
            connection,
            transaction,
            [
                ($"SELECT {WorkerColumns} FROM workers ORDER BY name", []),
                ($"SELECT {JobColumns} FROM jobs WHERE {Unfinished} ORDER BY id", []),
                ($"SELECT {SubjobColumns} FROM subjobs WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY job_id, idx", []),
                ($"SELECT {ChangeColumns} FROM allocation_changes WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY id", []),
                ("SELECT name, value FROM cluster_settings ORDER BY name", []),
                ("SELECT (SELECT COALESCE(MAX(id), 0) FROM jobs), (SELECT COALESCE(MAX(sequence), 0) FROM subjobs)", []),
                ($"SELECT {AgendaColumns} FROM agendas WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY job_id", []),
                ($"SELECT {WorkItemColumns} FROM work_items WHERE job_id IN (SELECT id FROM jobs WHERE {Unfinished}) ORDER BY job_id, idx", []),
                ($"SELECT name, max_slots, max_instances, shares FROM account_limits ORDER BY name {backend.Dialect.Ordinal}", []),
                ($"SELECT org, member FROM org_members ORDER BY member {backend.Dialect.Ordinal}, org {backend.Dialect.Ordinal}", []),
            ],
            (set, r) =>
            {
                switch (set)
                {
                    case 0: workers.Add(rows.Worker(r)); break;
                    case 1: jobs.Add(rows.Job(r)); break;
                    case 2: subjobs.Add(rows.Subjob(r)); break;
                    case 3: changes.Add(rows.Change(r)); break;
                    case 4: settings.Add(new SettingRecord(r.GetString(0), r.GetString(1))); break;
                    case 5: last = (r.GetInt64(0), r.GetInt64(1)); break;
                    case 6: agendas.Add(SqlRows.Agenda(r)); break;
                    case 7: items.Add(rows.WorkItem(r)); break;
                    case 8: limits.Add(new AccountLimitRecord(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3))); break;
                    default: memberships.Add(new MembershipRecord(r.GetString(0), r.GetString(1))); break;
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        var itemsByJob = items.ToLookup(i => i.JobId);
        return new StoredCluster(
            workers, SqlJobQueries.Details(jobs, subjobs, changes), last.Job, last.Sequence, settings,
            [.. agendas.Select(a => new AgendaDetails(a, [.. itemsByJob[a.JobId]]))])
        {
            AccountLimits = limits,
            Memberships = memberships,
        };
    }

    public Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return changes.IsEmpty ? Task.CompletedTask : backend.CommitAsync(changes, cancellationToken);
    }
}
