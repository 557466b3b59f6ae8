using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The scheduling loop. Each cycle takes every queued command, expires silent workers, runs one placement
/// cycle, commits all writes in one transaction, and only then sends assignments and answers callers. It
/// sleeps until a command arrives or the next worker would expire, never on a fixed poll.
/// </summary>
public sealed partial class Scheduler : IHostedService, IAsyncDisposable
{
    private const int MaxCommandsPerCycle = 2048;

    private readonly SchedulerInbox _inbox;
    private readonly Func<DateTimeOffset?> _nextWake;
    private readonly WorkerSessions _sessions;
    private readonly LoopInstanceSteps _instanceSteps;
    private readonly IInstanceWork? _instances;
    private readonly LoopRecovery _recovery = new(RestartBudget.Default);
    private SchedulerState _state;
    private readonly ISchedulerStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<Scheduler> _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CycleEffects _fx = new();
    private readonly IReservationWork? _reservations;
    /// <summary>This cycle's commands whose callers wait for its commit.</summary>
    private readonly List<SchedulerCommand> _answers = [];
    /// <summary>Every command this cycle took.</summary>
    private readonly List<SchedulerCommand> _taken = [];
    private readonly RefusedCycles _refused = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;
    private bool _cycleCommitted;
    private volatile bool _started;
    private volatile ClusterView _view = ClusterView.Empty;
    private volatile StorageUnavailableException? _storeTrouble;
    private long _cycles;

    public Scheduler(
        ISchedulerStore store,
        SchedulerSettings settings,
        TimeProvider time,
        JobWaiters waiters,
        ILogger<Scheduler> logger,
        IHostApplicationLifetime? lifetime = null,
        IInstanceWork? instances = null,
        IReservationWork? reservations = null,
        SchedulerInbox? inbox = null,
        WorkerSessions? sessions = null)
    {
        _inbox = inbox ?? new SchedulerInbox();
        _sessions = sessions ?? new WorkerSessions();
        _instanceSteps = new LoopInstanceSteps(instances, reservations, _sessions, time);
        _reservations = reservations;
        _store = store;
        _time = time;
        _nextWake = NextWake;
        _logger = logger;
        _lifetime = lifetime;
        Waiters = waiters;
        _instances = instances;
        _state = new SchedulerState(time, settings) { InstanceOwner = instances };
    }

    public JobWaiters Waiters { get; }

    public SchedulerSettings Settings => _state.Settings;

    /// <summary>The cluster as of the last cycle that changed it.</summary>
    public ClusterView View => _view;

    /// <summary>How many cycles the loop has run: each is one commit at most, so tests count them to bound a flow's cost.</summary>
    public long Cycles => Interlocked.Read(ref _cycles);

    /// <summary>Raised (on the loop) after a cycle that changed the cluster view.</summary>
    public event Action? ViewChanged;

    /// <summary>Raised (on the loop: handlers must be quick and must not keep the list) with the jobs that ended in a cycle, once it is committed.</summary>
    public event Action<IReadOnlyList<long>>? JobsEnded;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RestoreAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        _started = true;
    }

    /// <summary>Loads the store into the state, as at start, and commits what restoring it changed.</summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        _fx.Clear();
        var stored = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        _state.Restore(stored, _fx);
        await _store.CommitAsync(_fx.ToChangeSet(), cancellationToken).ConfigureAwait(false);
        _fx.MarkCommitted();
        _fx.Clear();
        _view = _state.View();
        _inbox.Quotas = _view.Quotas;
        _sessions.Publish(_state.Workers);
        LogRestored(stored.Workers.Count, stored.UnfinishedJobs.Count);
    }

    /// <summary>True from a successful start until the loop ends, by a stop or a failure; readiness probes ask.</summary>
    public bool IsRunning => _started && !_loop.IsCompleted;

    /// <summary>The store's trouble the loop is waiting out, reloading it until it answers; null when there is none.</summary>
    public StorageUnavailableException? StoreTrouble => _storeTrouble;

    /// <summary>
    /// A graceful stop: no new commands are taken, the loop handles those already queued, commits that last cycle
    /// and ends, so the store is left at a cycle boundary. Only if <paramref name="cancellationToken"/> runs out
    /// first is the loop cancelled mid-cycle, which leaves the store at its previous commit.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _inbox.Close();
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes it twice: as itself and as the hosted service.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    public Task<long> SubmitAsync(JobSubmission submission) => Ask<long>(reply => new SubmitCommand(submission, reply));

    public Task<KillOutcome> KillAsync(long jobId) => Ask<KillOutcome>(reply => new KillCommand(jobId, reply));

    /// <summary>The ledger checked against the live allocations, taken between two cycles.</summary>
    public Task<LedgerAuditView> AuditAsync() => Ask<LedgerAuditView>(reply => new AuditCommand(reply));

    /// <summary>Registers a connection; completes once the worker's registration is reconciled and stored, or throws <see cref="WorkerRejectedException"/>.</summary>
    public Task ConnectAsync(WorkerSession session, Register register) => Ask<bool>(reply => new ConnectCommand(session, register, reply));

    public void Receive(WorkerSession session, WorkerMessage message) => Post(new WorkerEventCommand(session, message));

    public void Disconnected(WorkerSession session) => Post(new DisconnectCommand(session));

    /// <summary>Forgets a down worker: true if removed, false if unknown; throws <see cref="WorkerRemovalRefusedException"/> while it is up or holds work.</summary>
    public Task<bool> RemoveWorkerAsync(string name) => Ask<bool>(reply => new RemoveWorkerCommand(name, reply));

    /// <summary>Sets a cluster-wide resource's total; throws <see cref="FarmRequestException"/> for a value it cannot take.</summary>
    public Task<ResourceUsageView> SetResourceTotalAsync(ResourceName resource, int total) =>
        FarmAsync((state, fx) => state.SetClusterTotal(resource, total, fx));

    /// <summary>Records a license's use outside the farm; throws <see cref="FarmTargetNotFoundException"/> for an undefined license.</summary>
    public Task<ResourceUsageView> ReportOutsideUseAsync(ResourceName resource, int inUse) =>
        FarmAsync((state, fx) => state.ReportOutsideUse(resource, inUse, fx));

    /// <summary>Sets host resource totals on a worker; throws <see cref="FarmTargetNotFoundException"/> for an unknown worker.</summary>
    public Task<WorkerView> SetWorkerResourcesAsync(string name, IReadOnlyDictionary<ResourceName, int> totals) =>
        FarmAsync((state, fx) => state.SetWorkerResources(name, totals, fx));

    /// <summary>Locks a worker against new work; <paramref name="purge"/> also kills and requeues its running subjobs.</summary>
    public Task<WorkerView> LockWorkerAsync(string name, bool purge) => FarmAsync((state, fx) => state.LockWorker(name, purge, fx));

    /// <summary>The subjobs running on a worker; throws <see cref="FarmTargetNotFoundException"/> for a worker never seen.</summary>
    public Task<IReadOnlyList<RunningSubjob>> RunningOnAsync(string name) => FarmAsync((state, _) => state.RunningOn(name));

    public Task<WorkerView> UnlockWorkerAsync(string name) => FarmAsync((state, fx) => state.UnlockWorker(name, fx));

    /// <summary>
    /// Reruns a job's failed or killed subjobs (or subjob <paramref name="index"/>) and answers with the job's new
    /// state. An ended job comes back from <paramref name="stored"/>; <paramref name="storedStates"/> holds the stored
    /// states of the jobs it depends on.
    /// </summary>
    public Task<string> RetryJobAsync(long jobId, int? index, JobDetails? stored, IReadOnlyDictionary<long, string> storedStates) =>
        FarmAsync((state, fx) => state.Retry(jobId, index, stored, storedStates, fx).State.ToText());

    /// <inheritdoc cref="SchedulerState.FrameAction"/>
    public Task<(IReadOnlyList<string> Items, IReadOnlyDictionary<string, int> Counts)> FrameActionAsync(
        long jobId, Frames.FrameAction action, IReadOnlyList<int>? frames, string range, string by, JobDetails? stored, AgendaDetails? storedAgenda) =>
        FarmAsync((state, fx) => state.FrameAction(jobId, action, frames, range, by, stored, storedAgenda, fx));

    /// <summary>Changes a job; false when it is not active. Throws <see cref="JobChangeRefusedException"/> or <see cref="PriorityNotAllowedException"/>.</summary>
    public Task<bool> ModifyJobAsync(long jobId, JobModification change) => FarmAsync((state, fx) => state.Modify(jobId, change, fx));

    public Task<PolicyView> SetHighestUserPriorityAsync(int priority) => FarmAsync((state, fx) => state.SetHighestUserPriority(priority, fx));

    public Task<PolicyView> PolicyAsync() => FarmAsync((state, _) => state.Policy());

    /// <summary>Changes an existing account's limits and shares; throws <see cref="FarmRequestException"/> naming a value it cannot take.</summary>
    public Task<AccountSettingsView> SetAccountAsync(string account, string kind, SetAccountRequest change) =>
        FarmAsync((state, fx) => state.SetAccount(account, kind, change, fx));

    public Task<AccountSettingsView> AccountAsync(string account, string kind) => FarmAsync((state, _) => state.AccountView(account, kind));

    /// <summary>The limits, shares and holdings of every given account, read in one go.</summary>
    public Task<IReadOnlyList<AccountSettingsView>> AccountsAsync(IReadOnlyList<(string Name, string Kind)> accounts) =>
        FarmAsync<IReadOnlyList<AccountSettingsView>>((state, _) => [.. accounts.Select(a => state.AccountView(a.Name, a.Kind))]);

    /// <summary>A membership was stored: work <paramref name="member"/> starts from now on counts against <paramref name="org"/> too.</summary>
    public Task<bool> MemberAsync(string org, string member) => FarmAsync((state, _) =>
    {
        state.Member(org, member);
        return true;
    });

    private Task<T> FarmAsync<T>(Func<SchedulerState, CycleEffects, T> control) => Ask<T>(reply => new FarmCommand<T>(control, reply));

    /// <summary>Posts the command <paramref name="command"/> builds around a new reply, and hands back the reply's task.</summary>
    private Task<T> Ask<T>(Func<TaskCompletionSource<T>, SchedulerCommand> command)
    {
        // While the store is in trouble nothing can be committed: say so at once rather than queue for the loop.
        if (_storeTrouble is { } trouble)
        {
            return Task.FromException<T>(trouble);
        }

        var reply = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(command(reply));
        return reply.Task;
    }

    private void Post(SchedulerCommand command) => _inbox.Post(command);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    while (_refused.Pending || await _inbox.WaitAsync(_nextWake, _time, cancellationToken).ConfigureAwait(false))
                    {
                        await CycleAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (!await TryRestartAsync(e, cancellationToken).ConfigureAwait(false))
                    {
                        _lifetime?.StopApplication();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Nothing reads the inbox from here on: later commands fail at once instead of waiting forever.
            _inbox.CloseAndFail(new OperationCanceledException("the supervisor is stopping"));
            _refused.FailAll(new OperationCanceledException("the supervisor is stopping"));
        }
    }

    /// <summary>
    /// The loop failed mid-cycle, so memory may be ahead of the store or inconsistent in itself: it starts over from
    /// the store, as a restarted supervisor would, keeping its HTTP side and the warm pool. Connected workers are cut
    /// off so they register again against the rebuilt state. The store's trouble is waited out however long it lasts
    /// (<see cref="LoopRecovery"/>), with <see cref="StoreTrouble"/> set meanwhile; false when the budget of restarts
    /// for other faults is spent, the store belongs to another supervisor now, or the supervisor is stopping.
    /// </summary>
    private async Task<bool> TryRestartAsync(Exception error, CancellationToken cancellationToken)
    {
        var trouble = StoreErrors.Classify(error);
        var step = _recovery.After(error, trouble, _time.GetUtcNow());
        // What the failed cycle committed is answered; what it did not, fails, and its callers may try again.
        Exception failure = step is null
            ? new OperationCanceledException("the supervisor is stopping: its scheduling loop failed", error)
            : (Exception?)trouble ?? new OperationCanceledException("the scheduling loop restarted before this was stored; try again", error);
        foreach (var command in _answers)
        {
            if (_cycleCommitted)
            {
                command.Answer();
            }
            else
            {
                command.Fail(failure);
            }
        }

        foreach (var worker in _state.Workers.Values)
        {
            worker.Session?.Close();
        }

        var since = _time.GetTimestamp();
        while (true)
        {
            if (step is not { } next)
            {
                LogLoopFailed(error);
                return false;
            }

            if (trouble is not null)
            {
                if (_storeTrouble?.Message != trouble.Message)
                {
                    LogStoreTrouble(trouble.Message);
                }

                _storeTrouble = trouble;
            }
            else
            {
                LogLoopRestarting(error, next.Restart, _recovery.Budget.Max, _recovery.Budget.Window.TotalSeconds);
            }

            _state = new SchedulerState(_time, _state.Settings) { InstanceOwner = _instances };
            _instanceSteps.Reset();
            if (!await LoopRecovery.WaitAsync(next, _time, _inbox.Closed, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            try
            {
                await RestoreAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                (error, trouble) = (e, StoreErrors.Classify(e));
                step = _recovery.After(e, trouble, _time.GetUtcNow());
            }
        }

        if (_storeTrouble is not null)
        {
            LogStoreBack(_time.GetElapsedTime(since).TotalSeconds);
            _storeTrouble = null;
        }

        _recovery.Recovered();
        if (_instances is not null)
        {
            // The rebuilt ledger holds no instance: placed ones come back as their workers report them, and the ones
            // still waiting for a place are queued again.
            _state.Instances?.Submit(_instances.Unplaced(), _fx);
        }

        return true;
    }

    /// <summary>
    /// Drops the loop's state for a new one from the store, as at start: connected workers are cut off, so they register
    /// again against it.
    /// </summary>
    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in _state.Workers.Values)
        {
            worker.Session?.Close();
        }

        _state = new SchedulerState(_time, _state.Settings) { InstanceOwner = _instances };
        _instanceSteps.Reset();
        await RestoreAsync(cancellationToken).ConfigureAwait(false);
        if (_instances is not null)
        {
            _state.Instances?.Submit(_instances.Unplaced(), _fx);
        }
    }

    private async Task CycleAsync(CancellationToken cancellationToken)
    {
        _fx.Clear();
        _answers.Clear();
        _taken.Clear();
        _cycleCommitted = false;
        Interlocked.Increment(ref _cycles);
        if (_refused.TryTake(out var again))
        {
            _taken.Add(again);
            Handle(again);
        }
        else
        {
            for (var n = 0; n < MaxCommandsPerCycle && _inbox.TryTake(out var command); n++)
            {
                _taken.Add(command);
                Handle(command);
            }
        }

        _state.ExpireWorkers(_fx);
        _state.Place(_fx);
        _instanceSteps.Run(_state, _fx);
        if (_fx.HasWrites)
        {
            try
            {
                await _store.CommitAsync(_fx.ToChangeSet(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_refused.TryIsolate(_taken, e))
                {
                    // One request's data, and none of the batch written: the others run again on state from the store.
                    LogBatchRefused(e, _taken.Count);
                    await ReloadAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                // Memory is now ahead of the store; the only safe way on is a restart that reloads it. Callers are
                // told to try again (503, or 507 when the store's disk is full), not handed the store's exception.
                Exception stopping = (Exception?)StoreErrors.Classify(e)
                    ?? new OperationCanceledException($"the store did not take the change ({e.Message}); the scheduling loop restarts from it, try again", e);
                foreach (var command in _answers)
                {
                    command.Fail(stopping);
                }

                throw;
            }

            _fx.MarkCommitted();
        }

        _cycleCommitted = true;

        foreach (var (session, message) in _fx.Messages)
        {
            session.Send(message);
        }

        foreach (var session in _fx.SessionsToClose)
        {
            session.Close();
        }

        _instanceSteps.HandOver(_state, _fx);

        foreach (var command in _answers)
        {
            command.Answer();
        }

        Waiters.Ended(_fx.EndedJobs);
        if (_fx.EndedJobs.Count > 0)
        {
            JobsEnded?.Invoke(_fx.EndedJobs);
        }
        if (_fx.ViewChanged)
        {
            _view = _state.View();
            _inbox.Quotas = _view.Quotas;
            ViewChanged?.Invoke();
        }
    }

    /// <summary>The earliest of the next worker expiry, retry, warm-pool decision and reservation change.</summary>
    private DateTimeOffset? NextWake() =>
        LoopInstanceSteps.Earliest(LoopInstanceSteps.Earliest(_state.NextExpiry(), _instanceSteps.NextDue), _state.NextRetry());

    /// <summary>
    /// Runs one command. A refusal is thrown by the command's checks, before it changed anything, and goes to its
    /// caller. Any other exception may have left the command half-applied: it fails its caller and ends the cycle
    /// unstored, and the loop starts over from the store.
    /// </summary>
    private void Handle(SchedulerCommand command)
    {
        try
        {
            if (command.Run(_state, _fx, _logger))
            {
                _answers.Add(command);
            }
        }
        catch (Exception e) when (SchedulerCommand.IsRefusal(e))
        {
            if (!command.Fail(e))
            {
                LogCommandFailed(command.GetType().Name, e);
            }
        }
        catch (Exception e)
        {
            command.Fail(new OperationCanceledException("the scheduling loop restarted before this was stored; try again", e));
            throw;
        }
    }
}
