using Hearth.Core.Algorithms;
using Hearth.Core.Placement;

namespace Hearth.Supervisor.Algorithms;

/// <summary>What comes back into the pool: placements from the scheduling loop, reports from workers, and ticks.</summary>
internal sealed partial class InstancePool
{
    /// <summary>
    /// The loop placed an instance's work on <paramref name="worker"/> (its cycle has committed): the instance starts
    /// there. When the pool no longer wants it (every call waiting for it left first), the loop is asked to release it.
    /// </summary>
    public void Placed(string instanceId, string worker)
    {
        AlgorithmInstance? instance = null;
        InstanceLaunchInfo? launch = null;
        lock (_gate)
        {
            if (_pool.Find(instanceId) is { State: InstanceState.Starting, Worker: null } found)
            {
                instance = found;
                _pool.Placed(instanceId, worker);
                _launchByHash.TryGetValue(instance.Template.Hash, out launch);
            }
        }

        if (instance is null)
        {
            _loop.Release(instanceId);
            return;
        }

        LogStarting(instanceId, instance.Template.Algorithm.ToString(), instance.Account, worker);
        if (launch is null || !_transport.Start(worker, instance, launch))
        {
            Exited(instanceId, launch is null ? "nothing is known about how to start its build" : $"worker {worker} is not connected", duringLoad: true);
        }
    }

    /// <summary>The instance printed PIPE_INIT_COMPLETE; a waiting call takes it at once.</summary>
    public void Ready(string instanceId, TimeSpan loadTime, ColdStartBreakdown? breakdown = null)
    {
        (PendingCall Call, AlgorithmInstance Instance)? next = null;
        string? stopOn = null;
        (string Reservation, string Hash)? loaded = null;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var instance = _pool.Find(instanceId);
            if (instance is not { State: InstanceState.Starting })
            {
                // Stopped or forgotten while it loaded: it is not wanted.
                stopOn = instance?.Worker;
            }
            else
            {
                next = ClaimLocked(_pool.Ready(instanceId, now), coldStart: true, now);
                if (next is { } claimed)
                {
                    claimed.Call.Breakdown = breakdown;
                }

                if (instance.ReservationId is { } reservation)
                {
                    loaded = (reservation, instance.Template.Hash);
                }
            }
        }

        if (loaded is { } l)
        {
            _reservations?.Loaded(l.Reservation, l.Hash);
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
            Send(n.Call, n.Instance, now);
        }
    }

    /// <summary>
    /// A worker's answer to a call: <paramref name="line"/> on a reply, else the failure (the instance crashed or hung,
    /// and is going away).
    /// </summary>
    public void CallDone(string instanceId, long callId, bool replied, byte[]? line, string? failure, bool timedOut, string? stdout = null)
    {
        PendingCall? call;
        (PendingCall Call, AlgorithmInstance Instance)? next = null;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _calls.Remove(callId, out call);
            if (_pool.Find(instanceId) is { State: InstanceState.Busy } instance && instance.CurrentCall == callId)
            {
                if (replied)
                {
                    next = ClaimLocked(_pool.Finished(instanceId, now), coldStart: false, now);
                }
                else
                {
                    _pool.Stop(instanceId, failure ?? "the call failed");
                }
            }
        }

        if (next is { } n)
        {
            Send(n.Call, n.Instance, now);
        }

        if (call is null)
        {
            return;
        }

        if (!replied)
        {
            Complete(call, timedOut ? CallStatus.TimedOut : CallStatus.InstanceFailed, null, failure, stdout);
            return;
        }

        var response = PipeProtocol.ParseResponse(line);
        switch (response)
        {
            case PipeResult:
                Complete(call, CallStatus.Ok, response, null, stdout);
                break;
            case PipeError error:
                Complete(call, CallStatus.AlgorithmError, response, error.Message, stdout);
                break;
            default:
                Complete(call, CallStatus.InstanceFailed, response, $"the instance wrote something that is not a response: {((PipeMalformed)response).Message}", stdout);
                break;
        }
    }

    /// <summary>
    /// The instance is gone: stopped, crashed, failed to load, or lost with its worker. Its resources are released:
    /// by the loop, unless <paramref name="workReleased"/> says the loop has done so already.
    /// </summary>
    public void Exited(string instanceId, string reason, bool duringLoad, bool workReleased = false)
    {
        RemovalOutcome outcome;
        PendingCall? interrupted = null;
        var abandoned = new List<PendingCall>();
        AlgorithmInstance? instance;
        var stoppedOnPurpose = false;
        lock (_gate)
        {
            instance = _pool.Find(instanceId);
            if (instance is null)
            {
                return;
            }

            stoppedOnPurpose = instance.State == InstanceState.Stopping;
            outcome = _pool.Remove(instanceId, duringLoad, _time.GetUtcNow());
            if (outcome.InterruptedCall is { } callId && _calls.Remove(callId, out var call))
            {
                interrupted = call;
            }

            foreach (var waiting in outcome.Abandoned)
            {
                if (_calls.Remove(waiting.Id, out var call2))
                {
                    abandoned.Add(call2);
                }
            }
        }

        Metrics.InstanceStopped(duringLoad ? "load_failed" : instance.StopReason is { } stop && stop.StartsWith("evicted", StringComparison.Ordinal) ? "evicted" : "exited");
        if (duringLoad || interrupted is not null)
        {
            LogFailed(instanceId, instance.Template.Algorithm.ToString(), instance.Account, reason);
        }
        else
        {
            LogGone(instanceId, instance.Template.Algorithm.ToString(), instance.Account, reason);
        }

        if (duringLoad && !stoppedOnPurpose && instance.ReservationId is { } reservation)
        {
            _reservations?.LoadFailed(reservation, instance.Template.Hash, _time.GetUtcNow(), reason);
        }

        if (!workReleased)
        {
            _loop.Release(instanceId);
        }

        if (outcome.Replacements.Count > 0)
        {
            Metrics.InstanceStarted(outcome.Replacements.Count);
            _loop.Submit(outcome.Replacements);
        }

        if (interrupted is not null)
        {
            Complete(interrupted, CallStatus.InstanceFailed, null, reason);
        }

        foreach (var call in abandoned)
        {
            Complete(call, CallStatus.InstanceFailed, null, $"no instance of {instance.Template.Algorithm} could be started: {reason}");
        }
    }

    /// <summary>
    /// The warm-pool policy's decisions on the pool as it is now, for the scheduling loop, which applies them: it
    /// withdraws the withdrawn instances' work itself and hands the plan back through <see cref="Apply"/>.
    /// </summary>
    public WarmPoolPlan Decide(Cluster cluster, DateTimeOffset now)
    {
        lock (_gate)
        {
            return WarmPoolPolicy.Decide(_pool, cluster, now);
        }
    }

    /// <summary>
    /// Applies a plan the loop decided and committed: expired waits fail, withdrawn starts leave the pool, idle and
    /// evicted instances are stopped. What changed since the decision is skipped; the next decision sees it again.
    /// </summary>
    public void Apply(WarmPoolPlan plan)
    {
        WarmPoolPlan applied;
        var expired = new List<(PendingCall Call, string Message)>();
        var stops = new List<(string Worker, string Id)>();
        lock (_gate)
        {
            applied = WarmPoolPolicy.Apply(_pool, plan, _time.GetUtcNow());
            foreach (var waiting in applied.Expired)
            {
                if (_calls.Remove(waiting.Id, out var call))
                {
                    expired.Add((call, NoCapacityMessage(waiting)));
                }
            }

            foreach (var stop in applied.Stops)
            {
                if (stop.Instance.Worker is { } worker)
                {
                    stops.Add((worker, stop.Instance.Id));
                }
            }
        }

        foreach (var stop in applied.Stops)
        {
            LogStopping(stop.Instance.Id, stop.Reason);
        }

        foreach (var (worker, id) in stops)
        {
            _transport.Stop(worker, id, Settings.StopGrace);
        }

        if (applied.Replacements.Count > 0)
        {
            Metrics.InstanceStarted(applied.Replacements.Count);
            _loop.Submit(applied.Replacements);
        }

        foreach (var (call, message) in expired)
        {
            Complete(call, CallStatus.NoCapacity, null, message);
        }
    }

    /// <summary>Instances a reconnecting worker reports as running, taken back as idle (a supervisor restart loses no warm instance).</summary>
    public AlgorithmInstance Adopt(string instanceId, string account, InstanceTemplate template, InstanceLaunchInfo launch, string worker)
    {
        lock (_gate)
        {
            _launchByHash.TryAdd(template.Hash, launch);
            return _pool.Find(instanceId) ?? _pool.Adopt(instanceId, account, template, worker, _time.GetUtcNow());
        }
    }

    /// <summary>Starting instances still waiting for a place on the ledger.</summary>
    public IReadOnlyList<AlgorithmInstance> Unplaced()
    {
        lock (_gate)
        {
            return [.. _pool.Instances.Where(i => i.State == InstanceState.Starting && i.Worker is null)];
        }
    }

    /// <summary>The instances the pool has placed on <paramref name="worker"/>, with their states.</summary>
    public IReadOnlyList<(string Id, InstanceState State)> InstancesOn(string worker)
    {
        lock (_gate)
        {
            return [.. _pool.Instances.Where(i => i.Worker == worker).Select(i => (i.Id, i.State))];
        }
    }

    public InstanceState? StateOf(string instanceId)
    {
        lock (_gate)
        {
            return _pool.Find(instanceId)?.State;
        }
    }

    /// <summary>
    /// Marks an instance reserved by <paramref name="reservationId"/>, or on-demand again with null. False when it is
    /// gone: it may exit (on a worker stream's thread) between the reconciler's snapshot and this.
    /// </summary>
    public bool SetReservation(string instanceId, string? reservationId)
    {
        lock (_gate)
        {
            if (_pool.Find(instanceId) is null)
            {
                return false;
            }

            _pool.SetReservation(instanceId, reservationId, _time.GetUtcNow());
            return true;
        }
    }

    /// <summary>
    /// Marks the call an assignment handed an instance to as running there. Under the lock, so a deadline cannot slip
    /// between the hand-over and the claim. A call no longer known frees the instance for the next one.
    /// </summary>
    private (PendingCall Call, AlgorithmInstance Instance)? ClaimLocked(Assignment? assignment, bool coldStart, DateTimeOffset now)
    {
        while (assignment is not null)
        {
            if (_calls.TryGetValue(assignment.Call.Id, out var call))
            {
                call.Waiting = null;
                call.InstanceId = assignment.Instance.Id;
                call.Served = assignment.Instance;
                call.ColdStart = coldStart;
                return (call, assignment.Instance);
            }

            assignment = _pool.Finished(assignment.Instance.Id, now);
        }

        return null;
    }

    private void Send(PendingCall call, AlgorithmInstance instance, DateTimeOffset now)
    {
        bool surplus;
        lock (_gate)
        {
            surplus = _pool.InstancesOf(instance.Key).Any(i => i.State == InstanceState.Starting && i.Worker is null)
                && _pool.WaitingFor(instance.Key).Count == 0;
        }

        if (surplus)
        {
            // A start queued for this call is no longer needed; the loop withdraws it before it takes room.
            _loop.Nudge();
        }

        Metrics.QueueWait(now - call.Created);
        Dispatch(call, instance.Id, instance.Worker!, now);
    }
}
