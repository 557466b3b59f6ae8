namespace Hearth.Core.Algorithms;

/// <summary>
/// The warm pool's state: instances by (account, build) and calls waiting for them. No I/O and no clock:
/// every method takes the time. The routing methods are the hot path of a call and do O(instances of one key)
/// work; the periodic decisions (idle timeout, eviction, queue expiry) are <see cref="WarmPoolPolicy"/>.
/// Not thread-safe: its owner serializes access.
/// </summary>
public sealed class WarmPool(WarmPoolSettings settings, Func<string> newInstanceId)
{
    private readonly Dictionary<string, AlgorithmInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<PoolKey, KeyState> _keys = [];

    public WarmPoolSettings Settings { get; } = settings;

    public IReadOnlyCollection<AlgorithmInstance> Instances => _instances.Values;

    public IEnumerable<WaitingCall> Waiting => _keys.Values.SelectMany(k => k.Waiting);

    public int WaitingCount { get; private set; }

    public AlgorithmInstance? Find(string id) => _instances.GetValueOrDefault(id);

    public IReadOnlyList<AlgorithmInstance> InstancesOf(PoolKey key) =>
        _keys.TryGetValue(key, out var state) ? state.Instances : [];

    public IReadOnlyCollection<WaitingCall> WaitingFor(PoolKey key) =>
        _keys.TryGetValue(key, out var state) ? state.Waiting : [];

    /// <summary>
    /// Routes a call: to an idle instance of its (account, build), reserved ones first, then the most recently
    /// used; else it waits, and when fewer instances are starting than calls are waiting, a new one is added
    /// (spillover) for the caller to place.
    /// </summary>
    public RouteResult Route(long callId, string account, InstanceTemplate template, DateTimeOffset deadline, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(template);
        var state = KeyOf(PoolKey.Of(account, template));
        AlgorithmInstance? best = null;
        foreach (var instance in state.Instances)
        {
            if (instance.State == InstanceState.Idle && (best is null || Better(instance, best)))
            {
                best = instance;
            }
        }

        if (best is not null)
        {
            best.Begin(callId);
            return new RoutedWarm(best);
        }

        var call = new WaitingCall(callId, account, template, now, deadline);
        state.Waiting.AddLast(call);
        WaitingCount++;
        var started = StartMissing(state, call.Template, now);
        return new RoutedQueued(call, started.Count > 0 ? started[0] : null);
    }

    /// <summary>Adds a starting instance that no call asked for yet, e.g. one a reservation keeps warm.</summary>
    public AlgorithmInstance Start(string account, InstanceTemplate template, string? reservationId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Add(KeyOf(PoolKey.Of(account, template)), account, template, reservationId, now);
    }

    /// <summary>Records re-discovered instances (say, reported by a worker after a supervisor restart) as idle.</summary>
    public AlgorithmInstance Adopt(string id, string account, InstanceTemplate template, string worker, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (_instances.ContainsKey(id))
        {
            throw new InstanceTransitionException($"instance {id} is already known");
        }

        var instance = new AlgorithmInstance(id, account, template, null, now);
        instance.Place(worker);
        instance.MarkReady(now);
        _instances.Add(id, instance);
        KeyOf(instance.Key).Instances.Add(instance);
        return instance;
    }

    /// <summary>The ledger placed the instance's work on <paramref name="worker"/>; it now loads there.</summary>
    public void Placed(string id, string worker) => Get(id).Place(worker);

    /// <summary>The instance printed PIPE_INIT_COMPLETE. A waiting call of its key, if any, takes it at once.</summary>
    public Assignment? Ready(string id, DateTimeOffset now)
    {
        var instance = Get(id);
        instance.MarkReady(now);
        return HandOver(instance, coldStart: true);
    }

    /// <summary>The instance's call finished; it is idle again, or takes the next waiting call of its key.</summary>
    public Assignment? Finished(string id, DateTimeOffset now)
    {
        var instance = Get(id);
        instance.End(now);
        return HandOver(instance, coldStart: false);
    }

    /// <summary>Takes a waiting call out of its queue (its timeout passed or its caller left); false if it was not waiting.</summary>
    public bool Cancel(WaitingCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!_keys.TryGetValue(call.Key, out var state) || !state.Waiting.Remove(call))
        {
            return false;
        }

        WaitingCount--;
        return true;
    }

    /// <summary>Marks the instance stopping: it takes no more calls.</summary>
    public void Stop(string id, string reason) => Get(id).BeginStopping(reason);

    /// <summary>Marks an instance reserved by <paramref name="reservationId"/>, or back to on-demand with null.</summary>
    public void SetReservation(string id, string? reservationId, DateTimeOffset now) => Get(id).SetReservation(reservationId, now);

    /// <summary>
    /// The instance is gone: stopped, crashed, failed to load, withdrawn or lost with its worker. Returns the call it
    /// was serving, if any. When it failed while loading and no other instance of its key remains, the calls waiting
    /// for it are abandoned (they get the failure). Otherwise waiting calls keep waiting, and after a crash or a stop
    /// replacements are added for the caller to place.
    /// </summary>
    public RemovalOutcome Remove(string id, bool failedLoading, DateTimeOffset now)
    {
        if (!_instances.Remove(id, out var instance))
        {
            return new RemovalOutcome(null, [], []);
        }

        var state = _keys[instance.Key];
        state.Instances.Remove(instance);
        var interrupted = instance.State == InstanceState.Busy ? instance.CurrentCall : null;
        instance.BeginStopping(instance.StopReason ?? "removed");

        if (state.Waiting.Count == 0)
        {
            Forget(instance.Key, state);
            return new RemovalOutcome(interrupted, [], []);
        }

        if (failedLoading)
        {
            if (state.Instances.Count > 0)
            {
                // Another instance may still serve them; starting yet another copy of a build that fails to load would loop.
                return new RemovalOutcome(interrupted, [], []);
            }

            var abandoned = state.Waiting.ToList();
            WaitingCount -= abandoned.Count;
            state.Waiting.Clear();
            Forget(instance.Key, state);
            return new RemovalOutcome(interrupted, abandoned, []);
        }

        return new RemovalOutcome(interrupted, [], StartMissing(state, state.Waiting.First!.Value.Template, now));
    }

    /// <summary>Removes calls whose deadline has passed from their queues and returns them.</summary>
    internal List<WaitingCall> TakeExpired(DateTimeOffset now)
    {
        var expired = new List<WaitingCall>();
        foreach (var state in _keys.Values)
        {
            for (var node = state.Waiting.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Deadline <= now)
                {
                    expired.Add(node.Value);
                    state.Waiting.Remove(node);
                    WaitingCount--;
                }

                node = next;
            }
        }

        return expired;
    }

    internal IEnumerable<(PoolKey Key, IReadOnlyList<AlgorithmInstance> Instances, int Waiting)> Keys =>
        _keys.Select(kv => (kv.Key, (IReadOnlyList<AlgorithmInstance>)kv.Value.Instances, kv.Value.Waiting.Count));

    private static bool Better(AlgorithmInstance candidate, AlgorithmInstance best) =>
        candidate.Reserved != best.Reserved ? candidate.Reserved : candidate.LastUsed > best.LastUsed;

    private Assignment? HandOver(AlgorithmInstance instance, bool coldStart)
    {
        var state = _keys[instance.Key];
        if (state.Waiting.First is not { } first)
        {
            return null;
        }

        state.Waiting.RemoveFirst();
        WaitingCount--;
        instance.Begin(first.Value.Id);
        return new Assignment(first.Value, instance, coldStart);
    }

    /// <summary>Adds starting instances until as many are starting as calls wait, within the per-key cap.</summary>
    private List<AlgorithmInstance> StartMissing(KeyState state, InstanceTemplate template, DateTimeOffset now)
    {
        var starting = 0;
        foreach (var instance in state.Instances)
        {
            if (instance.State == InstanceState.Starting)
            {
                starting++;
            }
        }

        var added = new List<AlgorithmInstance>();
        var account = state.Waiting.First!.Value.Account;
        while (starting < state.Waiting.Count && starting < Settings.MaxStartingPerKey)
        {
            added.Add(Add(state, account, template, null, now));
            starting++;
        }

        return added;
    }

    private AlgorithmInstance Add(KeyState state, string account, InstanceTemplate template, string? reservationId, DateTimeOffset now)
    {
        var instance = new AlgorithmInstance(newInstanceId(), account, template, reservationId, now);
        _instances.Add(instance.Id, instance);
        state.Instances.Add(instance);
        return instance;
    }

    private AlgorithmInstance Get(string id) =>
        _instances.GetValueOrDefault(id) ?? throw new InstanceTransitionException($"unknown instance {id}");

    private KeyState KeyOf(PoolKey key)
    {
        if (!_keys.TryGetValue(key, out var state))
        {
            state = new KeyState();
            _keys.Add(key, state);
        }

        return state;
    }

    private void Forget(PoolKey key, KeyState state)
    {
        if (state.Instances.Count == 0 && state.Waiting.Count == 0)
        {
            _keys.Remove(key);
        }
    }

    private sealed class KeyState
    {
        public List<AlgorithmInstance> Instances { get; } = [];

        public LinkedList<WaitingCall> Waiting { get; } = new();
    }
}
