using System.Text;
using System.Text.Json;
using Hearth.Core.Algorithms;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// The scheduling loop's state with its real instance owner (the supervisor's instance pool behind the same bridge
/// the worker streams use, sending on the sessions the loop publishes), modelled workers and callers, and a fake clock. Nothing runs by itself: each step is one
/// thing a client, a worker or the loop does, so a test chooses exactly how they interleave. What the pool posts to
/// the loop waits in <see cref="Inbox"/> until the loop's <see cref="HandleInbox"/> step, as it does in the channel.
/// </summary>
internal sealed class LoopWorld : IInstanceWorkRequests, IDisposable
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(30);
    private static readonly InstanceLaunchInfo Launch = new(["python3", "echo.py"], null, TimeSpan.FromMinutes(5));
    private readonly HashSet<long> _sentCalls = [];
    private int _reservations;

    public LoopWorld(params (string Name, int Processors)[] workers)
    {
        var settings = new SchedulerSettings(HeartbeatTimeout, new Dictionary<ResourceName, int>());
        var keys = new InstanceKeys();
        var grants = new BuildGrants();
        var poolSettings = new InstancePoolSettings(new WarmPoolSettings(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5)), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        Pool = new InstancePool(poolSettings, this, new InstanceTransport(Sessions, keys, grants), new AlgorithmMetrics(), Time);
        Bridge = new InstanceBridge(Pool, keys, grants, Time);
        State = new SchedulerState(Time, settings) { InstanceOwner = Bridge };
        foreach (var (name, processors) in workers)
        {
            Workers.Add(name, new ModelWorker(name, processors));
        }
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SchedulerState State { get; }

    public InstancePool Pool { get; }

    public InstanceBridge Bridge { get; }

    /// <summary>The sessions as the loop publishes them after each step's commit.</summary>
    public WorkerSessions Sessions { get; } = new();

    public Dictionary<string, ModelWorker> Workers { get; } = new(StringComparer.Ordinal);

    /// <summary>What the pool posted to the loop and the loop has not taken yet.</summary>
    public List<PoolCommand> Inbox { get; } = [];

    public List<ModelCall> Calls { get; } = [];

    public List<string> ReservedInstances { get; } = [];

    public static InstanceTemplate Template(int which) => which == 0
        ? new(AlgorithmName.Parse("acme/echo"), new string('a', 40), SemanticVersion.Parse("1.0.0"), ResourceRequest.Parse("host.processors=1"))
        : new(AlgorithmName.Parse("acme/big"), new string('b', 40), SemanticVersion.Parse("1.0.0"), ResourceRequest.Parse("host.processors=2"));

    // The pool's way to the loop: queued, as the loop's inbox queues them.
    void IInstanceWorkRequests.Submit(IReadOnlyList<AlgorithmInstance> instances) => Inbox.Add(new PoolCommand([.. instances], null));

    void IInstanceWorkRequests.Release(string instanceId) => Inbox.Add(new PoolCommand([], instanceId));

    void IInstanceWorkRequests.Nudge()
    {
    }

    // The loop's steps, in the order one cycle runs them; tests may interleave others between them.
    public void HandleInbox()
    {
        var fx = new CycleEffects();
        var commands = Inbox.ToList();
        Inbox.Clear();
        foreach (var command in commands)
        {
            if (command.Submit.Count > 0)
            {
                State.Instances!.Submit(command.Submit, fx);
            }

            if (command.Release is { } id)
            {
                State.Instances!.Release(id, fx);
            }
        }

        Deliver(fx);
    }

    public void Place()
    {
        var fx = new CycleEffects();
        State.ExpireWorkers(fx);
        State.Place(fx);
        Deliver(fx);
    }

    public void Tick() => Deliver(Effects(fx => State.Instances!.Tick(fx)));

    public void Cycle()
    {
        HandleInbox();
        Place();
        Tick();
    }

    // Clients.
    public ModelCall Call(int account, int template, TimeSpan timeout)
    {
        var cancel = new CancellationTokenSource();
        var payload = $$"""{"call":{{Calls.Count}}}""";
        var request = PipeProtocol.EncodeRequest(PayloadType.Json, Encoding.UTF8.GetBytes(payload));
        var task = Pool.CallAsync(account == 0 ? "alice" : "bob", Template(template), Launch, request, timeout, [], cancel.Token);
        var call = new ModelCall(Calls.Count, payload, task, cancel);
        Calls.Add(call);
        return call;
    }

    public Job Submit(int cpus, int processors) =>
        State.Submit(new JobSubmission("j", ["true"], ResourceRequest.Parse($"host.processors={processors}"), 9999, cpus, null), Effects());

    public void Kill(long jobId) => Deliver(Effects(fx => State.Kill(jobId, fx)));

    public string Reserve(int account, int template)
    {
        // As the reconciliation does on the loop: the pool starts it, and the loop queues its work in the same cycle.
        var instance = Pool.StartReserved($"r{++_reservations}", account == 0 ? "alice" : "bob", Template(template), Launch);
        Deliver(Effects(fx => State.Instances!.Submit([instance], fx)));
        ReservedInstances.Add(instance.Id);
        return instance.Id;
    }

    // Workers.
    public void Connect(string name)
    {
        var worker = Workers[name];
        if (worker.Session is not null)
        {
            return;
        }

        var session = new WorkerSession(name) { Incarnation = worker.Incarnation };
        var register = new Register { Name = name, Resources = { ["host.processors"] = worker.Processors }, Incarnation = worker.Incarnation };
        register.Processes.AddRange(worker.Subjobs.Keys.Select(id => new ProcessReport { AssignmentId = id, Running = true, Pid = 4242 }));
        register.Instances.AddRange(worker.Instances.Values.Select(i => i.Report()));
        var fx = new CycleEffects();
        State.Connect(session, register, fx);
        worker.Session = session;
        Deliver(fx);
    }

    /// <summary>The stream breaks; the worker keeps its processes and reports them when it connects again.</summary>
    public void Disconnect(string name)
    {
        var worker = Workers[name];
        if (worker.Session is not { } session)
        {
            return;
        }

        ReadOutbox(worker);
        Bridge.Disconnected(session);
        Deliver(Effects(fx => State.Disconnect(session, fx)));
        worker.Session = null;
        session.Dispose();
    }

    /// <summary>SIGKILL and a new process under the same name: everything it ran is gone without a report.</summary>
    public void Restart(string name)
    {
        Disconnect(name);
        Workers[name].Forget();
        Connect(name);
    }

    /// <summary>Time passes; connected workers keep sending heartbeats, cut-off ones do not.</summary>
    public void Advance(TimeSpan by)
    {
        foreach (var worker in Workers.Values)
        {
            if (worker.Session is { } session)
            {
                State.Heard(session);
            }
        }

        Time.Advance(by);
    }

    /// <summary>Reads what the supervisor sent each worker, as the worker's stream reader would.</summary>
    public void ReadOutboxes()
    {
        foreach (var worker in Workers.Values)
        {
            ReadOutbox(worker);
        }
    }

    private void ReadOutbox(ModelWorker worker)
    {
        if (worker.Session is not { } session)
        {
            return;
        }

        while (session.Outgoing.TryRead(out var message))
        {
            switch (message.BodyCase)
            {
                case SupervisorMessage.BodyOneofCase.Assign:
                    worker.Subjobs[message.Assign.AssignmentId] = false;
                    break;
                case SupervisorMessage.BodyOneofCase.Kill:
                    if (worker.Subjobs.ContainsKey(message.Kill.AssignmentId))
                    {
                        worker.Killed.Add(message.Kill.AssignmentId);
                    }

                    break;
                case SupervisorMessage.BodyOneofCase.StartInstance:
                    Assert.False(worker.Instances.ContainsKey(message.StartInstance.InstanceId), $"{message.StartInstance.InstanceId} was started twice on {worker.Name}");
                    worker.Instances.Add(message.StartInstance.InstanceId, new ModelInstance(message.StartInstance));
                    break;
                case SupervisorMessage.BodyOneofCase.CallInstance:
                    var call = message.CallInstance;
                    Assert.True(_sentCalls.Add(call.CallId), $"call {call.CallId} was sent to a worker twice");
                    if (worker.Instances.TryGetValue(call.InstanceId, out var target) && target.CallId is null && target.Ready && !target.Stopping)
                    {
                        target.CallId = call.CallId;
                        target.Request = call.Request.ToByteArray();
                    }
                    else
                    {
                        worker.Refused.Add((call.InstanceId, call.CallId));
                    }

                    break;
                case SupervisorMessage.BodyOneofCase.StopInstance:
                    if (worker.Instances.TryGetValue(message.StopInstance.InstanceId, out var stopping))
                    {
                        stopping.Stopping = true;
                    }

                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>The worker reports one thing it has to report, chosen by <paramref name="pick"/>; false when it has nothing or is cut off.</summary>
    public bool Report(string name, int pick, bool calm = false)
    {
        var worker = Workers[name];
        ReadOutbox(worker);
        if (worker.Session is not { } session)
        {
            return false;
        }

        var events = worker.PendingEvents(calm);
        if (events.Count == 0)
        {
            return false;
        }

        var (kind, id) = events[pick % events.Count];
        Send(worker, session, kind, id, pick);
        return true;
    }

    private void Send(ModelWorker worker, WorkerSession session, WorkerEvent kind, string id, int pick)
    {
        switch (kind)
        {
            case WorkerEvent.SubjobStarted:
                worker.Subjobs[id] = true;
                Deliver(Effects(fx => State.Started(session, new ProcessStarted { AssignmentId = id, Pid = 4242 }, fx)));
                break;
            case WorkerEvent.SubjobExited:
                worker.Subjobs.Remove(id);
                var killed = worker.Killed.Remove(id);
                Deliver(Effects(fx => State.Exited(session, new ProcessExited { AssignmentId = id, ExitCode = killed ? 137 : pick % 2 }, fx)));
                break;
            case WorkerEvent.InstanceReady:
                worker.Instances[id].Ready = true;
                Bridge.Receive(session, new WorkerMessage { InstanceReady = new InstanceReady { InstanceId = id, LoadMs = 10 } });
                break;
            case WorkerEvent.CallReplied:
                var instance = worker.Instances[id];
                var callId = instance.CallId!.Value;
                var reply = Reply(instance.Request!);
                instance.CallId = null;
                instance.Request = null;
                Bridge.Receive(session, new WorkerMessage
                {
                    CallResult = new CallResult { InstanceId = id, CallId = callId, Kind = CallResultKind.Replied, Response = Google.Protobuf.ByteString.CopyFrom(reply) },
                });
                break;
            case WorkerEvent.InstanceCrashed or WorkerEvent.InstanceStopped:
                var gone = worker.Instances[id];
                worker.Instances.Remove(id);
                if (gone.CallId is { } interrupted)
                {
                    Bridge.Receive(session, new WorkerMessage
                    {
                        CallResult = new CallResult { InstanceId = id, CallId = interrupted, Kind = CallResultKind.Crashed, Failure = "the instance exited mid-call" },
                    });
                }

                Bridge.Receive(session, new WorkerMessage
                {
                    InstanceExited = new InstanceExited { InstanceId = id, Reason = kind == WorkerEvent.InstanceCrashed ? "it crashed" : "stopped", DuringLoad = !gone.Ready },
                });
                break;
            case WorkerEvent.CallRefused:
                var refused = worker.Refused[0];
                worker.Refused.RemoveAt(0);
                Bridge.Receive(session, new WorkerMessage
                {
                    CallResult = new CallResult { InstanceId = refused.Instance, CallId = refused.Call, Kind = CallResultKind.Crashed, Failure = "no such instance" },
                });
                break;
            default:
                throw new InvalidOperationException($"unknown worker event {kind}");
        }
    }

    private static byte[] Reply(byte[] request)
    {
        using var json = JsonDocument.Parse(request);
        var data = json.RootElement.GetProperty("data").GetRawText();
        return Encoding.UTF8.GetBytes($$"""{"result":{{data}},"content_type":"json"}""" + "\n");
    }

    private static CycleEffects Effects(Action<CycleEffects>? act = null)
    {
        var fx = new CycleEffects();
        act?.Invoke(fx);
        return fx;
    }

    /// <summary>What the loop does after its commit: messages out, replaced sessions closed, sessions published, instance effects handed to the pool.</summary>
    private void Deliver(CycleEffects fx)
    {
        foreach (var (session, message) in fx.Messages)
        {
            session.Send(message);
        }

        foreach (var session in fx.SessionsToClose)
        {
            session.Close();
        }

        Sessions.Publish(State.Workers);
        Bridge.Apply(fx.Instances);
    }

    public void Dispose()
    {
        Pool.Dispose();
        foreach (var call in Calls)
        {
            call.Cancel.Dispose();
        }

        foreach (var worker in Workers.Values)
        {
            worker.Session?.Dispose();
        }
    }
}

/// <summary>Instance work the pool posted to the loop: a submission or a release.</summary>
internal sealed record PoolCommand(IReadOnlyList<AlgorithmInstance> Submit, string? Release);

internal sealed record ModelCall(int Index, string Payload, Task<CallOutcome> Task, CancellationTokenSource Cancel);

internal enum WorkerEvent
{
    SubjobStarted,
    SubjobExited,
    InstanceReady,
    CallReplied,
    InstanceCrashed,
    InstanceStopped,
    CallRefused,
}

/// <summary>A worker as the supervisor sees it from outside: the processes it runs and what it still has to report.</summary>
internal sealed class ModelWorker(string name, int processors)
{
    private int _incarnations = 1;

    public string Name { get; } = name;

    public int Processors { get; } = processors;

    public string Incarnation => $"{Name}-{_incarnations}";

    public WorkerSession? Session { get; set; }

    /// <summary>Subjob processes by assignment, true once their start was reported.</summary>
    public Dictionary<string, bool> Subjobs { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Killed { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ModelInstance> Instances { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls for instances it does not run (or cannot take them), still to be answered with a failure.</summary>
    public List<(string Instance, long Call)> Refused { get; } = [];

    public void Forget()
    {
        Subjobs.Clear();
        Killed.Clear();
        Instances.Clear();
        Refused.Clear();
        _incarnations++;
    }

    /// <summary>What it could report next; <paramref name="calm"/> leaves out crashes.</summary>
    public List<(WorkerEvent Kind, string Id)> PendingEvents(bool calm)
    {
        var events = new List<(WorkerEvent, string)>();
        foreach (var (id, started) in Subjobs.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            events.Add((started ? WorkerEvent.SubjobExited : WorkerEvent.SubjobStarted, id));
        }

        foreach (var (id, instance) in Instances.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            if (instance.Stopping)
            {
                events.Add((WorkerEvent.InstanceStopped, id));
                continue;
            }

            if (!instance.Ready)
            {
                events.Add((WorkerEvent.InstanceReady, id));
            }
            else if (instance.CallId is not null)
            {
                events.Add((WorkerEvent.CallReplied, id));
            }

            if (!calm)
            {
                events.Add((WorkerEvent.InstanceCrashed, id));
            }
        }

        if (Refused.Count > 0)
        {
            events.Add((WorkerEvent.CallRefused, ""));
        }

        return events;
    }
}

internal sealed class ModelInstance(StartInstance start)
{
    public StartInstance Start { get; } = start;

    public bool Ready { get; set; }

    public bool Stopping { get; set; }

    public long? CallId { get; set; }

    public byte[]? Request { get; set; }

    public InstanceReport Report() => new()
    {
        InstanceId = Start.InstanceId,
        Account = Start.Account,
        Algorithm = Start.Algorithm,
        Hash = Start.Hash,
        Version = Start.Version,
        Allocations = { Start.Allocations },
        Ready = Ready,
        Reservations = Start.Reservations,
        Entrypoint = { Start.Entrypoint },
    };
}
