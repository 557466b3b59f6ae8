using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using static Hearth.Supervisor.Storage.Postgres.PostgresValues;

namespace Hearth.Supervisor.Storage.Postgres;

internal sealed class PostgresJobQueries(PostgresBackend backend) : IJobQueries
{
    public async Task<JobDetails?> FindJobAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        var found = await ReadDetailsAsync(
            connection,
            $"SELECT {JobColumns} FROM jobs WHERE id = $1",
            $"SELECT {SubjobColumns} FROM subjobs WHERE job_id = $1 ORDER BY idx",
            $"SELECT {ChangeColumns} FROM allocation_changes WHERE job_id = $1 ORDER BY id",
            () => [Value(id)],
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string>();
        if (filter.State is { } state)
        {
            command.Parameters.Add(Value(state));
            where.Add($"state = ${command.Parameters.Count}");
        }

        if (filter.BeforeId is { } before)
        {
            command.Parameters.Add(Value(before));
            where.Add($"id < ${command.Parameters.Count}");
        }

        if (filter.SubmittedBy is { } submitters)
        {
            command.Parameters.Add(Names(submitters));
            where.Add($"submitted_by = ANY(${command.Parameters.Count})");
        }

        command.Parameters.Add(Value(filter.Limit));
        command.CommandText =
            $"SELECT {JobColumns} FROM jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT ${command.Parameters.Count}";
        return await ReadAllAsync(command, ReadJob, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, int>> CountJobsByStateAsync(IReadOnlyCollection<string>? submittedBy, CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT state, COUNT(*)::integer FROM jobs GROUP BY state", connection);
        if (submittedBy is not null)
        {
            command.CommandText = "SELECT state, COUNT(*)::integer FROM jobs WHERE submitted_by = ANY($1) GROUP BY state";
            command.Parameters.Add(Names(submittedBy));
        }

        var rows = await ReadAllAsync(command, r => (State: r.GetString(0), Count: r.GetInt32(1)), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
    }

    public async IAsyncEnumerable<LogChunkRecord> ReadLogAsync(long jobId, int index, int attempt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT stream, data FROM log_chunks WHERE job_id = $1 AND idx = $2 AND attempt = $3 ORDER BY id",
            Value(jobId), Value(index), Value(attempt));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new LogChunkRecord(jobId, index, attempt, reader.GetInt32(0), reader.GetFieldValue<byte[]>(1));
        }
    }

    private static NpgsqlParameter Names(IReadOnlyCollection<string> names) =>
        new() { Value = names.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>Reads jobs, their subjobs and history in one round trip: three queries sharing one set of parameters.</summary>
    internal static async Task<IReadOnlyList<JobDetails>> ReadDetailsAsync(
        NpgsqlConnection connection,
        string jobsSql,
        string subjobsSql,
        string changesSql,
        Func<NpgsqlParameter[]> parameters,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { BatchCommand(jobsSql, parameters()), BatchCommand(subjobsSql, parameters()), BatchCommand(changesSql, parameters()) },
        };
        var jobs = new List<JobRecord>();
        var subjobs = new List<SubjobRecord>();
        var changes = new List<AllocationChangeRecord>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                jobs.Add(ReadJob(reader));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                subjobs.Add(ReadSubjob(reader));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                changes.Add(ReadChange(reader));
            }
        }

        var subjobsByJob = subjobs.ToLookup(s => s.JobId);
        var changesByJob = changes.ToLookup(c => c.JobId);
        return [.. jobs.Select(j => new JobDetails(j, [.. subjobsByJob[j.Id]], [.. changesByJob[j.Id]]))];
    }
}
