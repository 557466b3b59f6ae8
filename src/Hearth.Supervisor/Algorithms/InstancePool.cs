using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Reservations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The supervisor's warm pool: the instances' lives, from a start to an exit. Calls go to the
/// <see cref="CallDispatcher"/>; the instances and calls themselves are the <see cref="InstanceTable"/>'s. Starts
/// and releases of instance work are requests to the scheduling loop (<see cref="IInstanceWorkRequests"/>), which
/// alone owns the ledger; what its cycles did comes back after their commits (placements, the warm-pool policy's
/// decisions, adoptions), and worker reports come in from the worker streams.
/// </summary>
internal sealed partial class InstancePool : IDisposable
{
    private readonly InstanceTable _table;
    private readonly InstanceLaunches _launches = new();
    private readonly CallDispatcher _calls;
    private readonly IInstanceWorkRequests _loop;
    private readonly IInstanceTransport _transport;
    private readonly TimeProvider _time;
    private readonly IReservationHooks? _reservations;
    private readonly ILogger _logger;

    public InstancePool(
        InstancePoolSettings settings, IInstanceWorkRequests loop, IInstanceTransport transport, AlgorithmMetrics metrics, TimeProvider time,
        IReservationHooks? reservations = null, ILogger<InstancePool>? logger = null)
    {
        Settings = settings;
        Metrics = metrics;
        _loop = loop;
        _transport = transport;
        _time = time;
        _reservations = reservations;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _table = new InstanceTable(settings.Pool);
        _calls = new CallDispatcher(_table, _launches, loop, transport, metrics, time, reservations, settings.WorkerGrace);
    }

    public InstancePoolSettings Settings { get; }

    public AlgorithmMetrics Metrics { get; }

    public int WaitingCount => _table.WaitingCount;

    /// <summary>
    /// Runs one call on an instance of <paramref name="template"/> for <paramref name="account"/>: a warm one if idle,
    /// else it waits for one, starting another when every instance is busy (spillover). Never throws for what the
    /// algorithm or the cluster does; the outcome says. <paramref name="alternatives"/> are previous builds a rolling
    /// reservation still keeps warm: an idle instance of one serves the call when none of the template's is idle.
    /// </summary>
    public Task<CallOutcome> CallAsync(
        string account, InstanceTemplate template, InstanceLaunchInfo launch, byte[] request, TimeSpan timeout,
        IReadOnlyList<InstanceTemplate> alternatives, CancellationToken cancellationToken) =>
        _calls.CallAsync(account, template, launch, request, timeout, alternatives, captureStdout: false, cancellationToken);

    /// <summary>As above; with <paramref name="captureStdout"/> the outcome carries what the instance printed meanwhile.</summary>
    public Task<CallOutcome> CallAsync(
        string account, InstanceTemplate template, InstanceLaunchInfo launch, byte[] request, TimeSpan timeout,
        IReadOnlyList<InstanceTemplate> alternatives, bool captureStdout, CancellationToken cancellationToken) =>
        _calls.CallAsync(account, template, launch, request, timeout, alternatives, captureStdout, cancellationToken);

    /// <summary>A worker's answer to a call.</summary>
    public void CallDone(string instanceId, long callId, bool replied, byte[]? line, string? failure, bool timedOut, string? stdout = null) =>
        _calls.CallDone(instanceId, callId, replied, line, failure, timedOut, stdout);

    public IReadOnlyList<InstanceView> List() => _table.List();

    /// <summary>Every instance as the reservation reconciler sees it.</summary>
    public IReadOnlyList<InstanceSnapshot> Snapshot() => _table.Snapshot();

    public InstanceState? StateOf(string instanceId) => _table.StateOf(instanceId);

    /// <summary>The instances the pool has placed on <paramref name="worker"/>, with their states.</summary>
    public IReadOnlyList<(string Id, InstanceState State)> InstancesOn(string worker) => _table.InstancesOn(worker);

    /// <summary>Starting instances still waiting for a place on the ledger.</summary>
    public IReadOnlyList<AlgorithmInstance> Unplaced() => _table.Unplaced();

    /// <summary>
    /// The loop placed an instance's work on <paramref name="worker"/> (its cycle has committed): the instance starts
    /// there. When the pool no longer wants it (every call waiting for it left first), the loop is asked to release it.
    /// </summary>
    public void Placed(string instanceId, string worker)
    {
        if (_table.Placed(instanceId, worker) is not { } instance)
        {
            _loop.Release(instanceId);
            return;
        }

        LogStarting(instanceId, instance.Template.Algorithm.ToString(), instance.Account, worker);
        var launch = _launches.Find(instance.Template.Hash);
        if (launch is null || !_transport.Start(worker, instance, launch))
        {
            Exited(instanceId, launch is null ? "nothing is known about how to start its build" : $"worker {worker} is not connected", duringLoad: true);
        }
    }

    /// <summary>The instance printed PIPE_INIT_COMPLETE; a waiting call takes it at once.</summary>
    public void Ready(string instanceId, TimeSpan loadTime, ColdStartBreakdown? breakdown = null)
    {
        var now = _time.GetUtcNow();
        var (instance, next, stopOn) = _table.Ready(instanceId, breakdown, now);
        if (instance?.ReservationId is { } reservation)
        {
            _reservations?.Loaded(reservation, instance.Template.Hash);
        }

        Metrics.InstanceLoaded(loadTime, breakdown);
        LogReady(instanceId, Math.Round(loadTime.TotalMilliseconds));

        // No wake-up for the loop: the warm-pool policy already looks again by the earliest idle timeout this
        // instance could reach, and a reserved one's load reaches the loop through its reservation's health.
        if (stopOn is not null)
        {
            _transport.Stop(stopOn, instanceId, Settings.StopGrace);
        }

        if (next is { } n)
        {
            _calls.Send(n.Call, n.Instance, now);
        }
    }

    /// <summary>
    /// The instance is gone: stopped, crashed, failed to load, or lost with its worker. Its resources are released:
    /// by the loop, unless <paramref name="workReleased"/> says the loop has done so already.
    /// </summary>
    public void Exited(string instanceId, string reason, bool duringLoad, bool workReleased = false)
    {
        if (_table.Remove(instanceId, duringLoad, _time.GetUtcNow()) is not { } removal)
        {
            return;
        }

        var instance = removal.Instance;
        Metrics.InstanceStopped(duringLoad ? "load_failed" : instance.StopReason is { } stop && stop.StartsWith("evicted", StringComparison.Ordinal) ? "evicted" : "exited");
        if (duringLoad || removal.Interrupted is not null)
        {
            LogFailed(instanceId, instance.Template.Algorithm.ToString(), instance.Account, reason);
        }
        else
        {
            LogGone(instanceId, instance.Template.Algorithm.ToString(), instance.Account, reason);
        }

        if (duringLoad && !removal.StoppedOnPurpose && instance.ReservationId is { } reservation)
        {
            _reservations?.LoadFailed(reservation, instance.Template.Hash, _time.GetUtcNow(), reason);
        }

        if (!workReleased)
        {
            _loop.Release(instanceId);
        }

        Replace(removal.Replacements);
        removal.Interrupted?.Complete(CallStatus.InstanceFailed, null, reason);
        foreach (var call in removal.Abandoned)
        {
            call.Complete(CallStatus.InstanceFailed, null, $"no instance of {instance.Template.Algorithm} could be started: {reason}");
        }
    }

    /// <summary>
    /// The warm-pool policy's decisions on the pool as it is now, for the scheduling loop, which applies them: it
    /// withdraws the withdrawn instances' work itself and hands the plan back through <see cref="Apply"/>.
    /// </summary>
    public WarmPoolPlan Decide(Cluster cluster, DateTimeOffset now) => _table.Decide(cluster, now);

    /// <summary>
    /// Applies a plan the loop decided and committed: expired waits fail, withdrawn starts leave the pool, idle and
    /// evicted instances are stopped. What changed since the decision is skipped; the next decision sees it again.
    /// </summary>
    public void Apply(WarmPoolPlan plan)
    {
        var (applied, expired) = _table.Apply(plan, _time.GetUtcNow());
        foreach (var stop in applied.Stops)
        {
            LogStopping(stop.Instance.Id, stop.Reason);
            if (stop.Instance.Worker is { } worker)
            {
                _transport.Stop(worker, stop.Instance.Id, Settings.StopGrace);
            }
        }

        Replace(applied.Replacements);
        foreach (var (call, message) in expired)
        {
            call.Complete(CallStatus.NoCapacity, null, message);
        }
    }

    /// <summary>Instances a reconnecting worker reports as running, taken back as idle (a supervisor restart loses no warm instance).</summary>
    public AlgorithmInstance Adopt(string instanceId, string account, InstanceTemplate template, InstanceLaunchInfo launch, string worker)
    {
        _launches.RememberIfNew(template.Hash, launch);
        return _table.Adopt(instanceId, account, template, worker, _time.GetUtcNow());
    }

    /// <summary>
    /// Starts an instance that <paramref name="reservationId"/> holds from the start. Called on the scheduling loop,
    /// which queues its work in the same cycle.
    /// </summary>
    public AlgorithmInstance StartReserved(string reservationId, string account, InstanceTemplate template, InstanceLaunchInfo launch)
    {
        _launches.Remember(template.Hash, launch);
        var instance = _table.StartReserved(reservationId, account, template, _time.GetUtcNow());
        Metrics.InstanceStarted(1);
        return instance;
    }

    /// <summary>
    /// Marks an instance reserved by <paramref name="reservationId"/>, or on-demand again with null. False when it is
    /// gone: it may exit (on a worker stream's thread) between the reconciler's snapshot and this.
    /// </summary>
    public bool SetReservation(string instanceId, string? reservationId) => _table.SetReservation(instanceId, reservationId, _time.GetUtcNow());

    /// <summary>
    /// An operator's stop of one instance, starting or idle: a stuck load or a misbehaving process goes, and a
    /// reservation that held it starts a replacement. A busy one is left to finish its call, whose timeout bounds it.
    /// </summary>
    public InstanceStopResult Stop(string instanceId) => StopInstance(instanceId, "stopped by an admin");

    /// <summary>
    /// Stops an instance a reservation no longer needs: one still waiting for placement leaves the queue at once; a
    /// placed one is asked to stop, and its worker's exit report releases what it holds. False when it is busy (its
    /// call finishes first, and the reconciler retires it once it is idle), stopping already or gone.
    /// </summary>
    public bool Retire(string instanceId, string reason) => StopInstance(instanceId, reason) == InstanceStopResult.Stopping;

    public void Dispose()
    {
        foreach (var call in _table.TakeAllCalls())
        {
            call.Complete(CallStatus.Unavailable, null, "the supervisor is stopping");
        }
    }

    private InstanceStopResult StopInstance(string instanceId, string reason)
    {
        var (result, worker, withdrawn, replacements) = _table.Stop(instanceId, reason, _time.GetUtcNow());
        if (withdrawn)
        {
            _loop.Release(instanceId);
            Replace(replacements);
        }
        else if (worker is not null)
        {
            _transport.Stop(worker, instanceId, Settings.StopGrace);
        }

        return result;
    }

    /// <summary>Instances started for calls that still wait, in place of one that went: their work goes to the loop.</summary>
    private void Replace(IReadOnlyList<AlgorithmInstance> replacements)
    {
        if (replacements.Count > 0)
        {
            Metrics.InstanceStarted(replacements.Count);
            _loop.Submit(replacements);
        }
    }
}
