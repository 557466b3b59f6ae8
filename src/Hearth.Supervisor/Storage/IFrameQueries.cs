namespace Hearth.Supervisor.Storage;

/// <summary>The read side of agenda jobs: an agenda, its items a page at a time, and counts by state.</summary>
public interface IFrameQueries
{
    Task<AgendaRecord?> FindAgendaAsync(long jobId, CancellationToken cancellationToken);

    /// <summary>Items after index <paramref name="afterIndex"/> in hand-out order, at most <paramref name="limit"/>, only in <paramref name="state"/> unless it is null.</summary>
    Task<IReadOnlyList<WorkItemRecord>> ListItemsAsync(long jobId, string? state, int afterIndex, int limit, CancellationToken cancellationToken);

    Task<WorkItemRecord?> FindItemAsync(long jobId, int index, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, int>> CountItemsAsync(long jobId, CancellationToken cancellationToken);
}
