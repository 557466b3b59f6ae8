using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Testing;

namespace Hearth.EndToEnd.Tests;

/// <summary>
/// A real cluster for a test class: a supervisor process and worker processes started from the built CLI on
/// free loopback ports, each in its own temporary data directory, all stopped when the class is done.
/// </summary>
public class TestCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, Process> _workers = [];
    private string[] _supervisorArgs = [];
    private Process? _supervisor;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _supervisorLog = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("hearth-e2e-");

    public string Url { get; private set; } = "";

    public string AdminKey { get; private set; } = "";

    public string WorkerKey { get; private set; } = "";

    public string WorkDirectory => _data.FullName;

    /// <summary>True while the supervisor process runs.</summary>
    public bool SupervisorRunning => _supervisor is { HasExited: false };

    /// <summary>The last lines the supervisor wrote (stdout and stderr), for a failure's message.</summary>
    public string SupervisorLogTail => string.Join('\n', _supervisorLog);

    public Dictionary<string, string?> Environment => new() { ["HEARTH_URL"] = Url, ["HEARTH_API_KEY"] = AdminKey };

    public static Task<TestCluster> StartAsync(string heartbeatTimeout = "30s", string? globals = null, params (string Name, string Resources)[] workers) =>
        StartAsync([], heartbeatTimeout, globals, workers);

    /// <summary>As above, with more supervisor options, e.g. <c>--max-requeues 1</c>.</summary>
    public static async Task<TestCluster> StartAsync(
        string[] supervisorOptions, string heartbeatTimeout = "30s", string? globals = null, params (string Name, string Resources)[] workers)
    {
        var cluster = new TestCluster();
        try
        {
            await cluster.StartSupervisorAsync(heartbeatTimeout, globals, supervisorOptions);
            foreach (var (name, resources) in workers)
            {
                await cluster.StartWorkerAsync(name, resources);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartSupervisorAsync(string heartbeatTimeout, string? globals, string[] options)
    {
        var data = Path.Combine(_data.FullName, "supervisor");

        // A free port can be taken by another test's process between the probe and the supervisor's bind; then the
        // supervisor says it cannot listen, and new ports are picked.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}";
            List<string> args = ["supervisor", "--data", data, "--port", $"{port}", "--worker-port", $"{FreePort()}", "--heartbeat-timeout", heartbeatTimeout];
            if (globals is not null)
            {
                args.AddRange(["--global-resources", globals]);
            }

            args.AddRange(options);
            _supervisorArgs = [.. args];
            try
            {
                await LaunchSupervisorAsync();
                break;
            }
            catch (InvalidOperationException) when (attempt < 3 && _supervisorLog.Any(l => l.Contains("cannot listen on", StringComparison.Ordinal)))
            {
                _processes.Remove(_supervisor!);
                _supervisor!.Dispose();
                _supervisorLog.Clear();
            }
        }

        AdminKey = (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"))).Trim();
        WorkerKey = (await File.ReadAllTextAsync(Path.Combine(data, "worker.key"))).Trim();
    }

    /// <summary>Stops the supervisor (SIGTERM) and starts it again on the same data and ports; workers stay up and reconnect.</summary>
    public async Task RestartSupervisorAsync()
    {
        var old = _supervisor!;
        _processes.Remove(old);
        await StopAsync(old);
        await LaunchSupervisorAsync();
    }

    private async Task LaunchSupervisorAsync()
    {
        var supervisor = _supervisor = Launch(_supervisorArgs);
        supervisor.OutputDataReceived += (_, e) => KeepLine(e.Data);
        supervisor.ErrorDataReceived += (_, e) => KeepLine(e.Data);
        await WaitUntilAsync("the supervisor to answer", async () =>
        {
            if (supervisor.HasExited)
            {
                throw new InvalidOperationException(
                    $"the supervisor exited with {supervisor.ExitCode}: {string.Join(" | ", _supervisorLog.TakeLast(5))}");
            }

            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                return (await http.GetAsync(new Uri($"{Url}/health"))).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        });
    }

    private void KeepLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _supervisorLog.Enqueue(line);
        while (_supervisorLog.Count > 200 && _supervisorLog.TryDequeue(out _))
        {
        }
    }

    public async Task StartWorkerAsync(string name, string resources, params string[] options)
    {
        _workers[name] = Launch(["worker", "--supervisor", Url, "--name", name, "--resources", resources, "--key", WorkerKey, .. options]);
        await WaitUntilAsync($"worker {name} to be up", async () => WorkerState(await WorkersAsync(), name) == "up");
    }

    /// <summary>SIGKILL: the worker gets no chance to stop its processes or say goodbye.</summary>
    public void KillWorker(string name)
    {
        _workers[name].Kill();
        _workers[name].WaitForExit();
    }

    public Task<CliResult> RunAsync(params string[] args) => HearthCli.RunAsync(Environment, args);

    /// <summary>Runs a command that must succeed and returns its JSON (last line of stdout).</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = await RunAsync([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"hearth {string.Join(' ', args)} failed: {result}");
        return result.Json;
    }

    public async Task<long> SubmitAsync(string reservations, params string[] command)
    {
        var result = await RunAsync(["submit", "--json", "-r", reservations, "--", .. command]);
        Assert.True(result.ExitCode == 0, $"submit failed: {result}");
        return result.Json.GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> WaitForJobAsync(long id, string timeout = "60s")
    {
        var result = await RunAsync("wait", $"{id}", "--json", "--timeout", timeout);
        Assert.True(result.ExitCode is 0 or 1 && result.Stdout.Length > 0, $"wait {id} failed: {result}");
        return result.Json;
    }

    public Task<JsonElement> JobAsync(long id) => JsonAsync("job", $"{id}");

    public async Task<JsonElement> WorkersAsync() => (await JsonAsync("workers")).GetProperty("workers");

    public static string? WorkerState(JsonElement workers, string name) =>
        workers.EnumerateArray().Where(w => w.GetProperty("name").GetString() == name).Select(w => w.GetProperty("state").GetString()).FirstOrDefault();

    public async Task<JsonElement> WaitForStateAsync(long id, string state)
    {
        JsonElement job = default;
        await WaitUntilAsync($"job {id} to be {state}", async () =>
        {
            job = await JobAsync(id);
            return job.GetProperty("state").GetString() == state;
        });
        return job;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing clearly after a bound.</summary>
    public static async Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan? bound = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > (bound ?? StartBound))
            {
                Assert.Fail($"timed out after {(bound ?? StartBound).TotalSeconds:0}s waiting for {what}");
            }

            await Task.Delay(100);
        }
    }

    private Process Launch(params string[] args)
    {
        var process = Process.Start(HearthCli.StartInfo(new Dictionary<string, string?>(), args))!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Workers first (they stop their processes), then the supervisor.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await StopAsync(process);
        }

        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A straggling writer; the temporary directory is harmless.
        }

        if (Url.Length > 0)
        {
            WorkerDirectories.DeleteFor("127.0.0.1", new Uri(Url).Port);
        }

        GC.SuppressFinalize(this);
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                ProcessSignals.Terminate(process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
