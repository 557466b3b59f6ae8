using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using static Hearth.Supervisor.Storage.Sqlite.SqliteValues;

namespace Hearth.Supervisor.Storage.Sqlite;

internal sealed class SqliteJobQueries(SqliteBackend backend) : IJobQueries
{
    public async Task<JobDetails?> FindJobAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        var found = await ReadDetailsAsync(
            connection,
            $"SELECT {JobColumns} FROM jobs WHERE id = $id",
            $"SELECT {SubjobColumns} FROM subjobs WHERE job_id = $id ORDER BY idx",
            $"SELECT {ChangeColumns} FROM allocation_changes WHERE job_id = $id ORDER BY id",
            p => p.AddWithValue("$id", id),
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (filter.State is { } state)
        {
            where.Add("state = $state");
            command.Parameters.AddWithValue("$state", state);
        }

        if (filter.BeforeId is { } before)
        {
            where.Add("id < $before");
            command.Parameters.AddWithValue("$before", before);
        }

        if (filter.SubmittedBy is { } submitters)
        {
            where.Add(SubmittedByAny(command, submitters));
        }

        command.CommandText = $"SELECT {JobColumns} FROM jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", filter.Limit);
        var jobs = new List<JobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(ReadJob(reader));
        }

        return jobs;
    }

    public async Task<IReadOnlyDictionary<string, int>> CountJobsByStateAsync(IReadOnlyCollection<string>? submittedBy, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = submittedBy is null ? "" : "WHERE " + SubmittedByAny(command, submittedBy);
        command.CommandText = $"SELECT state, COUNT(*) FROM jobs {where} GROUP BY state";
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    public async IAsyncEnumerable<LogChunkRecord> ReadLogAsync(long jobId, int index, int attempt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken, forWriting: false).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT stream, data FROM log_chunks WHERE job_id = $job AND idx = $idx AND attempt = $att ORDER BY id";
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$idx", index);
        command.Parameters.AddWithValue("$att", attempt);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new LogChunkRecord(jobId, index, attempt, reader.GetInt32(0), (byte[])reader.GetValue(1));
        }
    }

    /// <summary>A condition matching jobs submitted by any of <paramref name="submitters"/> (none when it is empty), its values bound on <paramref name="command"/>.</summary>
    private static string SubmittedByAny(SqliteCommand command, IReadOnlyCollection<string> submitters)
    {
        if (submitters.Count == 0)
        {
            return "0";
        }

        var names = new List<string>();
        foreach (var submitter in submitters)
        {
            var name = $"$by{names.Count}";
            command.Parameters.AddWithValue(name, submitter);
            names.Add(name);
        }

        return $"submitted_by IN ({string.Join(", ", names)})";
    }

    /// <summary>Reads jobs, their subjobs and history with three queries sharing one set of parameters.</summary>
    internal static async Task<IReadOnlyList<JobDetails>> ReadDetailsAsync(
        SqliteConnection connection,
        string jobsSql,
        string subjobsSql,
        string changesSql,
        Action<SqliteParameterCollection> parameters,
        CancellationToken cancellationToken)
    {
        var jobs = await ReadAllAsync(connection, jobsSql, parameters, ReadJob, cancellationToken).ConfigureAwait(false);
        if (jobs.Count == 0)
        {
            return [];
        }

        var subjobs = (await ReadAllAsync(connection, subjobsSql, parameters, ReadSubjob, cancellationToken).ConfigureAwait(false))
            .ToLookup(s => s.JobId);
        var changes = (await ReadAllAsync(connection, changesSql, parameters, ReadChange, cancellationToken).ConfigureAwait(false))
            .ToLookup(c => c.JobId);
        return [.. jobs.Select(j => new JobDetails(j, [.. subjobs[j.Id]], [.. changes[j.Id]]))];
    }

    private static async Task<List<T>> ReadAllAsync<T>(
        SqliteConnection connection,
        string sql,
        Action<SqliteParameterCollection> parameters,
        Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        parameters(command.Parameters);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
