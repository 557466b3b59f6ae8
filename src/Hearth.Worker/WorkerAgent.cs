using System.Net;
using System.Net.Http.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Hearth.Core.Resources;
using Hearth.Protocol.Rest;
using Hearth.Protocol.Workers;
using Hearth.Worker.Sandboxing;
using Hearth.Worker.Spawning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Worker;

/// <summary>The worker refused to go on: its key or its registration was refused. Retrying would not help.</summary>
public sealed class WorkerRefusedException(string message) : Exception(message);

/// <summary>The worker was given a URL that is not the supervisor's API, such as its worker port. Retrying would not help.</summary>
public sealed class WorkerMisdirectedException(string message) : Exception(message);

/// <summary>
/// The worker agent. It keeps one gRPC stream open to the supervisor, reconnecting with backoff when it drops;
/// its processes keep running across a lost connection and are reported on every (re)registration, so a
/// supervisor can adopt them. Messages for the supervisor wait in one outbox that outlives connections, with subjob output in it
/// bounded (<see cref="WorkerOptions.OutputBufferBytes"/>).
/// </summary>
public sealed partial class WorkerAgent : IDisposable
{
    private const int RecentExitsKept = 1000;
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly WorkerOptions _options;
    private readonly ILogger _logger;
    private readonly Outbox _outbox;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (SubjobProcess Process, Task Supervised)> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProcessReport> _recentExits = new(StringComparer.Ordinal);
    private readonly Queue<string> _exitOrder = new();
    private readonly HashSet<string> _fenced = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _http;
    private readonly WorkerDirectory _directory;
    private readonly WorkerDirectory? _runtimeTwin;
    private readonly ProcessRecords _records;
    private readonly string _runDirectory;
    private readonly string? _memoryDirectory;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly ContactFence _fence;
    private readonly Sandbox? _sandbox;
    private volatile bool _leaving;
    private TaskCompletionSource? _cutOff;
    private volatile Task _fencing = Task.CompletedTask;
    private readonly Uri[] _supervisors;
    private int _nextSupervisor;
    private volatile Uri _activeSupervisor;

    public WorkerAgent(WorkerOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<WorkerAgent>();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.OutputBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.BuildCacheMegabytes);
        foreach (var (name, value) in options.AddedEnvironment)
        {
            if (ChildEnvironment.Check(name, value) is { } problem)
            {
                throw new ArgumentException($"added environment: {problem}", nameof(options));
            }
        }

        _environment = ChildEnvironment.Base(options.AddedEnvironment);
        _outbox = new Outbox(options.OutputBufferBytes, _logger);
        _fence = new ContactFence(options.Time);
        _supervisors = [options.Supervisor, .. options.OtherSupervisors];
        _activeSupervisor = options.Supervisor;
        Resources = HostResources.Discover(options.Resources);
        _directory = WorkerDirectory.Claim(options.RunDirectory ?? WorkerDirectory.DefaultPath(options.Supervisor, options.Name), options.Name);
        try
        {
            _runDirectory = _directory.FullPath;

            // The records' twin in memory is locked too: two workers with different homes but one runtime directory
            // must not read, and kill, each other's processes.
            _runtimeTwin = options.RunDirectory is null && AllocationDirectory.RuntimeTwin(_runDirectory) is { } twin
                ? WorkerDirectory.Claim(twin, options.Name)
                : null;
            _records = new ProcessRecords(Path.Combine(_runtimeTwin?.FullPath ?? _runDirectory, "processes"));
            _memoryDirectory = options.RunDirectory is null ? AllocationDirectory.CreateInMemory(WorkerDirectory.Sanitize(options.Name)) : null;
            _sandbox = Sandbox.Detect(options, [_runDirectory, _records.DirectoryPath, options.BuildCacheDirectory ?? _runDirectory, _memoryDirectory ?? _runDirectory], out var why);
            if (_sandbox is null && options.Sandbox == SandboxMode.Required)
            {
                throw new InvalidOperationException($"the sandbox is required but this machine cannot provide it: {why}");
            }

            IsolationNote = _sandbox?.Description ?? $"no isolation: {why}";
            _http = new HttpClient(SupervisorTrust.CreateHandler(options.TlsCaFile)) { BaseAddress = options.Supervisor, Timeout = TimeSpan.FromSeconds(10) };
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Simple", options.ApiKey);
        }
        catch
        {
            // A failed start must not keep the lock: a retry in this process would refuse itself.
            _sandbox?.Dispose();
            _runtimeTwin?.Dispose();
            _directory.Dispose();
            throw;
        }
    }

    private static readonly Lazy<string> CpuModel = new(HostPropertiesCheck.CpuModel);

    public string Name => _options.Name;

    /// <summary>Random, new for every worker process: tells the supervisor a reconnection from a second process under the same name.</summary>
    public string Incarnation { get; } = Guid.NewGuid().ToString("N");

    /// <summary>"sandbox" when instances run sandboxed here, else "none".</summary>
    public string Isolation => _sandbox is null ? Sandbox.NoIsolation : Sandbox.Isolated;

    /// <summary>One line on how this worker isolates what it runs, or why it cannot.</summary>
    public string IsolationNote { get; }

    /// <summary>The run directory, locked by this worker while it lives.</summary>
    public string RunDirectory => _runDirectory;

    public IReadOnlyDictionary<ResourceName, int> Resources { get; }

    /// <summary>Completes when the supervisor first accepts this worker's registration.</summary>
    public Task Registered => _registered.Task;

    public int RunningCount
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>
    /// Runs until <paramref name="stop"/>: connects, serves assignments, reconnects. On stop it kills its
    /// processes and tells the supervisor it is leaving. Throws <see cref="WorkerRefusedException"/> when refused.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var delay = FirstReconnectDelay;
        string? lastRefusal = null;
        var watch = Task.CompletedTask;
        // Ends with this method, however it ends (a refusal ends it without a stop).
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            await KillLeftoversAsync(stop).ConfigureAwait(false);
            watch = WatchContactAsync(watching.Token);
            while (!stop.IsCancellationRequested)
            {
                var reached = false;
                try
                {
                    // A registration must not list what fencing is still stopping: the supervisor would adopt it.
                    await _fencing.ConfigureAwait(false);
                    var supervisor = _supervisors[_nextSupervisor];
                    var endpoint = await ResolveStreamEndpointAsync(supervisor, stop).ConfigureAwait(false);
                    _activeSupervisor = supervisor;
                    if (await ConnectOnceAsync(endpoint, stop).ConfigureAwait(false))
                    {
                        reached = true;
                        delay = FirstReconnectDelay;
                        lastRefusal = null;
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
                {
                    // Another live worker holds the name. It may be a dead host's connection that the supervisor has
                    // not timed out yet, so keep trying (said once, not on every attempt) and take over once it is gone.
                    if (Describe(e) != lastRefusal)
                    {
                        lastRefusal = Describe(e);
                        LogNameTaken(Name, lastRefusal);
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
                {
                    throw new WorkerRefusedException($"the supervisor refused worker {Name}: {Describe(e)}");
                }
                catch (Exception e) when (e is RpcException or HttpRequestException or IOException or TaskCanceledException)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        LogConnectionLost(Name, Innermost(e));
                    }
                }

                if (!reached && _supervisors.Length > 1)
                {
                    // The next supervisor may be the one that holds the store now: try each before backing off.
                    _nextSupervisor = (_nextSupervisor + 1) % _supervisors.Length;
                    if (_nextSupervisor != 0)
                    {
                        continue;
                    }
                }

                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(delay, _options.Time, stop).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await watching.CancelAsync().ConfigureAwait(false);
            await Quietly(watch).ConfigureAwait(false);
            await StopProcessesAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One connection, from registration until it drops or the worker stops. True if it registered.</summary>
    private async Task<bool> ConnectOnceAsync(Uri endpoint, CancellationToken stop)
    {
        using var channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = SupervisorTrust.CreateHandler(_options.TlsCaFile),
            MaxReceiveMessageSize = Hearth.Protocol.StreamLimits.MaxMessageBytes,
        });
        var client = new WorkerGateway.WorkerGatewayClient(channel);
        using var call = client.Connect(new Metadata { { "authorization", $"Simple {_options.ApiKey}" } }, cancellationToken: CancellationToken.None);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var cutOff = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cutOff = cutOff;
        var sentAt = _fence.Now();
        await call.RequestStream.WriteAsync(new WorkerMessage { Register = BuildRegister() }, CancellationToken.None).ConfigureAwait(false);
        var sender = SendAsync(call.RequestStream, connection.Token);
        // The read is not tied to the stop token: cancelling a read cancels the whole call, and a stopping
        // worker still needs the call to say goodbye.
        var reading = ReadAsync(call.ResponseStream, endpoint, sentAt, connection.Token);
        var stopped = Task.Delay(Timeout.Infinite, stop);
        try
        {
            var first = await Task.WhenAny(reading, stopped, cutOff.Task).ConfigureAwait(false);
            if (first == stopped)
            {
                await LeaveAsync(call, connection, sender).ConfigureAwait(false);
                return reading.IsCompletedSuccessfully ? reading.Result : true;
            }

            if (first == cutOff.Task)
            {
                // Fenced: whatever this stream still carries was sent to a worker the supervisor may have given
                // up. A new registration tells it what no longer runs here.
                LogConnectionLost(Name, "the supervisor has not confirmed hearing from this worker within its heartbeat timeout");
                call.Dispose();
                await Quietly(reading).ConfigureAwait(false);
                return true;
            }

            var registered = await reading.ConfigureAwait(false);
            LogConnectionLost(Name, "the supervisor ended the stream");
            return registered;
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await Quietly(sender).ConfigureAwait(false);
        }
    }

    /// <summary>Serves the supervisor's messages until the stream ends; true if the registration was accepted.</summary>
    private async Task<bool> ReadAsync(IAsyncStreamReader<SupervisorMessage> stream, Uri endpoint, long sentAt, CancellationToken connection)
    {
        var registered = false;
        while (await stream.MoveNext(CancellationToken.None).ConfigureAwait(false))
        {
            var message = stream.Current;
            switch (message.BodyCase)
            {
                case SupervisorMessage.BodyOneofCase.Registered:
                    registered = true;
                    _fence.Registered(
                        sentAt, TimeSpan.FromMilliseconds(message.Registered.HeartbeatTimeoutMs), TimeSpan.FromMilliseconds(message.Registered.FenceMarginMs));
                    _ = HeartbeatAsync(TimeSpan.FromMilliseconds(message.Registered.HeartbeatIntervalMs), connection);
                    _registered.TrySetResult();
                    LogRegistered(Name, endpoint.ToString());
                    break;
                case SupervisorMessage.BodyOneofCase.HeartbeatAck:
                    _fence.Acknowledged(message.HeartbeatAck.Sequence);
                    break;
                case SupervisorMessage.BodyOneofCase.Assign:
                    Start(message.Assign);
                    break;
                case SupervisorMessage.BodyOneofCase.Kill:
                    Kill(message.Kill);
                    break;
                case SupervisorMessage.BodyOneofCase.Grow:
                    Grow(message.Grow);
                    break;
                case SupervisorMessage.BodyOneofCase.CallInstance:
                    CallInstance(message.CallInstance);
                    break;
                case SupervisorMessage.BodyOneofCase.StartInstance:
                    StartInstance(message.StartInstance);
                    break;
                case SupervisorMessage.BodyOneofCase.StopInstance:
                    StopInstance(message.StopInstance);
                    break;
                default:
                    LogUnexpectedMessage(Name, message.BodyCase.ToString());
                    break;
            }
        }

        return registered;
    }

    /// <summary>A clean goodbye: processes stopped (not reported as ended), then Leave, so the work is requeued at once.</summary>
    private async Task LeaveAsync(AsyncDuplexStreamingCall<WorkerMessage, SupervisorMessage> call, CancellationTokenSource connection, Task sender)
    {
        _leaving = true;
        await StopProcessesAsync().ConfigureAwait(false);
        await connection.CancelAsync().ConfigureAwait(false);
        await Quietly(sender).ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _options.Time);
            await call.RequestStream.WriteAsync(new WorkerMessage { Leave = new Leave() }, timeout.Token).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            await call.ResponseHeadersAsync.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // The supervisor will notice by the heartbeat timeout instead.
        }
    }

    /// <summary>Writes the outbox in order; a message leaves the outbox only once written, so a broken connection loses nothing queued.</summary>
    private async Task SendAsync(IClientStreamWriter<WorkerMessage> stream, CancellationToken cancellation)
    {
        while (await _outbox.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (_outbox.TryPeek(out var message))
            {
                await stream.WriteAsync(message, CancellationToken.None).ConfigureAwait(false);
                _outbox.Advance(message);
            }
        }
    }

    /// <summary>Heartbeats for one connection; ends quietly when the connection does.</summary>
    private async Task HeartbeatAsync(TimeSpan interval, CancellationToken cancellation)
    {
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                await Task.Delay(interval, _options.Time, cancellation).ConfigureAwait(false);
                _outbox.Post(new WorkerMessage { Heartbeat = new Heartbeat { Running = RunningCount, Sequence = _fence.NextHeartbeat() } });
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is over.
        }
    }

    private Register BuildRegister()
    {
        var register = new Register
        {
            Name = Name, AgentVersion = "0.1.0", Incarnation = Incarnation, Isolation = Isolation,
            Os = HostPropertiesCheck.Os(), Arch = HostPropertiesCheck.Arch(), CpuModel = CpuModel.Value, Groups = { _options.Groups }, Cluster = _options.Cluster,
        };
        foreach (var (resource, amount) in Resources)
        {
            register.Resources[resource.ToString()] = amount;
        }

        lock (_lock)
        {
            foreach (var (id, entry) in _running)
            {
                register.Processes.Add(new ProcessReport { AssignmentId = id, Running = true, Pid = entry.Process.Pid });
            }

            register.Processes.AddRange(_recentExits.Values);
        }

        AddInstanceReports(register);
        return register;
    }

    /// <summary>
    /// Kills what a previous worker process of this run directory left running: its output pipes died with it, so
    /// those processes can neither report nor be waited on. Done before the first registration, so the supervisor
    /// requeues (or has requeued) those attempts only once nothing of them runs here.
    /// </summary>
    private async Task KillLeftoversAsync(CancellationToken stop)
    {
        // A predecessor started without a runtime directory wrote its records on disk: look there as well.
        var onDisk = Path.Combine(_runDirectory, "processes");
        var leftovers = await _records.KillLeftoversAsync(Name, _options.StopGrace * 5, _options.Time, stop).ConfigureAwait(false);
        if (_runtimeTwin is not null && Directory.Exists(onDisk))
        {
            leftovers = [.. leftovers, .. await new ProcessRecords(onDisk).KillLeftoversAsync(Name, _options.StopGrace * 5, _options.Time, stop).ConfigureAwait(false)];
        }

        foreach (var leftover in leftovers)
        {
            if (leftover.Gone)
            {
                LogLeftoverKilled(Name, leftover.AssignmentId, leftover.ProcessGroup, leftover.Processes);
            }
            else
            {
                LogLeftoverSurvived(Name, leftover.AssignmentId, leftover.ProcessGroup);
            }
        }
    }

    /// <summary>The whole cause, e.g. a TLS failure's "the remote certificate is invalid", not just "SSL connection could not be established".</summary>
    private static string Innermost(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += $": {inner.Message}";
        }

        return text;
    }

    private static string Describe(RpcException e) => string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection is over; its tasks end however they end.
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_memoryDirectory is not null)
        {
            AllocationDirectory.Delete(_memoryDirectory);
        }

        if (_options.Ephemeral && _options.RunDirectory is null)
        {
            // Deleted while still locked, so no other worker can take the directories in between.
            AllocationDirectory.Delete(Path.GetDirectoryName(_records.DirectoryPath)!);
            AllocationDirectory.Delete(_runDirectory);
        }

        _sandbox?.Dispose();
        _runtimeTwin?.Dispose();
        _directory.Dispose();
    }
}
