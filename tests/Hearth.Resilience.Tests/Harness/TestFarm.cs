using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hearth.Protocol.Rest;
using Hearth.Testing;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>How a test farm's supervisor runs.</summary>
internal sealed record FarmOptions
{
    /// <summary>The <c>--db</c> value; null for SQLite in the data directory.</summary>
    public string? Database { get; init; }

    public string? GlobalResources { get; init; }

    /// <summary>The address the supervisor binds and workers use to reach it.</summary>
    public string Address { get; init; } = "127.0.0.1";

    public string HeartbeatTimeout { get; init; } = "30s";

    /// <summary>A command the supervisor runs under, e.g. <c>ip netns exec NS</c>.</summary>
    public IReadOnlyList<string> SupervisorWrapper { get; init; } = [];

    /// <summary>PEM certificate, key and the CA that signed them: the supervisor serves TLS and the farm trusts that CA.</summary>
    public (string Certificate, string Key, string Authority)? Tls { get; init; }
}

/// <summary>
/// A farm of real processes: one supervisor and any number of workers, each a separate <c>hearth</c> process,
/// with fixed ports so the supervisor can be killed and started again at the same address. Jobs run a script
/// that records every start and then waits to be released, so a test can tell a re-adopted process from a rerun.
/// </summary>
internal sealed class TestFarm : IAsyncDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hearth-farm-");
    private readonly Dictionary<string, HearthProcess> _workers = new(StringComparer.Ordinal);
    private readonly List<HearthProcess> _exited = [];
    private readonly FarmOptions _options;
    private SupervisorApi? _api;

    private TestFarm(FarmOptions options)
    {
        _options = options;
        // Ports are picked on this namespace's loopback; a supervisor in its own namespace has them all free.
        Port = FreePort("127.0.0.1");
        WorkerPort = FreePort("127.0.0.1");
        Directory.CreateDirectory(Marks);
        File.WriteAllText(Script, """
            #!/bin/sh
            # Records this start, then runs until released (or 10 minutes pass, so nothing outlives a broken test).
            echo "$$ $QB_JOBSLOTS" >> "$1/started.$QB_JOBID.$QB_SUBID"
            i=0
            while [ ! -e "$1/release.$QB_JOBID.$QB_SUBID" ] && [ ! -e "$1/release.all" ] && [ $i -lt 6000 ]; do
              sleep 0.1
              i=$((i + 1))
            done
            echo "released $QB_JOBID.$QB_SUBID"
            """);
    }

    public int Port { get; }

    /// <summary>The supervisor's <c>--db</c>, or null for SQLite in its data directory.</summary>
    public string? Database => _options.Database;

    public int WorkerPort { get; }

    public Uri Url => new($"{(_options.Tls is null ? "http" : "https")}://{_options.Address}:{Port}");

    public string DataDirectory => Path.Combine(_root.FullName, "supervisor");

    public string Root => _root.FullName;

    public string Marks => Path.Combine(_root.FullName, "marks");

    private string Script => Path.Combine(_root.FullName, "job.sh");

    public HearthProcess Supervisor { get; private set; } = null!;

    public SupervisorApi Api => _api ?? throw new InvalidOperationException("the supervisor has not started");

    public string AdminKey { get; private set; } = "";

    public string WorkerKey { get; private set; } = "";

    /// <summary>A command that records its start in <see cref="Marks"/> and runs until released.</summary>
    public IReadOnlyList<string> HeldCommand => ["sh", Script, Marks];

    public static async Task<TestFarm> StartAsync(FarmOptions options)
    {
        var farm = new TestFarm(options);
        try
        {
            await farm.StartSupervisorAsync();
            return farm;
        }
        catch
        {
            await farm.DisposeAsync();
            throw;
        }
    }

    public async Task StartSupervisorAsync(params string[] extra)
    {
        List<string> args =
        [
            "supervisor", "--data", DataDirectory, "--bind", _options.Address, "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--worker-port", WorkerPort.ToString(CultureInfo.InvariantCulture), "--heartbeat-timeout", _options.HeartbeatTimeout, "--verbose",
        ];
        if (_options.Database is { } database)
        {
            args.AddRange(["--db", database]);
        }

        if (_options.GlobalResources is { } globals)
        {
            args.AddRange(["--global-resources", globals]);
        }

        if (_options.Tls is { } tls)
        {
            args.AddRange(["--tls-cert", tls.Certificate, "--tls-key", tls.Key]);
        }

        args.AddRange(extra);
        Supervisor = HearthProcess.Start("supervisor", _options.SupervisorWrapper, args);
        var probe = new SupervisorApi(Url, "", _options.Tls?.Authority);
        try
        {
            await Bounded.UntilAsync("the supervisor to be ready", async () =>
            {
                if (Supervisor.HasExited)
                {
                    Assert.Fail($"the supervisor exited with {Supervisor.ExitCode}:\n{Supervisor.Output}");
                }

                return (await probe.ReadyAsync()).Status == HttpStatusCode.OK;
            }, state: () => Supervisor.Output);
        }
        finally
        {
            probe.Dispose();
        }

        AdminKey = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "admin.key"))).Trim();
        WorkerKey = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, "worker.key"))).Trim();
        _api?.Dispose();
        _api = new SupervisorApi(Url, AdminKey, _options.Tls?.Authority);
    }

    /// <summary>SIGKILL the supervisor: whatever it had not committed is gone; its workers and their processes live on.</summary>
    public async Task KillSupervisorAsync()
    {
        await Supervisor.KillAsync();
        _exited.Add(Supervisor);
    }

    /// <summary>Starts a worker process (optionally under <paramref name="wrapper"/>) and waits until the supervisor has it up.</summary>
    public async Task<HearthProcess> StartWorkerAsync(string name, string resources, IReadOnlyList<string>? wrapper = null, IReadOnlyList<string>? args = null)
    {
        var worker = HearthProcess.Start($"worker {name}", wrapper ?? [],
            args ?? ["worker", "--supervisor", Url.ToString(), "--name", name, "--resources", resources, "--key", WorkerKey, "--verbose"]);
        _workers[name] = worker;
        await Bounded.UntilAsync($"worker {name} to be up", async () =>
        {
            if (worker.HasExited)
            {
                Assert.Fail($"worker {name} exited with {worker.ExitCode}:\n{worker.Output}");
            }

            return await Api.WorkerStateAsync(name) == "up";
        }, state: () => worker.Output);
        return worker;
    }

    public HearthProcess Worker(string name) => _workers[name];

    /// <summary>SIGKILL a worker process: its subjobs' processes live on, orphaned, with nobody reading their output.</summary>
    public async Task KillWorkerAsync(string name)
    {
        var worker = _workers[name];
        await worker.KillAsync();
        _workers.Remove(name);
        _exited.Add(worker);
    }

    /// <summary>Starts a worker process without waiting for it to come up, e.g. one expected to be refused; the farm stops it.</summary>
    public HearthProcess LaunchWorker(string label, IReadOnlyList<string> args)
    {
        var worker = HearthProcess.Start(label, [], args);
        _exited.Add(worker);
        return worker;
    }

    public Task<long> SubmitHeldAsync(string reservations, int cpus = 1, int priority = 9999, string? name = null) =>
        Api.SubmitAsync(new SubmitJobRequest(HeldCommand, name, reservations, priority, cpus));

    public void Release(long job, int index) => File.WriteAllText(Path.Combine(Marks, $"release.{job}.{index}"), "");

    public void ReleaseAll() => File.WriteAllText(Path.Combine(Marks, "release.all"), "");

    /// <summary>Every start a subjob's process recorded: its pid and the slots it was given.</summary>
    public IReadOnlyList<string> Starts(long job, int index)
    {
        var path = Path.Combine(Marks, $"started.{job}.{index}");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    public async Task<JobView> WaitForSubjobsAsync(long job, string state, int count, int? attempt = null)
    {
        JobView view = null!;
        await Bounded.UntilAsync($"{count} subjob(s) of job {job} to be {state}{(attempt is null ? "" : $" on attempt {attempt}")}", async () =>
        {
            view = await Api.JobAsync(job);
            return view.Subjobs.Count(s => s.State == state && (state != "running" || s.Pid is not null) && (attempt is null || s.Attempt == attempt)) == count;
        }, state: () => $"job {job}: {string.Join(", ", view?.Subjobs.Select(s => $"{s.Id}={s.State}#{s.Attempt}") ?? [])}");
        return view;
    }

    public async Task<JobView> WaitForJobAsync(long job, string state)
    {
        JobView view = null!;
        await Bounded.UntilAsync($"job {job} to be {state}", async () => (view = await Api.JobAsync(job)).State == state,
            state: () => $"job {job} is {view?.State}");
        return view;
    }

    public static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            ReleaseAll();
        }
        catch (IOException)
        {
            // The directory is going anyway.
        }

        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }

        if (Supervisor is not null)
        {
            await Supervisor.DisposeAsync();
        }

        foreach (var process in _exited)
        {
            await process.DisposeAsync();
        }

        _api?.Dispose();
        WorkerDirectories.DeleteFor(_options.Address, Port);
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
