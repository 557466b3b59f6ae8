using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Worker.Sandboxing;
using Hearth.Worker.Spawning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Worker;

/// <summary>
/// The worker agent. It keeps one gRPC stream open to the supervisor (<see cref="SupervisorConnection"/>),
/// reconnecting with backoff when it drops; its subjobs (<see cref="SubjobRunner"/>) and instances
/// (<see cref="WorkerInstances"/>) keep running across a lost connection and are reported on every (re)registration,
/// so a supervisor can adopt them. Messages for the supervisor wait in one outbox that outlives connections, with
/// subjob output in it bounded (<see cref="WorkerOptions.OutputBufferBytes"/>). This class owns the run directory and
/// the sandbox, and puts the parts together.
/// </summary>
public sealed class WorkerAgent : IDisposable
{
    private static readonly Lazy<string> CpuModel = new(HostPropertiesCheck.CpuModel);

    private readonly WorkerOptions _options;
    private readonly WorkerDirectory _directory;
    private readonly WorkerDirectory? _runtimeTwin;
    private readonly ProcessRecords _records;
    private readonly string? _memoryDirectory;
    private readonly Sandbox? _sandbox;
    private readonly SupervisorApi _api;
    private readonly SubjobRunner _subjobs;
    private readonly WorkerInstances _instances;
    private readonly SupervisorConnection _connection;

    public WorkerAgent(WorkerOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<WorkerAgent>();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.OutputBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.BuildCacheMegabytes);
        foreach (var (name, value) in options.AddedEnvironment)
        {
            if (ChildEnvironment.Check(name, value) is { } problem)
            {
                throw new ArgumentException($"added environment: {problem}", nameof(options));
            }
        }

        var environment = ChildEnvironment.Base(options.AddedEnvironment);
        var outbox = new Outbox(options.OutputBufferBytes, logger);
        var fence = new ContactFence(options.Time);
        Resources = HostResources.Discover(options.Resources);
        _directory = WorkerDirectory.Claim(options.RunDirectory ?? WorkerDirectory.DefaultPath(options.Supervisor, options.Name), options.Name);
        try
        {
            RunDirectory = _directory.FullPath;

            // The records' twin in memory is locked too: two workers with different homes but one runtime directory
            // must not read, and kill, each other's processes.
            _runtimeTwin = options.RunDirectory is null && AllocationDirectory.RuntimeTwin(RunDirectory) is { } twin
                ? WorkerDirectory.Claim(twin, options.Name)
                : null;
            _records = new ProcessRecords(Path.Combine(_runtimeTwin?.FullPath ?? RunDirectory, "processes"));
            _memoryDirectory = options.RunDirectory is null ? AllocationDirectory.CreateInMemory(WorkerDirectory.Sanitize(options.Name)) : null;
            _sandbox = Sandbox.Detect(
                options, [RunDirectory, _records.DirectoryPath, options.BuildCacheDirectory ?? RunDirectory, _memoryDirectory ?? RunDirectory], RunDirectory, out var why);
            if (_sandbox is null && options.Sandbox == SandboxMode.Required)
            {
                throw new InvalidOperationException($"the sandbox is required but this machine cannot provide it: {why}");
            }

            IsolationNote = _sandbox?.Description ?? $"no isolation: {why}";
            AccountJobs = _sandbox is not null ? Sandbox.Isolated
                : options.JobsUnisolated ? "unisolated"
                : $"refused: this worker cannot isolate them ({why}); --jobs-unisolated allow runs them without a sandbox";
            _api = new SupervisorApi(options);
        }
        catch
        {
            // A failed start must not keep the lock: a retry in this process would refuse itself.
            _sandbox?.Dispose();
            _runtimeTwin?.Dispose();
            _directory.Dispose();
            throw;
        }

        var fencing = options.OnDisconnect == WorkerDisconnectAction.Stop;
        bool MustNotStart() => fencing && fence.Expired;
        _subjobs = new SubjobRunner(options, outbox, _records, _memoryDirectory ?? RunDirectory, environment, _sandbox, MustNotStart, AccountJobs, logger);
        _instances = new WorkerInstances(options, outbox, _api, RunDirectory, environment, _records, _sandbox, MustNotStart, logger);
        _connection = new SupervisorConnection(options, outbox, fence, _api, _subjobs, _instances, BuildRegister, logger);
    }

    public string Name => _options.Name;

    /// <summary>Random, new for every worker process: tells the supervisor a reconnection from a second process under the same name.</summary>
    public string Incarnation { get; } = Guid.NewGuid().ToString("N");

    /// <summary>"sandbox" when instances run sandboxed here, else "none".</summary>
    public string Isolation => _sandbox is null ? Sandbox.NoIsolation : Sandbox.Isolated;

    /// <summary>
    /// Whether it runs the jobs of accounts other than admin: "sandbox" (each as its account's own identity),
    /// "unisolated" (its admin allowed it without a sandbox) or "refused: WHY".
    /// </summary>
    public string AccountJobs { get; }

    /// <summary>One line on how this worker isolates what it runs, or why it cannot.</summary>
    public string IsolationNote { get; }

    /// <summary>The run directory, locked by this worker while it lives.</summary>
    public string RunDirectory { get; }

    public IReadOnlyDictionary<ResourceName, int> Resources { get; }

    /// <summary>Completes when the supervisor first accepts this worker's registration.</summary>
    public Task Registered => _connection.Registered;

    public int RunningCount => _subjobs.RunningCount;

    /// <summary>How many algorithm instances run here, loading or warm.</summary>
    public int InstanceCount => _instances.Count;

    /// <summary>
    /// Runs until <paramref name="stop"/>: connects, serves assignments, reconnects. On stop it kills its
    /// processes and tells the supervisor it is leaving. Throws <see cref="WorkerRefusedException"/> when refused.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            // A predecessor started without a runtime directory wrote its records on disk: look there as well.
            await _subjobs.KillLeftoversAsync(_runtimeTwin is null ? null : Path.Combine(RunDirectory, "processes"), stop).ConfigureAwait(false);
            await _connection.RunAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await _connection.StopWorkAsync().ConfigureAwait(false);
        }
    }

    private Register BuildRegister()
    {
        var register = new Register
        {
            Name = Name, AgentVersion = "0.1.0", Incarnation = Incarnation, Isolation = Isolation, AccountJobs = AccountJobs,
            Os = HostPropertiesCheck.Os(), Arch = HostPropertiesCheck.Arch(), CpuModel = CpuModel.Value, Groups = { _options.Groups }, Cluster = _options.Cluster,
        };
        foreach (var (resource, amount) in Resources)
        {
            register.Resources[resource.ToString()] = amount;
        }

        _subjobs.AddReports(register);
        _instances.AddReports(register);
        return register;
    }

    public void Dispose()
    {
        _api.Dispose();
        if (_memoryDirectory is not null)
        {
            AllocationDirectory.Delete(_memoryDirectory);
        }

        if (_options.Ephemeral && _options.RunDirectory is null)
        {
            // Deleted while still locked, so no other worker can take the directories in between.
            AllocationDirectory.Delete(Path.GetDirectoryName(_records.DirectoryPath)!);
            AllocationDirectory.Delete(RunDirectory);
        }

        _sandbox?.Dispose();
        _runtimeTwin?.Dispose();
        _directory.Dispose();
    }
}
