using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The unfinished jobs and their subjobs, with the dependencies between jobs and the subjobs waiting out a retry
/// delay. It queues, withdraws and requeues subjobs in the loop's <see cref="Cluster"/>, so the queue and the jobs
/// never disagree; the attempts on workers are <see cref="Assignments"/>'. Only the loop touches it.
/// </summary>
internal sealed class JobBook(
    Cluster cluster, WorkerRegistry workers, FarmControls farm, TimeProvider time, SchedulerSettings settings, Func<long> nextSequence)
{
    private readonly Dictionary<long, Job> _jobs = [];
    private readonly Dictionary<string, Subjob> _subjobs = new(StringComparer.Ordinal);
    private readonly JobDependencies _dependencies = new();
    private readonly SubjobQueue _queue = new(cluster);

    private long _lastJobId;

    public IReadOnlyDictionary<long, Job> Jobs => _jobs;

    /// <summary>The stored agenda of a job being rebuilt, if it is an agenda job.</summary>
    public Func<long, Frames.Agenda?>? AgendaOf { get; init; }

    /// <summary>The subjobs not yet ended, by work ID: pending, delayed or running.</summary>
    public IReadOnlyDictionary<string, Subjob> Subjobs => _subjobs;

    /// <summary>Rebuilds the unfinished jobs from the store: pending work is queued again, running work on a known worker is adopted there.</summary>
    public void Restore(StoredCluster stored, CycleEffects fx, DateTimeOffset now)
    {
        _lastJobId = stored.LastJobId;
        foreach (var details in stored.UnfinishedJobs)
        {
            var job = FromRecord(details);
            _jobs.Add(job.Id, job);
            _dependencies.Depend(job);
            foreach (var subjob in job.Subjobs.Where(s => !s.State.IsTerminal()))
            {
                _subjobs.Add(subjob.WorkId, subjob);
                if (subjob.State == WorkState.Running && subjob.Host is { } host && workers.All.ContainsKey(host))
                {
                    Adopt(subjob, host);
                    continue;
                }

                if (subjob.State == WorkState.Running)
                {
                    subjob.Requeue(now);
                    fx.Touch(subjob);
                }

                if (job.Waiting.Count == 0)
                {
                    Queue(subjob, fx, now);
                }
            }

            Refreshed(job, fx, now);
        }
    }

    private void Adopt(Subjob subjob, string host)
    {
        foreach (var (resource, amount) in subjob.Allocation.Where(kv => !kv.Key.IsHost && !cluster.Ledger.HasGlobal(kv.Key)))
        {
            // A global resource removed from the configuration while work held it: keep what is held.
            cluster.Ledger.DefineGlobal(resource, amount);
        }

        cluster.Adopt(new RunningWork(SubjobQueue.RequestFor(subjob), host, subjob.Allocation));
    }

    /// <summary>Queues a new job; throws <see cref="PlacementException"/> for a global resource the cluster does not define.</summary>
    public Job Submit(JobSubmission submission, CycleEffects fx)
    {
        farm.CheckPriorityFloor(submission.Priority, submission.SubmittedBy);
        farm.CheckGlobalsDefined(submission.Resources);
        var controls = submission.Controls ?? JobControls.None;
        var (waiting, failed) = _dependencies.Check(controls.DependsOn, submission.StoredStates, _jobs.ContainsKey);
        var now = time.GetUtcNow();
        var job = new Job(
            ++_lastJobId, submission.Name, submission.Command, submission.Resources, submission.Priority, submission.WorkingDirectory, now,
            submission.SubmittedBy, controls, submission.Requirements);
        job.WaitFor(failed is null ? waiting : []);
        _jobs.Add(job.Id, job);
        _dependencies.Depend(job);
        fx.Touch(job);
        for (var i = 0; i < submission.Cpus; i++)
        {
            var subjob = job.AddSubjob(nextSequence());
            _subjobs.Add(subjob.WorkId, subjob);
            fx.Touch(subjob);
            if (failed is null && job.Waiting.Count == 0)
            {
                cluster.Submit(SubjobQueue.RequestFor(subjob));
            }
        }

        if (failed is { } reason)
        {
            FailBlocked(job, reason, fx, now);
        }
        else
        {
            Refreshed(job, fx, now);
        }

        return job;
    }

    public KillOutcome Kill(long jobId, CycleEffects fx)
    {
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return KillOutcome.NotActive;
        }

        var now = time.GetUtcNow();
        foreach (var subjob in job.Subjobs)
        {
            if (subjob.State == WorkState.Pending)
            {
                _queue.Withdraw(subjob);
                subjob.Cancel(now);
                _subjobs.Remove(subjob.WorkId);
                fx.Touch(subjob);
            }
            else if (subjob.State == WorkState.Running && !subjob.KillRequested)
            {
                subjob.RequestKill();
                fx.Touch(subjob);
                fx.Send(workers.SessionOf(subjob.Host), WorkerMessages.Kill(subjob.AssignmentId, settings.KillGrace));
            }
        }

        Refreshed(job, fx, now);
        return job.State.IsTerminal() ? KillOutcome.Killed : KillOutcome.Stopping;
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

        var (waiting, failed) = _dependencies.Check(job.Controls.DependsOn, storedStates, _jobs.ContainsKey);
        if (failed is not null)
        {
            throw new JobRetryRefusedException($"{failed}; retry it first");
        }

        var now = time.GetUtcNow();
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
            _dependencies.Reopened(job.Id);
        }

        _dependencies.Depend(job);
        job.Reopen(now);
        fx.Touch(job);
        fx.ViewChanged = true;
        Refreshed(job, fx, now);
        return job;
    }

    /// <summary>An ended agenda job back in the book, as the store kept it, for a frame action that makes its items run again.</summary>
    public Job Revive(long jobId, JobDetails? stored)
    {
        var job = Rebuild(jobId, stored);
        _jobs.Add(job.Id, job);
        _dependencies.Reopened(job.Id);
        _dependencies.Depend(job);
        return job;
    }

    /// <summary>An ended job back in memory from its stored record, as it was when it ended.</summary>
    private Job Rebuild(long jobId, JobDetails? stored)
    {
        if (stored is null || stored.Job.Id != jobId)
        {
            throw new FarmTargetNotFoundException($"job {jobId} not found");
        }

        if (!WorkStates.Parse(stored.Job.State).IsTerminal() || !_dependencies.IsCurrent(jobId, stored.Job.Version))
        {
            throw new JobRetryRefusedException($"job {jobId} changed while this retry was asked for; ask again");
        }

        return FromRecord(stored);
    }

    /// <summary>
    /// Changes a job after submission, all or nothing: a priority for pending and running subjobs alike, and
    /// reservations or requirements only while nothing has started. Each change goes in the job's history. False
    /// when the job is not active (it ended, or never existed).
    /// </summary>
    public bool Modify(long jobId, JobModification change, CycleEffects fx)
    {
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return false;
        }

        var pendingOnly = change.Resources is not null || change.ChangeRequirements;
        if (pendingOnly && (job.State != WorkState.Pending || job.Subjobs.Any(s => s.State != WorkState.Pending)))
        {
            throw new JobChangeRefusedException(
                $"job {jobId} is {job.State.ToText()}: its reservations and requirements can change only while it is pending; its priority can change until it ends");
        }

        if (change.Priority is { } priority)
        {
            farm.CheckPriorityFloor(priority, change.By);
        }

        if (change.Resources is { } spec)
        {
            farm.CheckGlobalsDefined(spec);
        }

        var now = time.GetUtcNow();
        var by = JobAccess.Show(change.By);
        if (change.Priority is { } p && p != job.Priority)
        {
            job.ChangePriority(p, by, now);
        }

        if (change.Resources is { } r && !r.Equals(job.Resources))
        {
            job.ChangeResources(r, by, now);
        }

        if (change.ChangeRequirements && change.Requirements?.Text != job.Requirements?.Text)
        {
            job.ChangeRequirements(change.Requirements, by, now);
        }

        foreach (var subjob in job.Subjobs)
        {
            if (!subjob.State.IsTerminal())
            {
                cluster.Update(SubjobQueue.RequestFor(subjob));
            }
        }

        fx.Touch(job);
        fx.ViewChanged = true;
        return true;
    }

    /// <summary>An ended agenda subjob was resumed because items are pending again: it joins the book and the queue.</summary>
    public void Resume(Subjob subjob, CycleEffects fx, DateTimeOffset now)
    {
        _subjobs.Add(subjob.WorkId, subjob);
        fx.Touch(subjob);
        if (subjob.Job.Waiting.Count == 0)
        {
            Queue(subjob, fx, now);
        }
    }

    /// <summary>An ended subjob leaves the book; its job stays until the job as a whole ends.</summary>
    public void Forget(Subjob subjob) => _subjobs.Remove(subjob.WorkId);

    /// <summary>When the next delayed retry is due, if any waits.</summary>
    public DateTimeOffset? NextRetry() => _queue.NextRetry();

    /// <summary>Delayed retries whose time has come join the queue at their old position.</summary>
    public void QueueDueRetries(CycleEffects fx)
    {
        var now = time.GetUtcNow();
        if (_queue.QueueDue(now) is not { } due)
        {
            return;
        }

        foreach (var (subjob, refused) in due)
        {
            Refuse(subjob, refused, fx, now);
            Refreshed(subjob.Job, fx, now);
        }
    }

    /// <summary>Queues a pending subjob now, or keeps it aside until its retry delay has passed.</summary>
    public void Queue(Subjob subjob, CycleEffects fx, DateTimeOffset now) => Refuse(subjob, _queue.Queue(subjob, now), fx, now);

    /// <summary>A subjob the queue refused can never be placed: it ends as failed, with the reason.</summary>
    private void Refuse(Subjob subjob, string? refused, CycleEffects fx, DateTimeOffset now)
    {
        if (refused is not null)
        {
            subjob.Reject(refused, now);
            _subjobs.Remove(subjob.WorkId);
            fx.Touch(subjob);
        }
    }

    public void Refreshed(Job job, CycleEffects fx, DateTimeOffset now)
    {
        if (job.Refresh(now))
        {
            fx.Touch(job);
        }

        if (job.State.IsTerminal())
        {
            _jobs.Remove(job.Id);
            fx.EndedJobs.Add(job.Id);
            Release(job, fx, now);
        }
    }

    /// <summary>
    /// A job ended: those blocked on it are queued once everything they wait for has completed, or fail at once if
    /// it did not complete.
    /// </summary>
    private void Release(Job job, CycleEffects fx, DateTimeOffset now)
    {
        if (_dependencies.Ended(job) is not { } dependents)
        {
            return;
        }

        foreach (var id in dependents.Order())
        {
            if (!_jobs.TryGetValue(id, out var dependent) || !dependent.Waiting.Contains(job.Id))
            {
                continue;
            }

            if (job.State != WorkState.Complete)
            {
                FailBlocked(dependent, JobDependencies.Failed(job.Id, job.State), fx, now);
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
            _queue.Withdraw(subjob);
            subjob.Reject(reason, now);
            _subjobs.Remove(subjob.WorkId);
            fx.Touch(subjob);
        }

        Refreshed(job, fx, now);
    }

    /// <summary>A job as the store kept it, with all its subjobs, ended ones included.</summary>
    private Job FromRecord(JobDetails details)
    {
        var record = details.Job;
        var job = new Job(
            record.Id, record.Name, record.Command, ResourceRequest.Parse(record.Reservations), record.Priority, record.WorkingDirectory,
            record.SubmittedAt, record.SubmittedBy, JobControls.From(record.Controls), Requirement.ParseOrNone(record.Requirements));
        job.Restore(record);
        job.Agenda = AgendaOf?.Invoke(job.Id);
        foreach (var s in details.Subjobs)
        {
            job.AddSubjob(s.Sequence).Restore(s, SchedulerState.ToAllocation(s.Allocations));
        }

        return job;
    }
}
