using System.Globalization;
using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Reservations;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The warm pool's instances and waiting calls, and the calls in flight, behind one lock: a call's hand-over to an
/// instance and its deadline must not slip between the two. Every change to them happens here, under the lock, and
/// returns what the caller then does outside it (messages to workers, replies, requests to the loop); nothing slow
/// happens under it.
/// </summary>
internal sealed class InstanceTable(WarmPoolSettings settings)
{
    private readonly Lock _gate = new();
    private readonly WarmPool _pool = new(settings, NewInstanceId);
    private readonly Dictionary<long, PendingCall> _calls = [];

    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _pool.WaitingCount;
            }
        }
    }

    /// <summary>
    /// Takes a new call: an idle instance of the template (or of one of <paramref name="alternatives"/>, builds a
    /// rolling reservation keeps warm, when the template has none idle) serves it, or it waits, starting an instance
    /// when every one is busy. <c>Spillover</c> says a start was for a build that had instances already.
    /// </summary>
    public (AlgorithmInstance? Warm, AlgorithmInstance? Started, bool Spillover) Route(
        PendingCall call, string account, InstanceTemplate template, IReadOnlyList<InstanceTemplate> alternatives, DateTimeOffset now)
    {
        lock (_gate)
        {
            _calls.Add(call.Id, call);
            var hadInstances = _pool.InstancesOf(PoolKey.Of(account, template)).Count > 0;
            var routeTo = WarmAlternative(account, template, alternatives) ?? template;
            switch (_pool.Route(call.Id, account, routeTo, call.Deadline, now))
            {
                case RoutedWarm routed:
                    call.InstanceId = routed.Instance.Id;
                    call.Served = routed.Instance;
                    return (routed.Instance, null, false);
                case RoutedQueued queued:
                    call.Waiting = queued.Call;
                    return (null, queued.Started, queued.Started is not null && hadInstances);
                default:
                    return (null, null, false);
            }
        }
    }

    /// <summary>True when <paramref name="account"/> has an instance of the template or of one of the alternatives that is not stopping.</summary>
    public bool HasInstance(string account, InstanceTemplate template, IReadOnlyList<InstanceTemplate> alternatives)
    {
        lock (_gate)
        {
            if (_pool.InstancesOf(PoolKey.Of(account, template)).Any(i => i.State != InstanceState.Stopping))
            {
                return true;
            }

            foreach (var alternative in alternatives)
            {
                if (_pool.InstancesOf(PoolKey.Of(account, alternative)).Any(i => i.State != InstanceState.Stopping))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The call could not be sent to its instance's worker: the call is dropped and a busy instance stops.</summary>
    public void SendFailed(PendingCall call, string instanceId, string reason)
    {
        lock (_gate)
        {
            _calls.Remove(call.Id);
            if (_pool.Find(instanceId) is { State: InstanceState.Busy })
            {
                _pool.Stop(instanceId, reason);
            }
        }
    }

    /// <summary>Takes a still waiting call out of the queue; false when it has an instance already or has ended.</summary>
    public bool CancelWaiting(PendingCall call)
    {
        lock (_gate)
        {
            if (call.Waiting is not { } waiting || !_pool.Cancel(waiting))
            {
                return false;
            }

            _calls.Remove(call.Id);
            return true;
        }
    }

    /// <summary>
    /// The call's timeout passed. A waiting call leaves the queue, with the capacity message for its reply; a call on
    /// an instance stays, for its worker to time out (<c>OnInstance</c>); an ended one is <c>Gone</c>.
    /// </summary>
    public (bool Gone, bool OnInstance, string? NoCapacity) Expire(PendingCall call)
    {
        lock (_gate)
        {
            if (!_calls.ContainsKey(call.Id))
            {
                return (true, false, null);
            }

            if (call.Waiting is { } waiting && _pool.Cancel(waiting))
            {
                _calls.Remove(call.Id);
                return (false, false, NoCapacityMessage(waiting));
            }

            return (false, true, null);
        }
    }

    /// <summary>Gives up on a call its worker never answered: its instance stops. False when it had ended meanwhile.</summary>
    public bool GiveUp(PendingCall call, out string? worker)
    {
        worker = null;
        lock (_gate)
        {
            if (!_calls.Remove(call.Id))
            {
                return false;
            }

            if (call.InstanceId is { } id && _pool.Find(id) is { } instance)
            {
                worker = instance.Worker;
                _pool.Stop(id, "its worker did not answer a call in time");
            }

            return true;
        }
    }

    /// <summary>
    /// A worker's answer to a call: the call leaves the table (null when it had ended already). A reply frees the
    /// instance for the next waiting call (<c>Next</c>); a failure stops it.
    /// </summary>
    public (PendingCall? Call, (PendingCall Call, AlgorithmInstance Instance)? Next) CallDone(string instanceId, long callId, bool replied, string? failure, DateTimeOffset now)
    {
        lock (_gate)
        {
            _calls.Remove(callId, out var call);
            (PendingCall, AlgorithmInstance)? next = null;
            if (_pool.Find(instanceId) is { State: InstanceState.Busy } instance && instance.CurrentCall == callId)
            {
                if (replied)
                {
                    next = Claim(_pool.Finished(instanceId, now), coldStart: false, now);
                }
                else
                {
                    _pool.Stop(instanceId, failure ?? "the call failed");
                }
            }

            return (call, next);
        }
    }

    /// <summary>
    /// The call an instance was just handed leaves unserved (too little of its budget was left to finish there): the
    /// instance takes the next waiting call (<c>Next</c>), or is idle.
    /// </summary>
    public (PendingCall Call, AlgorithmInstance Instance)? Pass(PendingCall call, string instanceId, DateTimeOffset now)
    {
        lock (_gate)
        {
            _calls.Remove(call.Id);
            if (_pool.Find(instanceId) is not { State: InstanceState.Busy } instance || instance.CurrentCall != call.Id)
            {
                return null;
            }

            var next = Claim(_pool.Finished(instanceId, now), call.ColdStart, now);
            if (next is { } n && call.ColdStart)
            {
                n.Call.Breakdown = call.Breakdown;
            }

            return next;
        }
    }

    /// <summary>True when a start queued for <paramref name="key"/> is no longer needed: no call waits for it.</summary>
    public bool HasSurplusStart(PoolKey key)
    {
        lock (_gate)
        {
            return _pool.InstancesOf(key).Any(i => i.State == InstanceState.Starting && i.Worker is null) && _pool.WaitingFor(key).Count == 0;
        }
    }

    /// <summary>Marks a placed instance; null when the pool no longer wants it (it is gone, or placed already).</summary>
    public AlgorithmInstance? Placed(string instanceId, string worker)
    {
        lock (_gate)
        {
            if (_pool.Find(instanceId) is not { State: InstanceState.Starting, Worker: null } instance)
            {
                return null;
            }

            _pool.Placed(instanceId, worker);
            return instance;
        }
    }

    /// <summary>
    /// The instance loaded: a waiting call takes it at once (<c>Next</c>). One stopped or forgotten while it loaded is
    /// not wanted (<c>StopOn</c> names its worker); <c>Instance</c> is the loaded one, when it was wanted.
    /// </summary>
    public (AlgorithmInstance? Instance, (PendingCall Call, AlgorithmInstance Instance)? Next, string? StopOn) Ready(
        string instanceId, ColdStartBreakdown? breakdown, DateTimeOffset now)
    {
        lock (_gate)
        {
            var instance = _pool.Find(instanceId);
            if (instance is not { State: InstanceState.Starting })
            {
                return (null, null, instance?.Worker);
            }

            var next = Claim(_pool.Ready(instanceId, now), coldStart: true, now);
            if (next is { } claimed)
            {
                claimed.Call.Breakdown = breakdown;
            }

            return (instance, next, null);
        }
    }

    /// <summary>
    /// Removes a gone instance: the call it was serving and the calls that were waiting for its load leave the table,
    /// for the caller to fail. Null when the pool did not hold it.
    /// </summary>
    public InstanceRemoval? Remove(string instanceId, bool duringLoad, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_pool.Find(instanceId) is not { } instance)
            {
                return null;
            }

            var stoppedOnPurpose = instance.State == InstanceState.Stopping;
            var outcome = _pool.Remove(instanceId, duringLoad, now);
            PendingCall? interrupted = null;
            if (outcome.InterruptedCall is { } callId && _calls.Remove(callId, out var call))
            {
                interrupted = call;
            }

            var abandoned = new List<PendingCall>();
            foreach (var waiting in outcome.Abandoned)
            {
                if (_calls.Remove(waiting.Id, out var waited))
                {
                    abandoned.Add(waited);
                }
            }

            return new InstanceRemoval(instance, stoppedOnPurpose, interrupted, abandoned, outcome.Replacements);
        }
    }

    /// <summary>
    /// Stops a starting or idle instance, deciding under one hold of the lock what its state allows. One still
    /// waiting for a place leaves the pool at once (<c>Withdrawn</c>); for a placed one, <c>Worker</c> is told.
    /// </summary>
    public (InstanceStopResult Result, string? Worker, bool Withdrawn, IReadOnlyList<AlgorithmInstance> Replacements) Stop(string instanceId, string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            switch (_pool.Find(instanceId))
            {
                case null:
                    return (InstanceStopResult.NotFound, null, false, []);
                case { State: InstanceState.Stopping }:
                    return (InstanceStopResult.AlreadyStopping, null, false, []);
                case { State: InstanceState.Busy }:
                    return (InstanceStopResult.Busy, null, false, []);
                case var instance:
                    _pool.Stop(instanceId, reason);
                    if (instance.Worker is { } worker)
                    {
                        return (InstanceStopResult.Stopping, worker, false, []);
                    }

                    // Calls waiting for this build (none, usually) get an instance of their own in its place.
                    return (InstanceStopResult.Stopping, null, true, _pool.Remove(instanceId, failedLoading: false, now).Replacements);
            }
        }
    }

    public WarmPoolPlan Decide(Cluster cluster, DateTimeOffset now)
    {
        lock (_gate)
        {
            return WarmPoolPolicy.Decide(_pool, cluster, now);
        }
    }

    /// <summary>
    /// Applies a plan the loop decided; the expired calls leave the table with their capacity messages, for the caller
    /// to fail. The messages describe the pool as the calls' deadlines found it: the same plan withdraws the starts
    /// queued for them, which would otherwise read as "no instance could be started".
    /// </summary>
    public (WarmPoolPlan Applied, List<(PendingCall Call, string Message)> Expired) Apply(WarmPoolPlan plan, DateTimeOffset now)
    {
        lock (_gate)
        {
            var reasons = plan.Expired.ToDictionary(w => w.Id, NoCapacityMessage);
            var applied = WarmPoolPolicy.Apply(_pool, plan, now);
            var expired = new List<(PendingCall, string)>();
            foreach (var waiting in applied.Expired)
            {
                if (_calls.Remove(waiting.Id, out var call))
                {
                    expired.Add((call, reasons[waiting.Id]));
                }
            }

            return (applied, expired);
        }
    }

    public AlgorithmInstance Adopt(string instanceId, string account, InstanceTemplate template, string worker, DateTimeOffset now)
    {
        lock (_gate)
        {
            return _pool.Find(instanceId) ?? _pool.Adopt(instanceId, account, template, worker, now);
        }
    }

    public AlgorithmInstance StartReserved(string reservationId, string account, InstanceTemplate template, DateTimeOffset now)
    {
        lock (_gate)
        {
            return _pool.Start(account, template, reservationId, now);
        }
    }

    /// <summary>Marks an instance reserved, or on-demand again with null; false when it is gone.</summary>
    public bool SetReservation(string instanceId, string? reservationId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_pool.Find(instanceId) is null)
            {
                return false;
            }

            _pool.SetReservation(instanceId, reservationId, now);
            return true;
        }
    }

    public InstanceState? StateOf(string instanceId)
    {
        lock (_gate)
        {
            return _pool.Find(instanceId)?.State;
        }
    }

    public IReadOnlyList<(string Id, InstanceState State)> InstancesOn(string worker)
    {
        lock (_gate)
        {
            return [.. _pool.Instances.Where(i => i.Worker == worker).Select(i => (i.Id, i.State))];
        }
    }

    public IReadOnlyList<AlgorithmInstance> Unplaced()
    {
        lock (_gate)
        {
            return [.. _pool.Instances.Where(i => i.State == InstanceState.Starting && i.Worker is null)];
        }
    }

    public IReadOnlyList<InstanceSnapshot> Snapshot()
    {
        lock (_gate)
        {
            return [.. _pool.Instances.Select(InstanceSnapshot.Of)];
        }
    }

    public IReadOnlyList<InstanceView> List()
    {
        lock (_gate)
        {
            return [.. _pool.Instances.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).Select(InstanceView.Of)];
        }
    }

    /// <summary>Every call still in the table, which leaves it: the supervisor is stopping.</summary>
    public List<PendingCall> TakeAllCalls()
    {
        lock (_gate)
        {
            var open = _calls.Values.ToList();
            _calls.Clear();
            return open;
        }
    }

    /// <summary>
    /// Marks the call an assignment handed an instance to as running there, under the lock, so a deadline cannot slip
    /// between the hand-over and the claim. A call no longer known frees the instance for the next one.
    /// </summary>
    private (PendingCall Call, AlgorithmInstance Instance)? Claim(Assignment? assignment, bool coldStart, DateTimeOffset now)
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

    /// <summary>
    /// The first of <paramref name="alternatives"/> with an idle instance for <paramref name="account"/>, when the
    /// template itself has none idle: a previous build keeps serving warm while a roll completes.
    /// </summary>
    private InstanceTemplate? WarmAlternative(string account, InstanceTemplate template, IReadOnlyList<InstanceTemplate> alternatives)
    {
        if (alternatives.Count == 0 || HasIdle(PoolKey.Of(account, template)))
        {
            return null;
        }

        return alternatives.FirstOrDefault(a => HasIdle(PoolKey.Of(account, a)));
    }

    private bool HasIdle(PoolKey key) => _pool.InstancesOf(key).Any(i => i.State == InstanceState.Idle);

    private string NoCapacityMessage(WaitingCall waiting)
    {
        var instances = _pool.InstancesOf(waiting.Key);
        var busy = instances.Count(i => i.State == InstanceState.Busy);
        var unplaced = instances.Count(i => i.State == InstanceState.Starting && i.Worker is null);
        var starting = instances.Count(i => i.State == InstanceState.Starting && i.Worker is not null);
        var why = unplaced > 0
            ? $"no worker has room to start another (each instance needs {waiting.Template.Resources})"
            : starting > 0 ? $"{starting} instance(s) still starting" : "no instance could be started";
        return $"no instance of {waiting.Template.Algorithm} became free within the timeout of {Seconds(waiting.Deadline - waiting.QueuedAt)} s: "
            + $"{busy} busy, {why}";
    }

    public static string Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture);

    private static string NewInstanceId() => "i-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
}
