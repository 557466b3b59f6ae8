using Google.Protobuf;
using Hearth.Protocol.Workers;
using Hearth.Worker.Algorithms;
using Hearth.Worker.Builds;

namespace Hearth.Worker;

/// <summary>The worker's algorithm instances: started, called and stopped on the supervisor's word, reported back on the stream.</summary>
public sealed partial class WorkerAgent : IInstanceReports, IBuildSource
{
    private InstanceHost? _instanceHost;

    private InstanceHost Instances => LazyInitializer.EnsureInitialized(ref _instanceHost, () => new InstanceHost(
        new BuildCache(_options.BuildCacheDirectory ?? Path.Combine(_runDirectory, "builds"), this, _options.BuildCacheMegabytes * 1024 * 1024, _options.Time, _logger),
        Path.Combine(_runDirectory, "instances"),
        _options.Time,
        this,
        Spawning.ChildEnvironment.For(_environment, ("HEARTH_WORKER", Name)),
        _records,
        _sandbox,
        _options.SandboxPids));

    /// <summary>How many algorithm instances run here, loading or warm.</summary>
    public int InstanceCount => _instanceHost?.Count ?? 0;

    private void StartInstance(StartInstance start)
    {
        if (Fencing && _fence.Expired)
        {
            // Left out of the next registration instead, as a subjob is.
            return;
        }

        Instances.Start(new InstanceStart(
            start.InstanceId, start.Account, start.Algorithm, start.Hash, NullIfEmpty(start.Version), NullIfEmpty(start.ArchiveSha256),
            [.. start.Entrypoint], TimeSpan.FromMilliseconds(start.LoadTimeoutMs > 0 ? start.LoadTimeoutMs : 300_000))
        {
            Reservations = start.Reservations,
            Allocations = new Dictionary<string, int>(start.Allocations),
            BuildGrant = NullIfEmpty(start.BuildGrant),
            Environment = new Dictionary<string, string>(start.Environment)
            {
                // Algorithmia's clients find the API here; the instance reaches the supervisor as this worker does.
                ["ALGORITHMIA_API"] = _activeSupervisor.ToString().TrimEnd('/'),
            },
        });
    }

    private void CallInstance(CallInstance call) =>
        Instances.Call(call.InstanceId, call.CallId, call.Request.Memory, TimeSpan.FromMilliseconds(Math.Max(1, call.TimeoutMs)), call.CaptureStdout);

    private void StopInstance(StopInstance stop) => Instances.Stop(stop.InstanceId, TimeSpan.FromMilliseconds(Math.Max(0, stop.GraceMs)));

    private void AddInstanceReports(Register register)
    {
        if (_instanceHost is null)
        {
            return;
        }

        foreach (var snapshot in _instanceHost.Snapshot())
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

    private Task StopInstancesAsync() => _instanceHost?.StopAllAsync(_options.StopGrace) ?? Task.CompletedTask;

    void IInstanceReports.Ready(string instanceId, ColdStart coldStart)
    {
        LogInstanceReady(instanceId, (int)coldStart.Total.TotalMilliseconds, (int)coldStart.Fetch.TotalMilliseconds, (int)coldStart.Unpack.TotalMilliseconds,
            (int)coldStart.Sandbox.TotalMilliseconds, (int)coldStart.Start.TotalMilliseconds, (int)coldStart.Load.TotalMilliseconds);
        _outbox.Post(new WorkerMessage
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
        _outbox.Post(new WorkerMessage { InstanceExited = new InstanceExited { InstanceId = instanceId, Reason = reason, DuringLoad = duringLoad } });
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Instance {Instance} is warm after {TotalMs} ms (fetch {FetchMs}, unpack {UnpackMs}, sandbox {SandboxMs}, start {StartMs}, load {LoadMs})")]
    private partial void LogInstanceReady(string instance, int totalMs, int fetchMs, int unpackMs, int sandboxMs, int startMs, int loadMs);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Instance {Instance} ended: {Reason}")]
    private partial void LogInstanceExited(string instance, string reason);

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

        _outbox.Post(new WorkerMessage
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

    /// <summary>Builds come from the supervisor's build store, with this worker's key and the grant sent with the start.</summary>
    async Task<Stream> IBuildSource.OpenAsync(string hash, string? grant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_activeSupervisor, $"v1/builds/{hash}"));
        if (grant is not null)
        {
            request.Headers.Add("Hearth-Build-Grant", grant);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var detail = await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false);
            response.Dispose();
            throw new IOException($"the supervisor answered HTTP {status} for build {hash}{detail}");
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>": DETAIL" from a problem+json answer, so a refusal says why; empty for anything else.</summary>
    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var problem = System.Text.Json.JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text ? $": {text}" : "";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or HttpRequestException or InvalidOperationException)
        {
            return "";
        }
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
