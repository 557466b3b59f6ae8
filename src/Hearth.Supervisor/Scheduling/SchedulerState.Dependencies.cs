using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

internal sealed partial class SchedulerState
{
    /// <summary>For each unfinished job, the blocked jobs that wait for it.</summary>
    private readonly Dictionary<long, HashSet<long>> _dependents = [];

    /// <summary>
    /// What a job that depends on <paramref name="dependsOn"/> still waits for, or why it fails at once: a job that
    /// is not known is refused, so no cycle can ever be made. The loop's own knowledge comes first; a job that ended
    /// before it was built is known from <paramref name="stored"/>.
    /// </summary>
    private (List<long> Waiting, string? Failed) CheckDependencies(IReadOnlyList<long> dependsOn, IReadOnlyDictionary<long, string>? stored)
    {
        var waiting = new List<long>();
        string? failed = null;
        foreach (var id in dependsOn)
        {
            if (_jobs.ContainsKey(id))
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
                failed ??= DependencyFailed(id, state);
            }
        }

        return (waiting, failed);
    }

    /// <summary>Notes what a blocked job waits for, so it moves on when those jobs end.</summary>
    private void Depend(Job job)
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

    /// <summary>
    /// A job ended: those blocked on it are queued once everything they wait for has completed, or fail at once if
    /// it did not complete.
    /// </summary>
    private void Ended(Job job, CycleEffects fx)
    {
        // The job was written in this cycle, so its commit leaves it one version further on.
        _ended[job.Id] = (job.State, job.Version + 1);
        if (!_dependents.Remove(job.Id, out var dependents))
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var id in dependents.Order())
        {
            if (!_jobs.TryGetValue(id, out var dependent) || !dependent.Waiting.Contains(job.Id))
            {
                continue;
            }

            if (job.State != WorkState.Complete)
            {
                FailBlocked(dependent, DependencyFailed(job.Id, job.State), fx, now);
                continue;
            }

            fx.Touch(dependent);
            if (dependent.Satisfied(job.Id))
            {
                foreach (var subjob in dependent.Subjobs.Where(s => s.State == WorkState.Pending))
                {
                    Queue(subjob, fx, now);
                }

                Refreshed(dependent, fx, now);
            }
        }
    }

    /// <summary>Fails every pending subjob of a job whose dependency failed; it waits for nothing more.</summary>
    private void FailBlocked(Job job, string reason, CycleEffects fx, DateTimeOffset now)
    {
        job.WaitFor([]);
        fx.Touch(job);
        foreach (var subjob in job.Subjobs.Where(s => s.State == WorkState.Pending))
        {
            Cluster.Withdraw(subjob.WorkId);
            _delayed.Remove(subjob);
            subjob.Reject(reason, now);
            _subjobs.Remove(subjob.WorkId);
            fx.Touch(subjob);
        }

        Refreshed(job, fx, now);
    }

    private static string DependencyFailed(long id, WorkState state) =>
        state == WorkState.Killed ? $"dependency {id} failed: it was killed" : $"dependency {id} failed";
}
