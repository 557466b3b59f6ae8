using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Everything the scheduler knows, in memory. It owns the core <see cref="Cluster"/> (ledger and queue) and the
/// order of its queue, and composes the parts that own the rest: the <see cref="WorkerRegistry"/>, the
/// <see cref="JobBook"/>, the attempts on workers (<see cref="Assignments"/>) and the <see cref="FarmControls"/>.
/// Each part is handed the cluster because each of its changes is also a change in the ledger or the queue; they
/// all run on the loop, one call at a time. An event that concerns more than one part (a worker arriving with its
/// processes, or lost with its work) is applied here. <see cref="Place"/> runs one placement cycle. Not
/// thread-safe: only the scheduling loop (or a test) calls it.
/// </summary>
internal sealed class SchedulerState
{
    private readonly TimeProvider _time;
    private readonly SchedulerSettings _settings;
    private readonly WorkerRegistry _workers;
    private readonly JobBook _jobs;
    private readonly Assignments _assignments;
    private readonly AgendaBook _agendas;
    private readonly FarmControls _farm;
    private readonly AccountSharing _sharing;

    /// <summary>The job book's unfinished subjobs, read by the instance side to tell its work from theirs.</summary>
    private readonly IReadOnlyDictionary<string, Subjob> _subjobs;

    /// <summary>The last queue position given out; subjobs and instances share the one queue order.</summary>
    private long _lastSequence;

    public SchedulerState(TimeProvider time, SchedulerSettings settings)
    {
        _time = time;
        _settings = settings;
        foreach (var (resource, total) in _settings.GlobalResources)
        {
            Cluster.Ledger.DefineGlobal(resource, total);
        }

        _workers = new WorkerRegistry(time, settings);
        _farm = new FarmControls(Cluster);
        _sharing = new AccountSharing(Cluster);
        _jobs = new JobBook(Cluster, _workers, _farm, time, settings, () => ++_lastSequence) { AgendaOf = id => _agendas?.Restored(id) };
        _agendas = new AgendaBook(_jobs, _workers, settings);
        _assignments = new Assignments(_jobs, _agendas, Cluster, _workers, time, settings);
        _subjobs = _jobs.Subjobs;
    }

    public Cluster Cluster { get; } = new();

    /// <summary>The instance work on this state's cluster; null when the supervisor serves no algorithms.</summary>
    public ClusterInstances? Instances { get; private set; }

    /// <summary>The owner of instance work, whose pool the instance work reads.</summary>
    public IInstanceWork? InstanceOwner
    {
        get => Instances?.Pool;
        init => Instances = value is null ? null : new ClusterInstances(value, Cluster, () => ++_lastSequence, _time);
    }

    public SchedulerSettings Settings => _settings;

    public IReadOnlyDictionary<long, Job> ActiveJobs => _jobs.Jobs;

    internal IReadOnlyDictionary<string, WorkerEntry> Workers => _workers.All;

    /// <inheritdoc cref="WorkerRegistry.AwaitingWorkers"/>
    public bool AwaitingWorkers => _workers.AwaitingWorkers;

    /// <inheritdoc cref="WorkerRegistry.Returning"/>
    public IReadOnlyCollection<string> Returning => _workers.Returning;

    /// <summary>Rebuilds from the store: pending work is queued again, running work is adopted on its worker, which is unreachable until it reconnects.</summary>
    public void Restore(StoredCluster stored, CycleEffects fx)
    {
        var now = _time.GetUtcNow();
        _lastSequence = stored.LastSequence;
        _farm.Restore(stored);
        _sharing.Restore(stored);
        foreach (var record in stored.Workers)
        {
            var worker = _workers.Restore(record, now);
            Cluster.AddHost(worker.Name, worker.Totals);
        }

        _farm.RestoreLocks();
        _agendas.Load(stored);
        _jobs.Restore(stored, fx, now);
        _agendas.AfterRestore(fx, now);
        foreach (var worker in _workers.All.Values)
        {
            var host = Cluster.Ledger.HostIndex(worker.Name);
            if (worker.Status == WorkerStatus.Down && Cluster.Ledger.RunningOn(host) > 0)
            {
                worker.Status = WorkerStatus.Unreachable;
            }

            Cluster.Ledger.SetUp(host, false);
            _workers.AwaitReturn(worker);
        }

        fx.ViewChanged = true;
    }

    /// <summary>Queues a new job; throws <see cref="PlacementException"/> for a global resource the cluster does not define.</summary>
    public Job Submit(JobSubmission submission, CycleEffects fx)
    {
        if (submission.Agenda is not { } spec)
        {
            return _jobs.Submit(submission, fx);
        }

        var chunks = spec.Plan.Items();
        var job = _jobs.Submit(submission with { Cpus = Math.Min(submission.Cpus, chunks.Count) }, fx);
        AgendaBook.Attach(job, spec, chunks, fx);
        _jobs.Refreshed(job, fx, _time.GetUtcNow());
        return job;
    }

    public KillOutcome Kill(long jobId, CycleEffects fx)
    {
        _agendas.Kill(jobId, fx, _time.GetUtcNow());
        return _jobs.Kill(jobId, fx);
    }

    /// <inheritdoc cref="JobBook.Retry"/>
    public Job Retry(long jobId, int? index, JobDetails? stored, IReadOnlyDictionary<long, string>? storedStates, CycleEffects fx) =>
        _jobs.Retry(jobId, index, stored, storedStates, fx);

    /// <summary>
    /// A frame action on the items holding <paramref name="frames"/> (all it applies to when null). An ended job comes
    /// back from <paramref name="stored"/> and <paramref name="storedAgenda"/>, for a retry only. Answers with the names of
    /// the items it changed and the job's items by state.
    /// </summary>
    public (IReadOnlyList<string> Items, IReadOnlyDictionary<string, int> Counts) FrameAction(
        long jobId, FrameAction action, IReadOnlyList<int>? frames, string range, string by, JobDetails? stored, AgendaDetails? storedAgenda, CycleEffects fx)
    {
        List<WorkItem> chosen;
        if (_jobs.Jobs.TryGetValue(jobId, out var job))
        {
            chosen = AgendaBook.Choose(job.Agenda ?? throw new FrameActionRefusedException($"job {jobId} is not an agenda job: it has no frames"), action, frames);
        }
        else
        {
            if (stored is null || stored.Job.Id != jobId)
            {
                throw new FarmTargetNotFoundException($"job {jobId} not found");
            }

            if (storedAgenda is null)
            {
                throw new FrameActionRefusedException($"job {jobId} is not an agenda job: it has no frames");
            }

            if (action != Frames.FrameAction.Retry)
            {
                throw new FrameActionRefusedException($"job {jobId} has ended: it is {stored.Job.State}; of the frame actions only retry takes an ended job");
            }

            var agenda = Agenda.Restore(storedAgenda);
            chosen = AgendaBook.Choose(agenda, action, frames);
            _agendas.Stage(agenda);
            job = _jobs.Revive(jobId, stored);
        }

        _agendas.Act(job, action, chosen, range, by, fx, _time.GetUtcNow());
        return ([.. chosen.Select(i => i.Chunk.Name)], job.Agenda!.Counts());
    }

    /// <inheritdoc cref="JobBook.Modify"/>
    public bool Modify(long jobId, JobModification change, CycleEffects fx) => _jobs.Modify(jobId, change, fx);

    /// <inheritdoc cref="JobBook.NextRetry"/>
    public DateTimeOffset? NextRetry() => LoopInstanceSteps.Earliest(_jobs.NextRetry(), _agendas.NextRetry());

    /// <summary>One placement cycle: decide on the current state, apply, record and send the assignments.</summary>
    public PlacementPlan Place(CycleEffects fx)
    {
        _jobs.QueueDueRetries(fx);
        _agendas.WakeDue(fx, _time.GetUtcNow());
        var plan = PlacementEngine.Decide(Cluster);
        if (plan.Decisions.Count == 0 && plan.ExaminedHosts.Count == 0)
        {
            return plan;
        }

        Cluster.Apply(plan);
        var now = _time.GetUtcNow();
        foreach (var decision in plan.Decisions)
        {
            if (!_assignments.Placed(decision, fx, now))
            {
                ClusterInstances.Dispatch(decision, fx);
            }
        }

        fx.ViewChanged |= plan.Decisions.Count > 0;
        return plan;
    }

    /// <summary>
    /// A worker (re)connects. Its reported processes are reconciled before it is offered any work: those of
    /// attempts still assigned to it are adopted, the others are killed, and attempts it no longer knows about
    /// return to the queue.
    /// </summary>
    public void Connect(WorkerSession session, Register register, CycleEffects fx)
    {
        var totals = _farm.ForWorker(register.Name, WorkerRegistry.ParseTotals(register));
        var worker = _workers.Accept(session, fx);
        _assignments.Reconcile(worker, register.Processes, fx);
        var ledger = Cluster.Ledger;
        if (!ledger.TryGetHostIndex(worker.Name, out var host) || ledger.RunningOn(host) == 0)
        {
            host = Cluster.AddHost(worker.Name, totals);
            worker.Totals = totals;
            ledger.SetLocked(host, _farm.IsLocked(worker.Name));
        }
        else
        {
            // It still holds adopted work: keep the totals that work was booked against.
            Cluster.HostUp(worker.Name);
        }

        worker.Properties = new HostProperties(worker.Name, register.Os, register.Arch, register.CpuModel, [.. register.Groups], register.Cluster);
        ledger.SetProperties(host, worker.Properties);
        worker.Isolation = register.Isolation.Length == 0 ? WorkerEntry.NoIsolation : register.Isolation;
        ledger.SetIsolated(host, worker.Isolation != WorkerEntry.NoIsolation);
        worker.AccountJobs = register.AccountJobs;
        ledger.SetTakesAccountJobs(host, !WorkerEntry.RefusesAccountJobs(register.AccountJobs));
        Instances?.Reconcile(session, register.Instances, fx);
        if (worker.Stale.Count > 0)
        {
            ledger.SetUp(host, false);
        }

        _workers.MarkUp(worker, fx);
    }

    /// <summary>The connection ended. Its work is kept until the heartbeat timeout, but nothing new goes there.</summary>
    public void Disconnect(WorkerSession session, CycleEffects fx)
    {
        if (_workers.Disconnect(session, fx))
        {
            Cluster.Ledger.SetUp(Cluster.Ledger.HostIndex(session.Name), false);
        }
    }

    /// <summary>A clean shutdown: the worker stopped its processes itself, so its work is requeued at once.</summary>
    public void Leave(WorkerSession session, CycleEffects fx)
    {
        if (_workers.Current(session) is { } worker)
        {
            MarkDown(worker, fx);
        }
    }

    public void Heard(WorkerSession session) => _workers.Heard(session);

    /// <summary>
    /// Counts a heartbeat and confirms it, after the fact: a worker fences from the last heartbeat confirmed, so a
    /// heartbeat that reached a session this supervisor has already given up on is not confirmed.
    /// </summary>
    public void Heartbeat(WorkerSession session, Heartbeat heartbeat, CycleEffects fx)
    {
        if (_workers.Current(session) is { } worker)
        {
            worker.LastSeen = _time.GetUtcNow();
            fx.Send(session, new SupervisorMessage { HeartbeatAck = new HeartbeatAck { Sequence = heartbeat.Sequence } });
        }
    }

    public void Started(WorkerSession session, ProcessStarted started, CycleEffects fx)
    {
        Heard(session);
        if (_assignments.TryFindCurrent(started.AssignmentId, session.Name, out var subjob))
        {
            _assignments.Started(subjob, started.Pid, fx);
        }
    }

    public void Exited(WorkerSession session, ProcessExited exited, CycleEffects fx)
    {
        Heard(session);
        if (!_workers.TryGet(session.Name, out var worker))
        {
            return;
        }

        if (worker.Stale.Remove(exited.AssignmentId))
        {
            if (worker.Stale.Count == 0 && worker.Status == WorkerStatus.Up)
            {
                Cluster.HostUp(worker.Name);
                fx.ViewChanged = true;
            }

            return;
        }

        if (_assignments.TryFindCurrent(exited.AssignmentId, worker.Name, out var subjob))
        {
            _assignments.End(subjob, exited.ExitCode, NullIfEmpty(exited.Error), fx);
        }
    }

    public void Log(WorkerSession session, LogChunk chunk, CycleEffects fx)
    {
        Heard(session);
        if (AssignmentId.TryParse(chunk.AssignmentId, out var id) && !chunk.Data.IsEmpty)
        {
            var stream = chunk.Stream == OutputStream.Stderr ? 2 : 1;
            fx.Record(new LogChunkRecord(id.JobId, id.Index, id.Attempt, stream, chunk.Data.ToByteArray()));
        }
    }

    /// <summary>Declares down every worker not heard from within the heartbeat timeout and fencing margin, by the supervisor's clock.</summary>
    public void ExpireWorkers(CycleEffects fx)
    {
        foreach (var worker in _workers.Expired() ?? [])
        {
            MarkDown(worker, fx);
        }
    }

    /// <inheritdoc cref="WorkerRegistry.NextExpiry"/>
    public DateTimeOffset? NextExpiry() => _workers.NextExpiry();

    /// <summary>Releases everything the worker held, exactly once, and requeues its work.</summary>
    private void MarkDown(WorkerEntry worker, CycleEffects fx)
    {
        var now = _time.GetUtcNow();
        _workers.MarkDown(worker, fx);
        if (Cluster.Ledger.TryGetHostIndex(worker.Name, out _))
        {
            foreach (var work in Cluster.HostDown(worker.Name))
            {
                if (!_assignments.ReturnLost(work, fx, now))
                {
                    ClusterInstances.Lost(work.Id, $"its worker {work.Host} was lost", fx);
                    fx.ViewChanged = true;
                }
            }
        }
    }

    /// <summary>
    /// Forgets a down worker: it leaves the listings and the store, and its host keeps no capacity in the ledger.
    /// A worker that is up or only unreachable (its work is still kept for it), or that still holds work, is
    /// refused. False when there is no such worker. Should it come back later, it registers as a new worker.
    /// </summary>
    public bool RemoveWorker(string name, CycleEffects fx)
    {
        if (!_workers.TryGet(name, out var worker))
        {
            return false;
        }

        if (worker.Status != WorkerStatus.Down)
        {
            throw new WorkerRemovalRefusedException(worker.Status == WorkerStatus.Up
                ? $"worker {name} is up; stop it first (a worker that leaves cleanly is marked down at once)"
                : $"worker {name} is unreachable and its work is kept for it until the heartbeat timeout; remove it once it is down");
        }

        var ledger = Cluster.Ledger;
        if (ledger.TryGetHostIndex(name, out var host))
        {
            var running = ledger.RunningOn(host);
            if (running > 0)
            {
                throw new WorkerRemovalRefusedException($"worker {name} still holds {running} running work item(s); wait for them to end or kill them first");
            }

            // The ledger's hosts are numbered for good; a forgotten one stays as an empty host that is down.
            Cluster.AddHost(name, new Dictionary<ResourceName, int>());
            ledger.SetUp(host, false);
        }

        _farm.ForgetWorker(name, fx);
        _workers.Forget(worker, fx);
        return true;
    }

    /// <inheritdoc cref="FarmControls.SetClusterTotal"/>
    public ResourceUsageView SetClusterTotal(ResourceName resource, int total, CycleEffects fx) => _farm.SetClusterTotal(resource, total, fx);

    /// <inheritdoc cref="FarmControls.ReportOutsideUse"/>
    public ResourceUsageView ReportOutsideUse(ResourceName resource, int inUse, CycleEffects fx) => _farm.ReportOutsideUse(resource, inUse, fx);

    /// <inheritdoc cref="FarmControls.SetHighestUserPriority"/>
    public PolicyView SetHighestUserPriority(int priority, CycleEffects fx) => _farm.SetHighestUserPriority(priority, fx);

    public PolicyView Policy() => _farm.Policy();

    /// <summary>Changes an existing account's limits and shares; <see cref="FarmRequestException"/> names a value it cannot take.</summary>
    public AccountSettingsView SetAccount(string account, string kind, SetAccountRequest change, CycleEffects fx)
    {
        _sharing.Set(account, change.MaxSlots, change.MaxInstances, change.Shares, fx);
        return AccountView(account, kind);
    }

    /// <inheritdoc cref="AccountSharing.Member"/>
    public void Member(string org, string member) => _sharing.Member(org, member);

    public AccountSettingsView AccountView(string account, string kind)
    {
        var settings = _sharing.Of(account);
        var held = Cluster.Quotas.HeldBy(account);
        return new AccountSettingsView(account, kind, settings.MaxSlots, settings.MaxInstances, settings.Shares, held.Slots, held.Instances);
    }

    /// <summary>Sets host resource totals on a known worker, kept over what the worker itself reports.</summary>
    public WorkerView SetWorkerResources(string name, IReadOnlyDictionary<ResourceName, int> totals, CycleEffects fx)
    {
        var worker = Known(name);
        worker.Totals = _farm.SetWorkerTotals(worker, totals, fx);
        fx.Touch(worker);
        return View(worker);
    }

    /// <summary>
    /// Locks a worker: it takes no new work and its running work grows no more, but that work runs to the end.
    /// With <paramref name="purge"/> its running subjobs are killed and go back to the queue (as on worker loss), and
    /// its idle warm instances that no reservation holds are stopped. Other warm instances stay until they are idle and
    /// stopped; reserved ones move to other workers, each let go only once its replacement is warm.
    /// </summary>
    public WorkerView LockWorker(string name, bool purge, CycleEffects fx)
    {
        var worker = Known(name);
        _farm.Lock(name, true, fx);
        if (purge)
        {
            _assignments.Purge(name, fx);
            ClusterInstances.PurgeIdle(name, $"worker {name} was locked with a purge", fx);
        }

        return View(worker);
    }

    public WorkerView UnlockWorker(string name, CycleEffects fx)
    {
        var worker = Known(name);
        _farm.Lock(name, false, fx);
        return View(worker);
    }

    /// <summary>The subjobs running on worker <paramref name="name"/>, by job and index.</summary>
    public IReadOnlyList<RunningSubjob> RunningOn(string name)
    {
        Known(name);
        return [.. Cluster.Running
            .Where(w => w.Host == name)
            .Select(w => _subjobs.GetValueOrDefault(w.Request.Id))
            .OfType<Subjob>()
            .Select(s => new RunningSubjob(s.Job.Id, s.Job.Name, s.Index, s.Attempt, s.Allocation.ToDictionary(), s.StartedAt))
            .OrderBy(s => s.JobId).ThenBy(s => s.Index)];
    }

    /// <summary>The ledger checked against the live allocations; see <see cref="LedgerAudit"/>.</summary>
    public LedgerAuditView Audit() => LedgerAudit.Check(Cluster, _subjobs, IsInstanceWork, _time.GetUtcNow());

    public ClusterView View()
    {
        var workers = new List<WorkerView>(_workers.All.Count);
        foreach (var worker in _workers.All.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            workers.Add(View(worker));
        }

        var ledger = Cluster.Ledger;
        return new ClusterView(workers, [.. ledger.GlobalUsage().Select(ToView)], Cluster.Pending.Count, Cluster.Running.Count, _time.GetUtcNow())
        {
            Quotas = Cluster.Quotas.Snapshot(),
        };
    }

    private WorkerView View(WorkerEntry worker)
    {
        var ledger = Cluster.Ledger;
        var known = ledger.TryGetHostIndex(worker.Name, out var host);
        // A worker that is not up takes no work: none of its capacity is free, whatever the ledger holds for it.
        List<ResourceUsageView> resources = known
            ? [.. ledger.HostUsage(host).Select(u => worker.Status == WorkerStatus.Up ? ToView(u) : ToView(u) with { Free = 0 })]
            : [];
        var p = worker.Properties;
        return new WorkerView(
            worker.Name, WorkerEntry.StatusText(worker.Status), worker.LastSeen, known ? ledger.RunningOn(host) : 0, resources, worker.Isolation,
            _farm.IsLocked(worker.Name), new WorkerPropertiesView(p.Name, p.Os, p.Arch, p.CpuModel, p.Groups, p.Cluster), worker.AccountJobs);
    }

    private WorkerEntry Known(string name) =>
        _workers.TryGet(name, out var worker) ? worker : throw new FarmTargetNotFoundException($"worker {name} not found");

    internal static ResourceUsageView ToView(ResourceUsage usage) => new(usage.Resource.ToString(), usage.Total, usage.Used, usage.Free, usage.Outside);

    internal static Allocation ToAllocation(IReadOnlyDictionary<string, int> amounts) =>
        new(amounts.Select(kv => KeyValuePair.Create(ParseResource(kv.Key), kv.Value)));

    internal static Dictionary<ResourceName, int> ToResources(IReadOnlyDictionary<string, int> amounts) =>
        amounts.ToDictionary(kv => ParseResource(kv.Key), kv => kv.Value);

    private static ResourceName ParseResource(string text) =>
        ResourceName.TryParse(text, out var resource, out var error) ? resource : throw new FormatException(error);

    /// <summary>A worker's report of why a process ended, as the store keeps it: it never fails a commit.</summary>
    private static string? NullIfEmpty(string text) => string.IsNullOrEmpty(text) ? null : StoredText.Clean(text);

    private bool IsInstanceWork(string workId) => !_subjobs.ContainsKey(workId) && Instances is { } instances && instances.Owns(workId);
}
