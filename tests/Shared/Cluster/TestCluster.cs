using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hearth.Supervisor;
using Hearth.Worker;

namespace Hearth.Testing;

/// <summary>
/// The tests' cluster: a real supervisor and real workers on free ports over a scratch directory, either as separate
/// <c>hearth</c> processes or in this process (<see cref="ClusterMode"/>). Ports are kept across supervisor restarts,
/// so workers reconnect to the same address. Everything it started stops when it is disposed.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hearth-cluster-");
    private readonly Dictionary<string, ClusterProcess> _workers = new(StringComparer.Ordinal);
    private readonly List<ClusterProcess> _exited = [];
    private readonly List<(WorkerAgent Agent, Task Running)> _agents = [];
    private readonly CancellationTokenSource _stopAgents = new();
    private SupervisorHost? _host;
    private HttpClient? _admin;
    private HttpClient? _anonymous;

    private TestCluster(ClusterOptions options) => Options = options;

    public ClusterOptions Options { get; }

    public int Port { get; private set; }

    public int WorkerPort { get; private set; }

    public Uri Url => new($"{(Options.Tls is null ? "http" : "https")}://{Options.Address}:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The URL as a client is given it, without a trailing slash.</summary>
    public string BaseUrl => Url.ToString().TrimEnd('/');

    /// <summary>A scratch directory for the test's own files, deleted with the cluster.</summary>
    public string Root => _root.FullName;

    public string DataDirectory => Path.Combine(_root.FullName, "supervisor");

    /// <summary>A file made when the cluster starts to stop, so jobs that wait on the test can end with it rather than hold up their workers.</summary>
    public string StoppingMark => Path.Combine(_root.FullName, "stopping");

    /// <summary>The supervisor process (process mode).</summary>
    public ClusterProcess Supervisor { get; private set; } = null!;

    /// <summary>The supervisor host (in-process mode).</summary>
    public SupervisorHost Host => _host ?? throw new InvalidOperationException("no supervisor host runs in this process");

    public bool SupervisorRunning => Options.Mode == ClusterMode.InProcess ? _host is not null : Supervisor is { HasExited: false };

    public string AdminKey { get; private set; } = "";

    public string WorkerKey { get; private set; } = "";

    /// <summary>Calls the API with the admin key.</summary>
    public HttpClient Admin => _admin ?? throw new InvalidOperationException("the supervisor has not started");

    public HttpClient Anonymous => _anonymous ?? throw new InvalidOperationException("the supervisor has not started");

    /// <summary>The environment a CLI client of this cluster runs with, as the admin.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["HEARTH_URL"] = BaseUrl, ["HEARTH_API_KEY"] = AdminKey };

    /// <summary>The worker agents running in this process (in-process mode).</summary>
    public IReadOnlyList<WorkerAgent> Agents => [.. _agents.Select(a => a.Agent)];

    public static async Task<TestCluster> StartAsync(ClusterOptions? options = null)
    {
        var cluster = new TestCluster(options ?? new ClusterOptions());
        try
        {
            await cluster.StartSupervisorAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client(string? key)
    {
        var http = new HttpClient(SupervisorTrust.CreateHandler(Options.Tls?.Authority)) { BaseAddress = Url, Timeout = Options.ClientTimeout };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        }

        return http;
    }

    /// <summary>Runs a client command of the CLI as the admin.</summary>
    public Task<CliResult> RunAsync(params string[] args) => HearthCli.RunAsync(Environment, args);

    /// <summary>
    /// Starts the supervisor, on the cluster's ports once it has them. The first start picks free ports, and picks new
    /// ones when another process took them between the probe and the supervisor's bind.
    /// </summary>
    public async Task StartSupervisorAsync(params string[] extra)
    {
        if (Options.Mode == ClusterMode.InProcess)
        {
            await StartHostAsync();
        }
        else
        {
            await StartProcessAsync(extra);
        }

        AdminKey = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "admin.key"))).Trim();
        WorkerKey = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "worker.key"))).Trim();
        _admin?.Dispose();
        _anonymous?.Dispose();
        _admin = Client(AdminKey);
        _anonymous = Client(null);
        if (Options.LocalWorkers > 0)
        {
            await Poll.UntilAsync($"{Options.LocalWorkers} local workers to be up",
                async () => (await WorkersAsync()).EnumerateArray().Count(w => w.GetProperty("state").GetString() == "up") == Options.LocalWorkers,
                state: () => Supervisor.Output);
        }
    }

    private async Task StartHostAsync()
    {
        var options = Options.Supervisor(new SupervisorOptions
        {
            DataDirectory = DataDirectory,
            Port = Port,
            WorkerPort = WorkerPort,
            BindAddress = Options.Address,
            HeartbeatTimeout = Seconds(Options.HeartbeatTimeout),
            IdleTimeout = Options.IdleTimeout ?? TimeSpan.FromMinutes(10),
            GlobalResources = Options.GlobalResources,
            Database = Options.Database,
        });
        _host = await SupervisorHost.StartAsync(options);
        (Port, WorkerPort) = (_host.Url.Port, _host.WorkerUrl.Port);
    }

    private async Task StartProcessAsync(string[] extra)
    {
        var fresh = Port == 0;
        for (var attempt = 1; ; attempt++)
        {
            if (fresh)
            {
                (Port, WorkerPort) = (FreePort.Pick(), FreePort.Pick());
            }

            Supervisor = ClusterProcess.Start("supervisor", SupervisorArguments(extra), Options.SupervisorWrapper);
            try
            {
                await WaitForSupervisorAsync();
                return;
            }
            catch (InvalidOperationException) when (fresh && attempt < PortAttempts && Supervisor.Lines.Any(l => l.Contains("cannot listen on", StringComparison.Ordinal)))
            {
                await Supervisor.DisposeAsync();
            }
        }
    }

    private List<string> SupervisorArguments(string[] extra)
    {
        List<string> args = Options.LocalWorkers > 0
            ? ["up", "--workers", $"{Options.LocalWorkers}", .. Options.LocalWorkerResources is { } r ? ["--worker-resources", r] : Array.Empty<string>()]
            : ["supervisor"];
        args.AddRange(["--data", DataDirectory, "--bind", Options.Address, "--port", $"{Port}", "--worker-port", $"{WorkerPort}", "--heartbeat-timeout", Options.HeartbeatTimeout]);
        if (Options.Database is { } database)
        {
            args.AddRange(["--db", database]);
        }

        if (Options.GlobalResources is { } globals)
        {
            args.AddRange(["--global-resources", globals]);
        }

        if (Options.IdleTimeout is { } idle)
        {
            args.AddRange(["--idle-timeout", $"{idle.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"]);
        }

        if (Options.Tls is { } tls)
        {
            args.AddRange(["--tls-cert", tls.Certificate, "--tls-key", tls.Key]);
        }

        if (Options.Verbose)
        {
            args.Add("--verbose");
        }

        args.AddRange(Options.SupervisorArguments);
        args.AddRange(extra);
        return args;
    }

    private async Task WaitForSupervisorAsync()
    {
        using var probe = Client(null);
        probe.Timeout = TimeSpan.FromSeconds(5);
        await Poll.UntilAsync("the supervisor to be ready", async () =>
        {
            if (Supervisor.HasExited)
            {
                throw new InvalidOperationException($"the supervisor exited with {Supervisor.ExitCode}:\n{Supervisor.Output}");
            }

            try
            {
                using var ready = await probe.GetAsync(new Uri("readyz", UriKind.Relative));
                return ready.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, state: () => Supervisor.Output);
    }

    /// <summary>A graceful stop (SIGTERM in process mode); the workers carry on, trying to reconnect.</summary>
    public async Task StopSupervisorAsync()
    {
        if (Options.Mode == ClusterMode.InProcess)
        {
            await Host.StopAsync();
            await Host.DisposeAsync();
            _host = null;
        }
        else
        {
            await Supervisor.StopAsync();
            _exited.Add(Supervisor);
        }
    }

    /// <summary>Stops the supervisor and starts it again on the same data and ports; workers stay up and reconnect.</summary>
    public async Task RestartSupervisorAsync()
    {
        await StopSupervisorAsync();
        await StartSupervisorAsync();
    }

    /// <summary>SIGKILL the supervisor process: whatever it had not committed is gone; its workers and their processes live on.</summary>
    public async Task KillSupervisorAsync()
    {
        await Supervisor.KillAsync();
        _exited.Add(Supervisor);
    }

    /// <summary>Starts a worker, a process or (in-process mode) an agent, and waits until the supervisor has it up.</summary>
    public async Task StartWorkerAsync(string name, string resources, params string[] options)
    {
        if (Options.Mode == ClusterMode.InProcess)
        {
            await StartAgentAsync(name, resources);
            return;
        }

        List<string> args = ["worker", "--supervisor", BaseUrl, "--name", name, "--resources", resources, "--key", WorkerKey, .. options];
        if (Options.Verbose)
        {
            args.Add("--verbose");
        }

        await StartWorkerProcessAsync(name, args);
    }

    /// <summary>Starts a worker process with exactly <paramref name="args"/> (under <paramref name="wrapper"/>) and waits until the supervisor has <paramref name="name"/> up.</summary>
    public async Task<ClusterProcess> StartWorkerProcessAsync(string name, IReadOnlyList<string> args, IReadOnlyList<string>? wrapper = null)
    {
        var worker = _workers[name] = ClusterProcess.Start($"worker {name}", args, wrapper);
        await Poll.UntilAsync($"worker {name} to be up", async () =>
        {
            if (worker.HasExited)
            {
                Assert.Fail($"worker {name} exited with {worker.ExitCode}:\n{worker.Output}");
            }

            return await WorkerStateAsync(name) == "up";
        }, state: () => worker.Output);
        return worker;
    }

    private async Task StartAgentAsync(string name, string resources)
    {
        var agent = new WorkerAgent(Options.Worker(new WorkerOptions
        {
            Supervisor = Url,
            ApiKey = WorkerKey,
            Name = name,
            Resources = resources,
            RunDirectory = Path.Combine(Root, name),
        }));
        _agents.Add((agent, Task.Run(() => agent.RunAsync(_stopAgents.Token))));
        await agent.Registered.WaitAsync(Poll.DefaultBound);
    }

    /// <summary>Starts a worker process without waiting for it to come up, e.g. one expected to be refused; the cluster stops it.</summary>
    public ClusterProcess LaunchWorker(string label, IReadOnlyList<string> args, IReadOnlyList<string>? wrapper = null)
    {
        var worker = ClusterProcess.Start(label, args, wrapper);
        _exited.Add(worker);
        return worker;
    }

    public ClusterProcess Worker(string name) => _workers[name];

    /// <summary>SIGKILL a worker process: its subjobs' processes live on, orphaned, with nobody reading their output.</summary>
    public async Task KillWorkerAsync(string name)
    {
        var worker = _workers[name];
        await worker.KillAsync();
        _workers.Remove(name);
        _exited.Add(worker);
    }

    /// <summary>The supervisor's list of workers (a JSON array).</summary>
    public async Task<JsonElement> WorkersAsync() => (await Admin.GetFromJsonAsync<JsonElement>("v1/workers")).GetProperty("workers");

    public async Task<string?> WorkerStateAsync(string name) => WorkerState(await WorkersAsync(), name);

    public static string? WorkerState(JsonElement workers, string name) =>
        workers.EnumerateArray().Where(w => w.GetProperty("name").GetString() == name).Select(w => w.GetProperty("state").GetString()).FirstOrDefault();

    private static TimeSpan Seconds(string duration) =>
        TimeSpan.FromSeconds(double.Parse(duration.TrimEnd('s'), CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await File.WriteAllTextAsync(StoppingMark, "");
        }
        catch (IOException)
        {
            // The directory is going anyway.
        }

        // Workers first (they stop their processes), then the supervisor.
        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }

        await _stopAgents.CancelAsync();
        foreach (var (agent, running) in _agents)
        {
            try
            {
                await running.WaitAsync(Poll.DefaultBound);
            }
            catch (Exception e) when (e is OperationCanceledException or WorkerRefusedException or Grpc.Core.RpcException)
            {
                // Stopped.
            }

            agent.Dispose();
        }

        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        if (Supervisor is not null)
        {
            await Supervisor.DisposeAsync();
        }

        foreach (var process in _exited)
        {
            await process.DisposeAsync();
        }

        _admin?.Dispose();
        _anonymous?.Dispose();
        _stopAgents.Dispose();
        if (Port != 0)
        {
            WorkerDirectories.DeleteFor(Options.Address, Port);
        }

        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A straggling writer; the temporary directory is harmless.
        }
    }
}
