namespace Hearth.Supervisor.Storage;

/// <summary>The read side for the API and the web page.</summary>
public interface IJobQueries
{
    Task<JobDetails?> FindJobAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobFilter filter, CancellationToken cancellationToken);

    /// <summary>How many jobs are in each state; only those submitted by one of <paramref name="submittedBy"/> unless it is null.</summary>
    Task<IReadOnlyDictionary<string, int>> CountJobsByStateAsync(IReadOnlyCollection<string>? submittedBy, CancellationToken cancellationToken);

    /// <summary>The output of one subjob attempt, in the order it was written.</summary>
    IAsyncEnumerable<LogChunkRecord> ReadLogAsync(long jobId, int index, int attempt, CancellationToken cancellationToken);

    /// <summary>One subjob of a job, without the rest of the job: for a reader that follows it.</summary>
    Task<SubjobRecord?> FindSubjobAsync(long jobId, int index, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> chunks of one subjob attempt's output, in order: the newest ones when
    /// <paramref name="afterId"/> is negative (a tail), else those written after chunk <paramref name="afterId"/> (a follow).
    /// </summary>
    Task<IReadOnlyList<LogChunkView>> ReadLogTailAsync(long jobId, int index, int attempt, long afterId, int limit, CancellationToken cancellationToken);
}
