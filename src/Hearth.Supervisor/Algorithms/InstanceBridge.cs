using System.Collections.Concurrent;
using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Joins the instance pool to the rest of the supervisor: the scheduling loop (instance work on the shared ledger),
/// the worker streams (messages out, reports in) and the connected sessions. Resolved lazily because the loop and
/// the pool each need the other.
/// </summary>
internal sealed class InstanceBridge(IServiceProvider services, BuildGrants? grants = null) : IInstanceWork, IInstanceLedger, IInstanceTransport
{
    private readonly BuildGrants _grants = grants ?? new BuildGrants();

    private readonly ConcurrentDictionary<string, WorkerSession> _sessions = new(StringComparer.Ordinal);
    private Scheduler? _scheduler;
    private InstancePool? _pool;

    private Scheduler Scheduler => _scheduler ??= services.GetRequiredService<Scheduler>();

    private InstancePool Pool => _pool ??= services.GetRequiredService<InstancePool>();

    private InstanceKeys Keys => services.GetRequiredService<InstanceKeys>();

    /// <summary>
    /// Takes the session as its worker's, by the loop's rule: it replaces the same process reconnecting (same
    /// incarnation, or one that sent none) but never another live process under the same name, which the loop is
    /// about to refuse. Until then the live session keeps its instance traffic.
    /// </summary>
    public void Connected(WorkerSession session) =>
        _sessions.AddOrUpdate(session.Name, session, (_, old) => Displaces(session, old) ? session : old);

    /// <summary>
    /// The loop accepted the session. It is its worker's unless a later one already is: the live session it was
    /// kept from displacing has gone meanwhile, or it had already taken the name.
    /// </summary>
    public void Accepted(WorkerSession session) => _sessions.TryAdd(session.Name, session);

    /// <summary>The session ended or was refused: it stops being its worker's if it still is.</summary>
    public void Disconnected(WorkerSession session)
    {
        _sessions.TryRemove(KeyValuePair.Create(session.Name, session));
        _grants.Revoke(session);
    }

    private static bool Displaces(WorkerSession session, WorkerSession old) =>
        old.Incarnation == session.Incarnation || old.Incarnation.Length == 0 || session.Incarnation.Length == 0;

    /// <summary>Takes the instance messages off a worker stream; false for anything else (it goes to the loop).</summary>
    public bool Receive(WorkerSession session, WorkerMessage message)
    {
        switch (message.BodyCase)
        {
            case WorkerMessage.BodyOneofCase.CallResult:
                var result = message.CallResult;
                Pool.CallDone(result.InstanceId, result.CallId, result.Kind == CallResultKind.Replied,
                    result.Kind == CallResultKind.Replied ? result.Response.Memory.ToArray() : null,
                    result.Failure.Length == 0 ? null : result.Failure, result.Kind == CallResultKind.TimedOut,
                    result.Stdout.Length == 0 ? null : result.Stdout);
                return true;
            case WorkerMessage.BodyOneofCase.InstanceReady:
                _grants.Revoke(message.InstanceReady.InstanceId);
                Pool.Ready(message.InstanceReady.InstanceId, TimeSpan.FromMilliseconds(message.InstanceReady.LoadMs), ColdStartBreakdown.From(message.InstanceReady));
                return true;
            case WorkerMessage.BodyOneofCase.InstanceExited:
                var exited = message.InstanceExited;
                _grants.Revoke(exited.InstanceId);
                Pool.Exited(exited.InstanceId, exited.Reason.Length == 0 ? $"it exited on {session.Name}" : exited.Reason, exited.DuringLoad);
                Keys.Revoke(exited.InstanceId);
                return true;
            default:
                return false;
        }
    }

    // The scheduling loop's side.
    public bool Owns(string workId) => Pool.Owns(workId);

    public bool Placed(string workId, string host) => Pool.Placed(workId, host);

    public void Lost(string workId, string reason, bool duringLoad) =>
        Pool.Exited(workId, reason, duringLoad || Pool.StateOf(workId) == InstanceState.Starting);

    public DateTimeOffset? Tick(Cluster cluster, DateTimeOffset now) => Pool.Tick(cluster, now);

    public IReadOnlyList<AlgorithmInstance> Unplaced() => Pool.Unplaced();

    public int StopIdleOn(string worker, string reason) =>
        Pool.Snapshot()
            .Where(i => i.Worker == worker && i.State == InstanceState.Idle && i.ReservationId is null)
            .Count(i => Pool.Retire(i.Id, reason));

    public void Reconcile(WorkerSession session, IReadOnlyList<InstanceReport> reports, Cluster cluster, Func<long> nextSequence)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            reported.Add(report.InstanceId);
            if (Pool.StateOf(report.InstanceId) is not null)
            {
                // Known, and normally booked since its placement; a ledger rebuilt after the loop restarted books it
                // again from the worker's report, or the instance goes.
                if (cluster.FindRunning(report.InstanceId) is null && !TryBook(session.Name, report, cluster, nextSequence, out _))
                {
                    session.Send(new SupervisorMessage { StopInstance = new StopInstance { InstanceId = report.InstanceId, GraceMs = (int)Pool.Settings.StopGrace.TotalMilliseconds } });
                }

                continue;
            }

            if (!report.Ready || !TryAdopt(session.Name, report, cluster, nextSequence))
            {
                session.Send(new SupervisorMessage { StopInstance = new StopInstance { InstanceId = report.InstanceId, GraceMs = (int)Pool.Settings.StopGrace.TotalMilliseconds } });
            }
        }

        foreach (var (id, state) in Pool.InstancesOn(session.Name))
        {
            if (!reported.Contains(id))
            {
                Pool.Exited(id, $"worker {session.Name} no longer runs it", state == InstanceState.Starting);
            }
        }
    }

    // The pool's side: the ledger through the loop.
    public void Submit(IReadOnlyList<AlgorithmInstance> instances) => Scheduler.SubmitInstances(instances);

    public void Release(string instanceId) => Scheduler.ReleaseInstance(instanceId);

    public void Nudge() => Scheduler.Nudge();

    // The pool's side: worker streams.
    public bool Start(string worker, AlgorithmInstance instance, InstanceLaunchInfo launch)
    {
        var message = new StartInstance
        {
            InstanceId = instance.Id,
            Account = instance.Account,
            Algorithm = instance.Template.Algorithm.ToString(),
            Hash = instance.Template.Hash,
            Version = instance.Template.Version?.ToString() ?? "",
            ArchiveSha256 = launch.ArchiveSha256 ?? "",
            Entrypoint = { launch.Entrypoint },
            LoadTimeoutMs = (int)Math.Min(int.MaxValue, launch.LoadTimeout.TotalMilliseconds),
            Reservations = instance.Template.Reservations.Text,
        };

        // Algorithmia's client inside the algorithm reads this key (its address is the worker's supervisor URL).
        message.Environment["ALGORITHMIA_API_KEY"] = Keys.Issue(instance.Id, instance.Account);
        foreach (var item in instance.Template.Reservations.EffectiveItems())
        {
            message.Allocations[item.Resource.ToString()] = item.Min;
        }

        if (!_sessions.TryGetValue(worker, out var session))
        {
            return false;
        }

        message.BuildGrant = _grants.Issue(session, instance.Id, instance.Template.Hash);
        if (session.Send(new SupervisorMessage { StartInstance = message }))
        {
            return true;
        }

        _grants.Revoke(instance.Id);
        return false;
    }

    public bool Call(string worker, string instanceId, long callId, ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout = false) =>
        Send(worker, new SupervisorMessage
        {
            CallInstance = new CallInstance
            {
                InstanceId = instanceId,
                CallId = callId,
                Request = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(request),
                TimeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue),
                CaptureStdout = captureStdout,
            },
        });

    public bool Stop(string worker, string instanceId, TimeSpan grace) =>
        Send(worker, new SupervisorMessage { StopInstance = new StopInstance { InstanceId = instanceId, GraceMs = (int)grace.TotalMilliseconds } });

    private bool Send(string worker, SupervisorMessage message) => _sessions.TryGetValue(worker, out var session) && session.Send(message);

    /// <summary>Books a reported instance's allocation on the ledger; false when the report does not parse or does not fit.</summary>
    private bool TryBook(string worker, InstanceReport report, Cluster cluster, Func<long> nextSequence, out ReservationSpec spec)
    {
        spec = ReservationSpec.Default;
        try
        {
            spec = ReservationSpec.Parse(report.Reservations);
            var allocation = new Allocation(report.Allocations.Select(kv => KeyValuePair.Create(ParseResource(kv.Key), kv.Value)));
            cluster.Adopt(new RunningWork(new WorkRequest(report.InstanceId, spec, Scheduler.InstancePriority, nextSequence()), worker, allocation));
            return true;
        }
        catch (Exception e) when (e is FormatException or LedgerException or PlacementException)
        {
            return false;
        }
    }

    private bool TryAdopt(string worker, InstanceReport report, Cluster cluster, Func<long> nextSequence)
    {
        if (!TryBook(worker, report, cluster, nextSequence, out var spec))
        {
            return false;
        }

        try
        {
            var version = string.IsNullOrEmpty(report.Version) ? (SemanticVersion?)null : SemanticVersion.Parse(report.Version);
            var template = new InstanceTemplate(AlgorithmName.Parse(report.Algorithm), BuildHash.Parse(report.Hash), version, spec);
            Pool.Adopt(report.InstanceId, report.Account, template,
                new InstanceLaunchInfo([.. report.Entrypoint], report.ArchiveSha256.Length == 0 ? null : report.ArchiveSha256, Pool.Settings.LoadTimeout), worker);
            return true;
        }
        catch (Exception e) when (e is FormatException or InstanceTransitionException)
        {
            cluster.Finish(report.InstanceId);
            return false;
        }
    }

    private static ResourceName ParseResource(string text) =>
        ResourceName.TryParse(text, out var resource, out var error) ? resource : throw new FormatException(error);
}
