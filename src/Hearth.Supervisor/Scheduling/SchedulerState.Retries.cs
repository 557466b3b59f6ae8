using Hearth.Core.Placement;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

internal sealed partial class SchedulerState
{
    /// <summary>Failed subjobs waiting out their job's retry delay; they join the queue when it has passed.</summary>
    private readonly HashSet<Subjob> _delayed = [];

    /// <summary>
    /// The jobs that ended since this state was built, with the version their last write left them at. A retry by
    /// hand is checked against it, so a stale read of a job that has since run again is never written back.
    /// </summary>
    private readonly Dictionary<long, (WorkState State, long Version)> _ended = [];

    /// <summary>When the next delayed retry is due, if any waits.</summary>
    public DateTimeOffset? NextRetry()
    {
        DateTimeOffset? next = null;
        foreach (var subjob in _delayed)
        {
            if (subjob.RetryAt is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>
    /// Reruns a job's failed or killed subjobs, or one of them, by hand. An ended job comes back from
    /// <paramref name="stored"/> (read by the caller); its dependencies are checked again as at submission.
    /// </summary>
    public Job Retry(long jobId, int? index, JobDetails? stored, IReadOnlyDictionary<long, string>? storedStates, CycleEffects fx)
    {
        var active = _jobs.TryGetValue(jobId, out var job);
        if (!active)
        {
            job = Rebuild(jobId, stored);
        }

        var chosen = job!.Subjobs.Where(s => index is null ? s.State is WorkState.Failed or WorkState.Killed : s.Index == index).ToList();
        if (index is { } wanted)
        {
            if (chosen.Count == 0)
            {
                throw new FarmTargetNotFoundException($"job {jobId} has no subjob {wanted}; it has {job.Subjobs.Count} (0 to {job.Subjobs.Count - 1})");
            }

            if (chosen[0].State is not (WorkState.Failed or WorkState.Killed))
            {
                throw new JobRetryRefusedException($"subjob {wanted} of job {jobId} is {chosen[0].State.ToText()}; only failed or killed subjobs are retried");
            }
        }
        else if (chosen.Count == 0)
        {
            throw new JobRetryRefusedException($"job {jobId} is {job.State.ToText()} and has no failed or killed subjob to retry");
        }

        var (waiting, failed) = CheckDependencies(job.Controls.DependsOn, storedStates);
        if (failed is not null)
        {
            throw new JobRetryRefusedException($"{failed}; retry it first");
        }

        var now = _time.GetUtcNow();
        job.WaitFor(waiting);
        foreach (var subjob in chosen)
        {
            subjob.Reopen(now);
            _subjobs.Add(subjob.WorkId, subjob);
            fx.Touch(subjob);
            if (job.Waiting.Count == 0)
            {
                Queue(subjob, fx, now);
            }
        }

        if (!active)
        {
            _jobs.Add(job.Id, job);
            _ended.Remove(job.Id);
        }

        Depend(job);
        job.Reopen(now);
        fx.Touch(job);
        fx.ViewChanged = true;
        Refreshed(job, fx, now);
        return job;
    }

    /// <summary>An ended job back in memory from its stored record, as it was when it ended.</summary>
    private Job Rebuild(long jobId, JobDetails? stored)
    {
        if (stored is null || stored.Job.Id != jobId)
        {
            throw new FarmTargetNotFoundException($"job {jobId} not found");
        }

        var record = stored.Job;
        if (!WorkStates.Parse(record.State).IsTerminal()
            || (_ended.TryGetValue(jobId, out var ended) && ended.Version != record.Version))
        {
            throw new JobRetryRefusedException($"job {jobId} changed while this retry was asked for; ask again");
        }

        var job = new Job(
            record.Id, record.Name, record.Command, Core.Resources.ReservationSpec.Parse(record.Reservations), record.Priority, record.WorkingDirectory,
            record.SubmittedAt, record.SubmittedBy, JobControls.From(record.Controls));
        job.Restore(record);
        foreach (var s in stored.Subjobs)
        {
            job.AddSubjob(s.Sequence).Restore(s, ToAllocation(s.Allocations));
        }

        return job;
    }

    private static WorkRequest RequestFor(Subjob subjob) =>
        new(subjob.WorkId, subjob.Job.Reservations, subjob.Job.Priority, subjob.Sequence, subjob.Job.Requirements, subjob.AvoidHost);

    /// <summary>Queues a pending subjob now, or keeps it aside until its retry delay has passed.</summary>
    private void Queue(Subjob subjob, CycleEffects fx, DateTimeOffset now)
    {
        if (subjob.RetryAt is { } at && at > now)
        {
            _delayed.Add(subjob);
            return;
        }

        Enqueue(subjob, RequestFor(subjob), fx, now);
    }

    /// <summary>Delayed retries whose time has come join the queue at their old position.</summary>
    private void QueueDueRetries(CycleEffects fx)
    {
        if (_delayed.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var subjob in _delayed.Where(s => s.RetryAt is not { } at || at <= now).ToList())
        {
            _delayed.Remove(subjob);
            Enqueue(subjob, RequestFor(subjob), fx, now);
            Refreshed(subjob.Job, fx, now);
        }
    }
}
