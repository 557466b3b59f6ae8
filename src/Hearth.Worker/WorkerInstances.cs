using Google.Protobuf;
using Hearth.Protocol.Workers;
using Hearth.Worker.Algorithms;
using Hearth.Worker.Builds;
using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

/// <summary>
/// The worker's algorithm instances: started, called and stopped on the supervisor's word, reported back through
/// the outbox. The instance host (and its build cache) is made on the first start, so a worker that never runs an
/// instance leaves no build directory.
/// </summary>
/// <param name="environment">The base environment of the worker's children.</param>
/// <param name="mustNotStart">True while the worker is fenced: a start read then is left out, as a subjob is.</param>
internal sealed partial class WorkerInstances(
    WorkerOptions options, Outbox outbox, SupervisorApi supervisor, string runDirectory, IReadOnlyDictionary<string, string> environment,
    ProcessRecords records, Sandboxing.Sandbox? sandbox, Func<bool> mustNotStart, ILogger logger) : IInstanceReports
{
    private readonly ILogger _logger = logger;
    private InstanceHost? _host;

    private InstanceHost Host => LazyInitializer.EnsureInitialized(ref _host, () => new InstanceHost(
        new BuildCache(options.BuildCacheDirectory ?? Path.Combine(runDirectory, "builds"), supervisor, options.BuildCacheMegabytes * 1024 * 1024, options.Time, _logger),
        Path.Combine(runDirectory, "instances"),
        options.Time,
        this,
        Spawning.ChildEnvironment.For(environment, ("HEARTH_WORKER", options.Name)),
        records,
        sandbox,
        options.SandboxPids));

    /// <summary>How many algorithm instances run here, loading or warm.</summary>
    public int Count => _host?.Count ?? 0;

    public void Start(StartInstance start)
    {
        if (mustNotStart())
        {
            // Left out of the next registration instead, as a subjob is.
            return;
        }

        Host.Start(new InstanceStart(
            start.InstanceId, start.Account, start.Algorithm, start.Hash, NullIfEmpty(start.Version), NullIfEmpty(start.ArchiveSha256),
            [.. start.Entrypoint], TimeSpan.FromMilliseconds(start.LoadTimeoutMs > 0 ? start.LoadTimeoutMs : 300_000))
        {
            Reservations = start.Reservations,
            Allocations = new Dictionary<string, int>(start.Allocations),
            BuildGrant = NullIfEmpty(start.BuildGrant),
            Environment = new Dictionary<string, string>(start.Environment)
            {
                // Algorithmia's clients find the API here; the instance reaches the supervisor as this worker does.
                ["ALGORITHMIA_API"] = supervisor.Active.ToString().TrimEnd('/'),
            },
        });
    }

    public void Call(CallInstance call) =>
        Host.Call(call.InstanceId, call.CallId, call.Request.Memory, TimeSpan.FromMilliseconds(Math.Max(1, call.TimeoutMs)), call.CaptureStdout);

    public void Stop(StopInstance stop) => Host.Stop(stop.InstanceId, TimeSpan.FromMilliseconds(Math.Max(0, stop.GraceMs)));

    /// <summary>Stops every instance within <paramref name="grace"/> and waits for them.</summary>
    public Task StopAllAsync(TimeSpan grace) => _host?.StopAllAsync(grace) ?? Task.CompletedTask;

    /// <summary>The instances that run here, for a (re)registration, so a restarted supervisor can adopt them.</summary>
    public void AddReports(Register register)
    {
        if (_host is null)
        {
            return;
        }

        foreach (var snapshot in _host.Snapshot())
        {
            var start = snapshot.Start;
            var report = new InstanceReport
            {
                InstanceId = start.InstanceId,
                Account = start.Account,
                Algorithm = start.Algorithm,
                Hash = start.Hash,
                Version = start.Version ?? "",
                Ready = snapshot.Ready,
                Reservations = start.Reservations,
                ArchiveSha256 = start.ArchiveSha256 ?? "",
                Entrypoint = { start.Entrypoint },
            };
            foreach (var (resource, amount) in start.Allocations)
            {
                report.Allocations[resource] = amount;
            }

            register.Instances.Add(report);
        }
    }

    void IInstanceReports.Ready(string instanceId, ColdStart coldStart)
    {
        LogInstanceReady(instanceId, (int)coldStart.Total.TotalMilliseconds, (int)coldStart.Fetch.TotalMilliseconds, (int)coldStart.Unpack.TotalMilliseconds,
            (int)coldStart.Sandbox.TotalMilliseconds, (int)coldStart.Start.TotalMilliseconds, (int)coldStart.Load.TotalMilliseconds);
        outbox.Post(new WorkerMessage
        {
            InstanceReady = new InstanceReady
            {
                InstanceId = instanceId,
                LoadMs = (int)coldStart.Total.TotalMilliseconds,
                Steps = new ColdStartSteps
                {
                    FetchMs = coldStart.Fetch.TotalMilliseconds,
                    UnpackMs = coldStart.Unpack.TotalMilliseconds,
                    SandboxMs = coldStart.Sandbox.TotalMilliseconds,
                    StartMs = coldStart.Start.TotalMilliseconds,
                    LoadMs = coldStart.Load.TotalMilliseconds,
                    TotalMs = coldStart.Total.TotalMilliseconds,
                },
            },
        });
    }

    void IInstanceReports.Exited(string instanceId, string reason, bool duringLoad)
    {
        LogInstanceExited(instanceId, reason);
        outbox.Post(new WorkerMessage { InstanceExited = new InstanceExited { InstanceId = instanceId, Reason = reason, DuringLoad = duringLoad } });
    }

    void IInstanceReports.CallDone(string instanceId, long callId, InstanceReply reply)
    {
        if (reply.Line is { Length: > Hearth.Protocol.StreamLimits.MaxResultBytes } line)
        {
            // The instance is fine; its answer is too big to carry, which the caller is told instead.
            reply = reply with
            {
                Line = System.Text.Encoding.UTF8.GetBytes(
                    $"{{\"error\":{{\"message\":\"the result is {line.Length / (1024 * 1024)} MiB, more than the {Hearth.Protocol.StreamLimits.MaxResultBytes / (1024 * 1024)} MiB a reply may carry\"}}}}"),
            };
        }

        outbox.Post(new WorkerMessage
        {
            CallResult = new CallResult
            {
                InstanceId = instanceId,
                CallId = callId,
                Kind = reply.Outcome switch
                {
                    CallOutcome.Replied => CallResultKind.Replied,
                    CallOutcome.TimedOut => CallResultKind.TimedOut,
                    CallOutcome.Stopped => CallResultKind.Stopped,
                    _ => CallResultKind.Crashed,
                },
                Response = reply.Line is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(reply.Line),
                Failure = reply.Failure ?? "",
                Stdout = reply.Stdout ?? "",
            },
        });
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
