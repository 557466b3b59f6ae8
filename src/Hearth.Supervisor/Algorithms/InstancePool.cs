using System.Diagnostics;
using System.Globalization;
using Hearth.Core.Algorithms;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Supervisor.Algorithms;

/// <summary>Tunables of the supervisor's side of instances.</summary>
internal sealed record InstancePoolSettings(WarmPoolSettings Pool, TimeSpan LoadTimeout, TimeSpan StopGrace)
{
    /// <summary>How long past a call's deadline the supervisor waits for its worker's own timeout report.</summary>
    public TimeSpan WorkerGrace { get; init; } = TimeSpan.FromSeconds(5);

    public static InstancePoolSettings Default { get; } = new(WarmPoolSettings.Default, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5));
}

/// <summary>What an operator's stop of one instance did.</summary>
internal enum InstanceStopResult
{
    Stopping,
    AlreadyStopping,
    Busy,
    NotFound,
}

/// <summary>One instance as <c>hearth instances</c> lists it.</summary>
internal sealed record InstanceView(
    string Id, string Account, string Algorithm, string Hash, string? Version, string? Worker, string State, bool Reserved,
    DateTimeOffset LastUsed, DateTimeOffset CreatedAt, long CallsServed);

/// <summary>
/// The supervisor's warm pool: calls are routed here without passing through the scheduling loop, so a warm call
/// costs one lock, one message to its worker and one back. Cold starts go through the shared ledger
/// (<see cref="IInstanceWorkRequests"/>); worker reports and the loop's ticks come back in through the methods in
/// InstancePool.Events.cs. One lock guards the pool; nothing slow happens under it.
/// </summary>
internal sealed partial class InstancePool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly WarmPool _pool;
    private readonly Dictionary<long, PendingCall> _calls = [];
    private readonly Dictionary<string, InstanceLaunchInfo> _launchByHash = new(StringComparer.Ordinal);
    private readonly IInstanceWorkRequests _loop;
    private readonly IInstanceTransport _transport;
    private readonly TimeProvider _time;
    private readonly IReservationHooks? _reservations;
    private readonly ILogger _logger;
    private long _lastCallId;

    public InstancePool(
        InstancePoolSettings settings, IInstanceWorkRequests loop, IInstanceTransport transport, AlgorithmMetrics metrics, TimeProvider time,
        IReservationHooks? reservations = null, ILogger<InstancePool>? logger = null)
    {
        _reservations = reservations;
        Settings = settings;
        _loop = loop;
        _transport = transport;
        Metrics = metrics;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _pool = new WarmPool(settings.Pool, NewInstanceId);
    }

    public InstancePoolSettings Settings { get; }

    public AlgorithmMetrics Metrics { get; }

    /// <summary>
    /// Runs one call on an instance of <paramref name="template"/> for <paramref name="account"/>: a warm one if idle,
    /// else it waits for one, starting another when every instance is busy (spillover). Never throws for what the
    /// algorithm or the cluster does; the outcome says. <paramref name="alternatives"/> are previous builds a rolling
    /// reservation still keeps warm: an idle instance of one serves the call when none of the template's is idle.
    /// </summary>
    public async Task<CallOutcome> CallAsync(
        string account, InstanceTemplate template, InstanceLaunchInfo launch, byte[] request, TimeSpan timeout,
        IReadOnlyList<InstanceTemplate> alternatives, CancellationToken cancellationToken) =>
        await CallAsync(account, template, launch, request, timeout, alternatives, captureStdout: false, cancellationToken).ConfigureAwait(false);

    /// <summary>As above; with <paramref name="captureStdout"/> the outcome carries what the instance printed meanwhile.</summary>
    public async Task<CallOutcome> CallAsync(
        string account, InstanceTemplate template, InstanceLaunchInfo launch, byte[] request, TimeSpan timeout,
        IReadOnlyList<InstanceTemplate> alternatives, bool captureStdout, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var call = new PendingCall(this, Interlocked.Increment(ref _lastCallId), request, now, now + timeout) { CaptureStdout = captureStdout };
        AlgorithmInstance? warm = null;
        AlgorithmInstance? started = null;
        string? worker = null;
        lock (_gate)
        {
            _launchByHash[template.Hash] = launch;
            _calls.Add(call.Id, call);
            var hadInstances = _pool.InstancesOf(new PoolKey(account, template.Hash)).Count > 0;
            var routeTo = WarmAlternativeLocked(account, template, alternatives) ?? template;
            switch (_pool.Route(call.Id, account, routeTo, call.Deadline, now))
            {
                case RoutedWarm routed:
                    warm = routed.Instance;
                    worker = warm.Worker;
                    call.InstanceId = warm.Id;
                    call.Served = warm;
                    break;
                case RoutedQueued queued:
                    call.Waiting = queued.Call;
                    started = queued.Started;
                    if (started is not null && hadInstances)
                    {
                        Metrics.Spillover();
                    }

                    break;
            }
        }

        if (warm is not null)
        {
            Metrics.WarmHit();
            Dispatch(call, warm.Id, worker!, now);
        }
        else if (started is not null)
        {
            Metrics.InstanceStarted(1);
            _loop.Submit([started]);
        }

        using var deadline = _time.CreateTimer(static state => ((PendingCall)state!).Pool.OnDeadline((PendingCall)state), call, timeout, Timeout.InfiniteTimeSpan);
        using var abandoned = cancellationToken.Register(static state => ((PendingCall)state!).Pool.OnCallerGone((PendingCall)state), call);
        var outcome = await call.Done.Task.ConfigureAwait(false);
        Metrics.Call(outcome.Status, outcome.ColdStart, outcome.Duration);
        if (outcome.Status is CallStatus.Ok or CallStatus.AlgorithmError && call.Served is { } served)
        {
            _reservations?.CallServed(account, served.Template.Hash, served.ReservationId);
        }

        return outcome;
    }

    public IReadOnlyList<InstanceView> List()
    {
        lock (_gate)
        {
            return [.. _pool.Instances.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).Select(ToView)];
        }
    }

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

    public void Dispose()
    {
        List<PendingCall> open;
        lock (_gate)
        {
            open = [.. _calls.Values];
            _calls.Clear();
        }

        foreach (var call in open)
        {
            Complete(call, CallStatus.Unavailable, null, "the supervisor is stopping");
        }
    }

    private static InstanceView ToView(AlgorithmInstance i) => new(
        i.Id, i.Account, i.Template.Algorithm.ToString(), i.Template.Hash, i.Template.Version?.ToString(), i.Worker,
        i.State.ToString().ToLowerInvariant(), i.Reserved, i.LastUsed, i.CreatedAt, i.CallsServed);

    private static string NewInstanceId() => "i-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>Sends a call to its instance with what is left of its timeout.</summary>
    private void Dispatch(PendingCall call, string instanceId, string worker, DateTimeOffset now)
    {
        var remaining = call.Deadline - now;
        if (remaining < TimeSpan.FromMilliseconds(1))
        {
            remaining = TimeSpan.FromMilliseconds(1);
        }

        if (!_transport.Call(worker, instanceId, call.Id, call.Request, remaining, call.CaptureStdout))
        {
            lock (_gate)
            {
                _calls.Remove(call.Id);
                if (_pool.Find(instanceId) is { State: InstanceState.Busy })
                {
                    _pool.Stop(instanceId, $"worker {worker} is not connected");
                }
            }

            Complete(call, CallStatus.Unavailable, null, $"the worker {worker} holding the instance is not connected; try again");
        }
    }

    private static void Complete(PendingCall call, CallStatus status, PipeResponse? response, string? message, string? stdout = null) =>
        call.Done.TrySetResult(new CallOutcome(status, response, message, call.ColdStart, Stopwatch.GetElapsedTime(call.StartedTicks), call.InstanceId)
        {
            Served = call.Served?.Template,
            Stdout = stdout,
            Breakdown = call.ColdStart ? call.Breakdown : null,
        });

    private void OnCallerGone(PendingCall call)
    {
        lock (_gate)
        {
            if (call.Waiting is not { } waiting || !_pool.Cancel(waiting))
            {
                return;
            }

            _calls.Remove(call.Id);
        }

        Complete(call, CallStatus.Unavailable, null, "the caller went away");
        _loop.Nudge();
    }

    /// <summary>
    /// The call's timeout passed. A call still waiting gets a capacity error; a call on an instance is the worker's to
    /// time out, and only if the worker stays silent past a grace does the supervisor give up on it.
    /// </summary>
    private void OnDeadline(PendingCall call)
    {
        string message;
        lock (_gate)
        {
            if (!_calls.ContainsKey(call.Id))
            {
                return;
            }

            if (call.Waiting is { } waiting && _pool.Cancel(waiting))
            {
                _calls.Remove(call.Id);
                message = NoCapacityMessage(waiting);
            }
            else
            {
                _ = GiveUpAfterGraceAsync(call);
                return;
            }
        }

        Complete(call, CallStatus.NoCapacity, null, message);
        _loop.Nudge();
    }

    private async Task GiveUpAfterGraceAsync(PendingCall call)
    {
        await Task.Delay(Settings.WorkerGrace, _time).ConfigureAwait(false);
        string? worker = null;
        string? instanceId;
        lock (_gate)
        {
            if (!_calls.Remove(call.Id))
            {
                return;
            }

            instanceId = call.InstanceId;
            if (instanceId is not null && _pool.Find(instanceId) is { } instance)
            {
                worker = instance.Worker;
                _pool.Stop(instanceId, "its worker did not answer a call in time");
            }
        }

        if (worker is not null)
        {
            _transport.Stop(worker, instanceId!, TimeSpan.Zero);
        }

        Complete(call, CallStatus.TimedOut, null, $"the call timed out after {Seconds(call.Deadline - call.Created)} s and its worker did not answer; the instance was stopped");
    }

    private string NoCapacityMessage(WaitingCall waiting)
    {
        var instances = _pool.InstancesOf(waiting.Key);
        var busy = instances.Count(i => i.State == InstanceState.Busy);
        var unplaced = instances.Count(i => i.State == InstanceState.Starting && i.Worker is null);
        var starting = instances.Count(i => i.State == InstanceState.Starting && i.Worker is not null);
        var why = unplaced > 0
            ? $"no worker has room to start another (each instance needs {waiting.Template.Reservations})"
            : starting > 0 ? $"{starting} instance(s) still starting" : "no instance could be started";
        return $"no instance of {waiting.Template.Algorithm} became free within the timeout of {Seconds(waiting.Deadline - waiting.QueuedAt)} s: "
            + $"{busy} busy, {why}";
    }

    private static string Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture);

    /// <summary>A call from its arrival to its reply.</summary>
    private sealed class PendingCall(InstancePool pool, long id, byte[] request, DateTimeOffset created, DateTimeOffset deadline)
    {
        public InstancePool Pool { get; } = pool;

        public long Id { get; } = id;

        public byte[] Request { get; } = request;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset Deadline { get; } = deadline;

        public long StartedTicks { get; } = Stopwatch.GetTimestamp();

        /// <summary>
        /// Completed without a hop: the reply is written by the thread that saw the answer (the worker stream's reader),
        /// which costs a short write rather than a thread switch per call. Nothing that completes it holds the lock.
        /// </summary>
        public TaskCompletionSource<CallOutcome> Done { get; } = new();

        /// <summary>Set while the call waits in the pool's queue.</summary>
        public WaitingCall? Waiting { get; set; }

        /// <summary>The instance serving it, once it has one.</summary>
        public string? InstanceId { get; set; }

        /// <summary>The instance serving it (its build and whether a reservation holds it), once it has one.</summary>
        public AlgorithmInstance? Served { get; set; }

        public bool ColdStart { get; set; }

        /// <summary>Where the cold start this call waited for went, when it did.</summary>
        public ColdStartBreakdown? Breakdown { get; set; }

        public bool CaptureStdout { get; init; }
    }
}
