using static Hearth.Supervisor.Storage.Sql.SqlRows;

namespace Hearth.Supervisor.Storage.Sql;

internal sealed class SqlFrameQueries(SqlBackend backend) : IFrameQueries
{
    public Task<AgendaRecord?> FindAgendaAsync(long jobId, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync($"SELECT {AgendaColumns} FROM agendas WHERE job_id = $1", [jobId], Agenda, cancellationToken, forWriting: false);

    public async Task<IReadOnlyList<WorkItemRecord>> ListItemsAsync(long jobId, string? state, int afterIndex, int limit, CancellationToken cancellationToken)
    {
        var sql = state is null
            ? $"SELECT {WorkItemColumns} FROM work_items WHERE job_id = $1 AND idx > $2 ORDER BY idx LIMIT $3"
            : $"SELECT {WorkItemColumns} FROM work_items WHERE job_id = $1 AND idx > $2 AND state = $4 ORDER BY idx LIMIT $3";
        SqlValue[] values = state is null ? [jobId, afterIndex, limit] : [jobId, afterIndex, limit, state];
        return await backend.QueryAsync(sql, values, backend.Rows.WorkItem, cancellationToken, forWriting: false).ConfigureAwait(false);
    }

    public Task<WorkItemRecord?> FindItemAsync(long jobId, int index, CancellationToken cancellationToken) =>
        backend.QueryFirstAsync(
            $"SELECT {WorkItemColumns} FROM work_items WHERE job_id = $1 AND idx = $2", [jobId, index], backend.Rows.WorkItem, cancellationToken, forWriting: false);

    public async Task<IReadOnlyDictionary<string, int>> CountItemsAsync(long jobId, CancellationToken cancellationToken)
    {
        var rows = await backend.QueryAsync(
            "SELECT state, COUNT(*) FROM work_items WHERE job_id = $1 GROUP BY state", [jobId], r => (State: r.GetString(0), Count: (int)r.GetInt64(1)),
            cancellationToken, forWriting: false).ConfigureAwait(false);
        return rows.ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
    }
}
