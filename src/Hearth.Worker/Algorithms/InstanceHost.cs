using System.Collections.Concurrent;
using System.Diagnostics;
using Hearth.Worker.Builds;
using Hearth.Worker.Sandboxing;

namespace Hearth.Worker.Algorithms;

/// <summary>
/// A worker's algorithm instances: it fetches builds through the cache, starts instances, passes calls to them and
/// reports readiness, results and exits. A call the supervisor sends reaches the instance's pipe without waiting on
/// anything else. Thread-safe.
/// </summary>
/// <param name="environment">The base environment every instance here starts from (<see cref="Spawning.ChildEnvironment"/>).</param>
/// <param name="records">Where each instance's process is recorded while it lives, for a successor to end if this worker dies.</param>
/// <param name="sandbox">The sandbox instances run in, or null to run them as the worker does.</param>
internal sealed class InstanceHost(
    BuildCache builds, string runDirectory, TimeProvider time, IInstanceReports reports, IReadOnlyDictionary<string, string>? environment = null,
    ProcessRecords? records = null, Sandbox? sandbox = null, int sandboxPids = 512)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _instances = new(StringComparer.Ordinal);

    public int Count => _instances.Count;

    /// <summary>Fetches the build if needed, starts the instance and reports <c>Ready</c> or <c>Exited</c> (during load).</summary>
    public void Start(InstanceStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var entry = new Entry(start);
        if (!_instances.TryAdd(start.InstanceId, entry))
        {
            return;
        }

        entry.Running = Task.Run(() => RunAsync(entry));
    }

    /// <summary>Sends one request to an instance; <c>CallDone</c> follows, whatever happens.</summary>
    public void Call(string instanceId, long callId, ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout = false)
    {
        if (!_instances.TryGetValue(instanceId, out var entry) || entry.Process is not { } process)
        {
            reports.CallDone(instanceId, callId, new InstanceReply(CallOutcome.Crashed, null, $"instance {instanceId} is not running on this worker"));
            return;
        }

        CallInstance(entry, process, callId, request, timeout, captureStdout);
    }

    /// <summary>Stops an instance (stdin closed, then killed after <paramref name="grace"/>); <c>Exited</c> follows.</summary>
    public void Stop(string instanceId, TimeSpan grace)
    {
        if (!_instances.TryGetValue(instanceId, out var entry))
        {
            reports.Exited(instanceId, "the instance is not on this worker", duringLoad: false);
            return;
        }

        entry.StopRequested = true;
        entry.StopGrace = grace;
        entry.Starting.Cancel();
        if (entry.Process is { } process)
        {
            _ = process.StopAsync(grace);
        }
    }

    public IReadOnlyList<InstanceSnapshot> Snapshot() =>
        [.. _instances.Values.Select(e => new InstanceSnapshot(e.Start, e.Process is not null, e.Process?.IsBusy ?? false, e.Process?.ProcessId ?? 0))];

    /// <summary>Stops every instance and waits for them.</summary>
    public async Task StopAllAsync(TimeSpan grace)
    {
        foreach (var id in _instances.Keys)
        {
            Stop(id, grace);
        }

        await Task.WhenAll(_instances.Values.Select(e => e.Running)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAllAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);

    private async Task RunAsync(Entry entry)
    {
        var start = entry.Start;
        var started = Stopwatch.GetTimestamp();
        InstanceProcess process;
        TimeSpan fetched, prepared;
        try
        {
            entry.Build = await builds.AcquireAsync(start.Hash, start.ArchiveSha256, entry.Starting.Token, start.BuildGrant).ConfigureAwait(false);
            fetched = Stopwatch.GetElapsedTime(started);
            var preparing = Stopwatch.GetTimestamp();
            entry.Sandbox = sandbox?.Prepare(start.InstanceId, Sandbox.IdentityOf(start.Account, start.Algorithm), entry.Build.Path, start.Entrypoint, SandboxLimits.For(start.Allocations, sandboxPids));
            prepared = Stopwatch.GetElapsedTime(preparing);
            var launch = new InstanceLaunch(start.InstanceId, entry.Build.Path, start.Entrypoint, start.LoadTimeout, Path.Combine(runDirectory, start.InstanceId))
            {
                Environment = Spawning.ChildEnvironment.For(environment ?? Spawning.ChildEnvironment.Base(), [.. start.Environment.Select(v => (v.Key, v.Value))]),
                Spawned = pid => Record(start.InstanceId, pid),
                Sandbox = entry.Sandbox,
            };
            process = await InstanceProcess.StartAsync(launch, new InstanceLog(time), time, entry.Starting.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InstanceStartException or BuildFetchException or SandboxException or IOException or OperationCanceledException)
        {
            // A process that failed to load has been killed and reaped by now.
            records?.RemoveInstance(start.InstanceId);
            entry.Sandbox?.Dispose();
            entry.Build?.Dispose();
            _instances.TryRemove(start.InstanceId, out _);
            var failure = e switch
            {
                OperationCanceledException => "stopped while starting",
                BuildFetchException => e.Message,
                InstanceStartException => e.Message,
                SandboxException => $"cannot sandbox the instance: {e.Message}",
                _ => $"could not start: {e.Message.Replace(builds.Root, "<build cache>", StringComparison.Ordinal).Replace(runDirectory, "<run directory>", StringComparison.Ordinal)}",
            };
            reports.Exited(start.InstanceId, failure, duringLoad: true);
            return;
        }

        entry.Process = process;
        if (entry.StopRequested)
        {
            _ = process.StopAsync(entry.StopGrace);
        }
        else
        {
            var times = process.Times;
            var unpack = entry.Build!.Unpacking;
            reports.Ready(start.InstanceId, new ColdStart(
                fetched - unpack, unpack, entry.Sandbox is null ? TimeSpan.Zero : prepared + times.Sandbox, times.Start, times.Load, Stopwatch.GetElapsedTime(started)));
        }

        var exit = await process.Exited.ConfigureAwait(false);
        if (entry.InFlight is { } call)
        {
            // The call's own report, with the crash and the last output, goes out before the exit.
            await call.ConfigureAwait(false);
        }

        _instances.TryRemove(start.InstanceId, out _);
        await process.DisposeAsync().ConfigureAwait(false);
        records?.RemoveInstance(start.InstanceId);
        entry.Sandbox?.Dispose();
        entry.Build?.Dispose();
        TryDelete(Path.Combine(runDirectory, start.InstanceId));
        var tail = process.Log.Tail();
        var reason = entry.StopRequested ? "stopped" : tail.Length == 0 ? exit.Description : $"{exit.Description}; last output: {tail}";
        reports.Exited(start.InstanceId, reason, duringLoad: false);
    }

    private void CallInstance(Entry entry, InstanceProcess process, long callId, ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout)
    {
        var done = new TaskCompletionSource<InstanceReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        entry.InFlight = done.Task;
        try
        {
            process.Call(request, timeout, captureStdout, reply =>
            {
                // Reported from the thread that saw the answer: no hop between the pipe and the stream's outbox.
                entry.InFlight = null;
                reports.CallDone(entry.Start.InstanceId, callId, reply);
                done.TrySetResult(reply);
            });
        }
        catch (InvalidOperationException e)
        {
            entry.InFlight = null;
            var reply = new InstanceReply(CallOutcome.Crashed, null, e.Message);
            reports.CallDone(entry.Start.InstanceId, callId, reply);
            done.TrySetResult(reply);
        }
    }

    private void Record(string instanceId, int pid)
    {
        try
        {
            records?.AddInstance(instanceId, pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without its record the instance still runs and is stopped with this worker; only a crash would leave it.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left behind; the run directory is temporary.
        }
    }

    private sealed class Entry(InstanceStart start)
    {
        public InstanceStart Start { get; } = start;

        public CancellationTokenSource Starting { get; } = new();

        /// <summary>Keeps the build in the cache while the instance starts and runs.</summary>
        public BuildLease? Build { get; set; }

        /// <summary>The instance's cgroup lives until its process is gone.</summary>
        public ProcessSandbox? Sandbox { get; set; }

        public Task Running { get; set; } = Task.CompletedTask;

        public volatile InstanceProcess? Process;

        public volatile Task<InstanceReply>? InFlight;

        public volatile bool StopRequested;

        public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(2);
    }
}
