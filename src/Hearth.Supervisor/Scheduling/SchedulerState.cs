using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Everything the scheduler knows, in memory: the core <see cref="Cluster"/> (ledger and queue), the unfinished
/// jobs and the workers. Events change it and record their effects; <see cref="Place"/> runs one placement
/// cycle. Not thread-safe: only the scheduling loop (or a test) calls it.
/// </summary>
internal sealed partial class SchedulerState
{
    private readonly TimeProvider _time;
    private readonly SchedulerSettings _settings;
    private readonly Dictionary<long, Job> _jobs = [];
    private readonly Dictionary<string, Subjob> _subjobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private long _lastJobId;
    private long _lastSequence;

    public SchedulerState(TimeProvider time, SchedulerSettings settings)
    {
        _time = time;
        _settings = settings;
        foreach (var (resource, total) in _settings.GlobalResources)
        {
            Cluster.Ledger.DefineGlobal(resource, total);
        }
    }

    public Cluster Cluster { get; } = new();

    public SchedulerSettings Settings => _settings;

    public IReadOnlyDictionary<long, Job> ActiveJobs => _jobs;

    internal IReadOnlyDictionary<string, WorkerEntry> Workers => _workers;

    /// <summary>Rebuilds from the store: pending work is queued again, running work is adopted on its worker, which is unreachable until it reconnects.</summary>
    public void Restore(StoredCluster stored, CycleEffects fx)
    {
        var now = _time.GetUtcNow();
        _lastJobId = stored.LastJobId;
        _lastSequence = stored.LastSequence;
        RestoreSettings(stored);
        foreach (var record in stored.Workers)
        {
            var worker = new WorkerEntry(record.Name)
            {
                Totals = ToResources(record.Resources),
                Status = WorkerEntry.ParseStatus(record.State) == WorkerStatus.Down ? WorkerStatus.Down : WorkerStatus.Unreachable,
                LastSeen = now,
                Version = record.Version,
            };
            _workers.Add(worker.Name, worker);
            Cluster.AddHost(worker.Name, worker.Totals);
        }

        RestoreLocks();
        foreach (var details in stored.UnfinishedJobs)
        {
            RestoreJob(details, fx, now);
        }

        foreach (var worker in _workers.Values)
        {
            var host = Cluster.Ledger.HostIndex(worker.Name);
            if (worker.Status == WorkerStatus.Down && Cluster.Ledger.RunningOn(host) > 0)
            {
                worker.Status = WorkerStatus.Unreachable;
            }

            Cluster.Ledger.SetUp(host, false);
            if (worker.Status == WorkerStatus.Unreachable)
            {
                _returning.Add(worker.Name);
            }
        }

        fx.ViewChanged = true;
    }

    private void RestoreJob(JobDetails details, CycleEffects fx, DateTimeOffset now)
    {
        var record = details.Job;
        var spec = ReservationSpec.Parse(record.Reservations);
        var job = new Job(
            record.Id, record.Name, record.Command, spec, record.Priority, record.WorkingDirectory, record.SubmittedAt, record.SubmittedBy,
            JobControls.From(record.Controls), Requirement.ParseOrNone(record.Requirements));
        job.Restore(record);
        _jobs.Add(job.Id, job);
        Depend(job);
        foreach (var s in details.Subjobs)
        {
            var subjob = job.AddSubjob(s.Sequence);
            subjob.Restore(s, ToAllocation(s.Allocations));
            if (subjob.State.IsTerminal())
            {
                continue;
            }

            _subjobs.Add(subjob.WorkId, subjob);
            var request = RequestFor(subjob);
            if (subjob.State == WorkState.Running && subjob.Host is { } host && _workers.ContainsKey(host))
            {
                foreach (var (resource, amount) in subjob.Allocation.Where(kv => !kv.Key.IsHost && !Cluster.Ledger.HasGlobal(kv.Key)))
                {
                    // A global resource removed from the configuration while work held it: keep what is held.
                    Cluster.Ledger.DefineGlobal(resource, amount);
                }

                Cluster.Adopt(new RunningWork(request, host, subjob.Allocation));
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

        if (job.Refresh(now))
        {
            fx.Touch(job);
        }

        if (job.State.IsTerminal())
        {
            Forget(job, fx);
        }
    }

    /// <summary>Queues a new job; throws <see cref="PlacementException"/> for a global resource the cluster does not define.</summary>
    public Job Submit(JobSubmission submission, CycleEffects fx)
    {
        CheckPriorityFloor(submission.Priority, submission.SubmittedBy);
        CheckGlobalsDefined(submission.Reservations);
        var controls = submission.Controls ?? JobControls.None;
        var (waiting, failed) = CheckDependencies(controls.DependsOn, submission.StoredStates);
        var now = _time.GetUtcNow();
        var job = new Job(
            ++_lastJobId, submission.Name, submission.Command, submission.Reservations, submission.Priority, submission.WorkingDirectory, now,
            submission.SubmittedBy, controls, submission.Requirements);
        job.WaitFor(failed is null ? waiting : []);
        _jobs.Add(job.Id, job);
        Depend(job);
        fx.Touch(job);
        for (var i = 0; i < submission.Cpus; i++)
        {
            var subjob = job.AddSubjob(++_lastSequence);
            _subjobs.Add(subjob.WorkId, subjob);
            fx.Touch(subjob);
            if (failed is null && job.Waiting.Count == 0)
            {
                Cluster.Submit(RequestFor(subjob));
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

        var now = _time.GetUtcNow();
        foreach (var subjob in job.Subjobs)
        {
            if (subjob.State == WorkState.Pending)
            {
                Cluster.Withdraw(subjob.WorkId);
                _delayed.Remove(subjob);
                subjob.Cancel(now);
                _subjobs.Remove(subjob.WorkId);
                fx.Touch(subjob);
            }
            else if (subjob.State == WorkState.Running && !subjob.KillRequested)
            {
                subjob.RequestKill();
                fx.Touch(subjob);
                fx.Send(WorkerOf(subjob)?.Session, KillMessage(subjob.AssignmentId));
            }
        }

        Refreshed(job, fx, now);
        return job.State.IsTerminal() ? KillOutcome.Killed : KillOutcome.Stopping;
    }

    /// <summary>One placement cycle: decide on the current state, apply, record and send the assignments.</summary>
    public PlacementPlan Place(CycleEffects fx)
    {
        QueueDueRetries(fx);
        var plan = PlacementEngine.Decide(Cluster);
        if (plan.Decisions.Count == 0 && plan.ExaminedHosts.Count == 0)
        {
            return plan;
        }

        Cluster.Apply(plan);
        var now = _time.GetUtcNow();
        foreach (var decision in plan.Decisions)
        {
            if (!_subjobs.TryGetValue(decision.WorkId, out var subjob))
            {
                DispatchInstance(decision, fx);
                continue;
            }

            var session = _workers.GetValueOrDefault(decision.Host)?.Session;
            if (decision is DispatchDecision)
            {
                subjob.Dispatch(decision.Host, decision.Allocation);
                fx.Send(session, AssignMessage(subjob));
                Refreshed(subjob.Job, fx, now);
            }
            else
            {
                subjob.Grow(decision.Allocation);
                fx.Send(session, new SupervisorMessage
                {
                    Grow = new Grow { AssignmentId = subjob.AssignmentId, Allocations = { subjob.Allocation.ToDictionary() } },
                });
            }

            fx.Touch(subjob);
            fx.Record(new AllocationChangeRecord(
                subjob.Job.Id, subjob.Index, subjob.Attempt,
                decision is DispatchDecision ? AllocationChangeKinds.Dispatch : AllocationChangeKinds.Grow,
                decision.Host, decision.Allocation.ToDictionary(), now));
        }

        fx.ViewChanged |= plan.Decisions.Count > 0;
        return plan;
    }

    internal void Enqueue(Subjob subjob, WorkRequest request, CycleEffects fx, DateTimeOffset now)
    {
        try
        {
            Cluster.Submit(request);
        }
        catch (PlacementException e)
        {
            subjob.Reject(e.Message, now);
            _subjobs.Remove(subjob.WorkId);
            fx.Touch(subjob);
        }
    }

    /// <summary>Ends a running subjob whose process is gone, releasing what it held exactly once.</summary>
    private void EndSubjob(Subjob subjob, int exitCode, string? error, CycleEffects fx)
    {
        if (TryReturnPurged(subjob, fx))
        {
            return;
        }

        var now = _time.GetUtcNow();
        Cluster.Finish(subjob.WorkId);
        var failed = error is not null || exitCode != 0;
        if (failed && !subjob.KillRequested && subjob.Retried < subjob.Job.Controls.Retries)
        {
            subjob.RetryAfterFailure(exitCode, error, now, now + subjob.Job.Controls.RetryDelay);
            Queue(subjob, fx, now);
        }
        else
        {
            subjob.Finish(exitCode, error, now);
            _subjobs.Remove(subjob.WorkId);
        }

        fx.Touch(subjob);
        Refreshed(subjob.Job, fx, now);
    }

    /// <summary>Back to the queue at its old position, or killed if a kill was asked for. Its resources are already released.</summary>
    private void ReturnLostWork(RunningWork work, CycleEffects fx, DateTimeOffset now)
    {
        if (!_subjobs.TryGetValue(work.Id, out var subjob))
        {
            LoseInstance(work.Id, $"its worker {work.Host} was lost", fx);
            fx.ViewChanged = true;
            return;
        }

        if (subjob.KillRequested)
        {
            subjob.Cancel(now);
            _subjobs.Remove(subjob.WorkId);
        }
        else if (subjob.RequeueAfterLoss(_settings.MaxRequeues, now))
        {
            Cluster.Submit(RequestFor(subjob));
        }
        else
        {
            _subjobs.Remove(subjob.WorkId);
        }

        fx.Touch(subjob);
        Refreshed(subjob.Job, fx, now);
    }

    private void Refreshed(Job job, CycleEffects fx, DateTimeOffset now)
    {
        if (job.Refresh(now))
        {
            fx.Touch(job);
        }

        if (job.State.IsTerminal())
        {
            Forget(job, fx);
        }
    }

    private void Forget(Job job, CycleEffects fx)
    {
        _jobs.Remove(job.Id);
        fx.EndedJobs.Add(job.Id);
        Ended(job, fx);
    }

    private WorkerEntry? WorkerOf(Subjob subjob) => subjob.Host is { } host ? _workers.GetValueOrDefault(host) : null;

    private bool TryFindCurrent(string assignmentId, string worker, out Subjob subjob)
    {
        subjob = null!;
        return AssignmentId.TryParse(assignmentId, out var id)
            && _subjobs.TryGetValue(id.WorkId, out subjob!)
            && subjob.State == WorkState.Running
            && subjob.Attempt == id.Attempt
            && subjob.Host == worker;
    }

    private static SupervisorMessage AssignMessage(Subjob subjob) => new()
    {
        Assign = new Assign
        {
            AssignmentId = subjob.AssignmentId,
            JobId = subjob.Job.Id,
            SubjobIndex = subjob.Index,
            Argv = { subjob.Job.Command },
            Allocations = { subjob.Allocation.ToDictionary() },
            WorkingDirectory = subjob.Job.WorkingDirectory ?? "",
        },
    };

    private SupervisorMessage KillMessage(string assignmentId) => new()
    {
        Kill = new Kill { AssignmentId = assignmentId, GraceMs = (int)_settings.KillGrace.TotalMilliseconds },
    };

    internal static Allocation ToAllocation(IReadOnlyDictionary<string, int> amounts) =>
        new(amounts.Select(kv => KeyValuePair.Create(ParseResource(kv.Key), kv.Value)));

    internal static Dictionary<ResourceName, int> ToResources(IReadOnlyDictionary<string, int> amounts) =>
        amounts.ToDictionary(kv => ParseResource(kv.Key), kv => kv.Value);

    private static ResourceName ParseResource(string text) =>
        ResourceName.TryParse(text, out var resource, out var error) ? resource : throw new FormatException(error);
}
