using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Which blocked jobs wait for which, and how the jobs that ended since the loop's state was built ended. The
/// <see cref="JobBook"/> asks it what a new dependency means and whom a job's end releases; only the loop touches it.
/// </summary>
internal sealed class JobDependencies
{
    /// <summary>For each unfinished job, the blocked jobs that wait for it.</summary>
    private readonly Dictionary<long, HashSet<long>> _dependents = [];

    /// <summary>
    /// The jobs that ended since this state was built, with the version their last write left them at. A retry by
    /// hand is checked against it, so a stale read of a job that has since run again is never written back.
    /// </summary>
    private readonly Dictionary<long, (WorkState State, long Version)> _ended = [];

    /// <summary>
    /// What a job that depends on <paramref name="dependsOn"/> still waits for, or why it fails at once: a job that
    /// is not known is refused, so no cycle can ever be made. The loop's own knowledge comes first
    /// (<paramref name="isActive"/>, then the jobs ended since); a job that ended before is known from <paramref name="stored"/>.
    /// </summary>
    public (List<long> Waiting, string? Failed) Check(
        IReadOnlyList<long> dependsOn, IReadOnlyDictionary<long, string>? stored, Func<long, bool> isActive)
    {
        var waiting = new List<long>();
        string? failed = null;
        foreach (var id in dependsOn)
        {
            if (isActive(id))
            {
                waiting.Add(id);
                continue;
            }

            WorkState state;
            if (_ended.TryGetValue(id, out var ended))
            {
                state = ended.State;
            }
            else if (stored is not null && stored.TryGetValue(id, out var text) && WorkStates.TryParse(text, out var parsed) && parsed.IsTerminal())
            {
                state = parsed;
            }
            else
            {
                throw new InvalidRequestException($"wait_for: job {id} does not exist");
            }

            if (state != WorkState.Complete)
            {
                failed ??= Failed(id, state);
            }
        }

        return (waiting, failed);
    }

    /// <summary>Notes what a blocked job waits for, so it moves on when those jobs end.</summary>
    public void Depend(Job job)
    {
        foreach (var id in job.Waiting)
        {
            if (!_dependents.TryGetValue(id, out var dependents))
            {
                _dependents[id] = dependents = [];
            }

            dependents.Add(job.Id);
        }
    }

    /// <summary>A job ended: remembers how, and hands back the jobs that waited for it, if any.</summary>
    public HashSet<long>? Ended(Job job)
    {
        // The job was written in this cycle, so its commit leaves it one version further on.
        _ended[job.Id] = (job.State, job.Version + 1);
        return _dependents.Remove(job.Id, out var dependents) ? dependents : null;
    }

    /// <summary>An ended job that is back in memory: its next end is remembered afresh.</summary>
    public void Reopened(long jobId) => _ended.Remove(jobId);

    /// <summary>False when the loop has seen <paramref name="jobId"/> end at another version than <paramref name="version"/>.</summary>
    public bool IsCurrent(long jobId, long version) => !_ended.TryGetValue(jobId, out var ended) || ended.Version == version;

    public static string Failed(long id, WorkState state) =>
        state == WorkState.Killed ? $"dependency {id} failed: it was killed" : $"dependency {id} failed";
}
