using System.Runtime.CompilerServices;
using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlJobQueries(SqlBackend backend) : IJobQueries
{
    public async Task<JobDetails?> FindJobAsync(long id, CancellationToken cancellationToken)
    {
        var rows = backend.Rows;
        var jobs = new List<JobRecord>();
        var subjobs = new List<SubjobRecord>();
        var changes = new List<AllocationChangeRecord>();
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        await backend.Dialect.ReadSetsAsync(
            connection,
            null,
            [
                ($"SELECT {JobColumns} FROM jobs WHERE id = $1", [id]),
                ($"SELECT {SubjobColumns} FROM subjobs WHERE job_id = $1 ORDER BY idx", [id]),
                ($"SELECT {ChangeColumns} FROM allocation_changes WHERE job_id = $1 ORDER BY id", [id]),
            ],
            (set, r) =>
            {
                switch (set)
                {
                    case 0: jobs.Add(rows.Job(r)); break;
                    case 1: subjobs.Add(rows.Subjob(r)); break;
                    default: changes.Add(rows.Change(r)); break;
                }
            },
            cancellationToken).ConfigureAwait(false);
        var found = Details(jobs, subjobs, changes);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var values = new List<SqlValue>();
        string Next(SqlValue value)
        {
            values.Add(value);
            return $"${values.Count}";
        }

        var where = new List<string>();
        if (filter.State is { } state)
        {
            where.Add($"state = {Next(state)}");
        }

        if (filter.BeforeId is { } before)
        {
            where.Add($"id < {Next(before)}");
        }

        if (filter.SubmittedBy is { } submitters)
        {
            where.Add(SubmittedByAny(submitters, Next));
        }

        if (filter.Account is { } account)
        {
            where.Add(account == Jobs.JobAccess.AdminSubmitter ? "submitted_by IS NULL" : $"submitted_by = {Next(account)}");
        }

        if (filter.NameContains is { Length: > 0 } text)
        {
            where.Add($"lower(name) LIKE {Next("%" + EscapeLike(text.ToLowerInvariant()) + "%")} ESCAPE '\\'");
        }

        var limit = Next(filter.Limit);
        var sql = $"SELECT {JobColumns} FROM jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT {limit}";
        return await backend.QueryAsync(sql, [.. values], backend.Rows.Job, cancellationToken, forWriting: false).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, int>> CountJobsByStateAsync(IReadOnlyCollection<string>? submittedBy, CancellationToken cancellationToken)
    {
        var values = new List<SqlValue>();
        var where = submittedBy is null ? "" : "WHERE " + SubmittedByAny(submittedBy, value =>
        {
            values.Add(value);
            return $"${values.Count}";
        });
        var rows = await backend.QueryAsync(
            $"SELECT state, COUNT(*) FROM jobs {where} GROUP BY state", [.. values], r => (State: r.GetString(0), Count: (int)r.GetInt64(1)),
            cancellationToken, forWriting: false).ConfigureAwait(false);
        return rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
    }

    public async IAsyncEnumerable<LogChunkRecord> ReadLogAsync(long jobId, int index, int attempt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        await using var command = backend.Dialect.Command(connection,
            "SELECT stream, data FROM log_chunks WHERE job_id = $1 AND idx = $2 AND attempt = $3 ORDER BY id", [jobId, index, attempt]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new LogChunkRecord(jobId, index, attempt, reader.GetInt32(0), reader.GetFieldValue<byte[]>(1));
        }
    }

    public Task<SubjobRecord?> FindSubjobAsync(long jobId, int index, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync($"SELECT {SubjobColumns} FROM subjobs WHERE job_id = $1 AND idx = $2", [jobId, index], backend.Rows.Subjob, cancellationToken, forWriting: false);

    public async Task<IReadOnlyList<LogChunkView>> ReadLogTailAsync(long jobId, int index, int attempt, long afterId, int limit, CancellationToken cancellationToken)
    {
        // From the start the newest chunks are wanted (a tail), after a known chunk the next ones in order (a follow).
        var sql = afterId < 0
            ? "SELECT id, stream, data FROM log_chunks WHERE job_id = $1 AND idx = $2 AND attempt = $3 ORDER BY id DESC LIMIT $4"
            : "SELECT id, stream, data FROM log_chunks WHERE job_id = $1 AND idx = $2 AND attempt = $3 AND id > $5 ORDER BY id LIMIT $4";
        SqlValue[] values = afterId < 0 ? [jobId, index, attempt, limit] : [jobId, index, attempt, limit, afterId];
        var chunks = await backend.QueryAsync(sql, values, r => new LogChunkView(r.GetInt64(0), r.GetInt32(1), r.GetFieldValue<byte[]>(2)),
            cancellationToken, forWriting: false).ConfigureAwait(false);
        if (afterId < 0)
        {
            chunks.Reverse();
        }

        return chunks;
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Jobs with their subjobs and history, each list in the order it was read.</summary>
    internal static List<JobDetails> Details(List<JobRecord> jobs, List<SubjobRecord> subjobs, List<AllocationChangeRecord> changes)
    {
        var subjobsByJob = subjobs.ToLookup(s => s.JobId);
        var changesByJob = changes.ToLookup(c => c.JobId);
        return [.. jobs.Select(j => new JobDetails(j, [.. subjobsByJob[j.Id]], [.. changesByJob[j.Id]]))];
    }

    /// <summary>A condition matching jobs submitted by any of <paramref name="submitters"/> (none when it is empty), each bound by <paramref name="parameter"/>.</summary>
    private static string SubmittedByAny(IReadOnlyCollection<string> submitters, Func<SqlValue, string> parameter) =>
        submitters.Count == 0 ? "1 = 0" : $"submitted_by IN ({string.Join(", ", submitters.Select(s => parameter(s)))})";
}
