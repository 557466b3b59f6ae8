using System.Net.Sockets;
using Hearth.Cli.Client;
using Hearth.Supervisor;
using Hearth.Supervisor.Storage;
using Hearth.Worker;
using Hearth.Worker.Sandboxing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Hearth.Cli.Commands;

/// <summary>A supervisor and some local workers in this process, until Ctrl-C or SIGTERM.</summary>
internal static class LocalCluster
{
    public static async Task<int> RunAsync(SupervisorOptions options, int workers, string? workerResources, bool json, SandboxMode sandbox = SandboxMode.Auto)
    {
        using var shutdown = new Shutdown();
        await using var host = await StartAsync(options).ConfigureAwait(false);
        using var logging = Logging(options.Verbose, options.JsonLogs);
        using var stopWorkers = new CancellationTokenSource();
        var agents = new List<WorkerAgent>();
        var running = new List<Task>();
        var workerKey = host.Keys.WorkerKey ?? host.Keys.AdminKey
            ?? throw new CliException($"no usable worker key: {host.Keys.WorkerKeyPath} is missing");
        for (var i = 1; i <= workers; i++)
        {
            // In the supervisor's own process no network can cut them off: a worker outlives its supervisor only in
            // a shutdown, which stops its processes anyway, so fencing would only add a way to lose work.
            WorkerAgent agent;
            try
            {
                agent = new WorkerAgent(
                    new WorkerOptions
                    {
                        Supervisor = host.Url, ApiKey = workerKey, Name = $"worker-{i}", Resources = workerResources, Sandbox = sandbox,
                        OnDisconnect = WorkerDisconnectAction.Keep,
                    },
                    logging);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message);
            }

            agents.Add(agent);
            running.Add(Task.Run(() => agent.RunAsync(stopWorkers.Token), CancellationToken.None));
        }

        try
        {
            await Task.WhenAll(agents.Select(a => a.Registered)).WaitAsync(TimeSpan.FromSeconds(30), shutdown.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("hearth: some local workers have not registered yet; they keep trying");
        }
        catch (OperationCanceledException)
        {
            // Stopped during start-up.
        }

        Announce(host, agents, json);
        try
        {
            await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token, host.Stopping).Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C, SIGTERM, or the supervisor stopped itself.
        }

        Console.Error.WriteLine(workers > 0
            ? "hearth: stopping: local workers stop their processes, then the supervisor stops"
            : "hearth: stopping: the supervisor finishes its current cycle; workers keep their processes and reconnect when it is back");
        await stopWorkers.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        foreach (var agent in agents)
        {
            agent.Dispose();
        }

        await host.StopAsync().ConfigureAwait(false);
        return host.Stopping.IsCancellationRequested && !shutdown.Token.IsCancellationRequested ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task<SupervisorHost> StartAsync(SupervisorOptions options)
    {
        try
        {
            return await SupervisorHost.StartAsync(options).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"cannot listen on {options.BindAddress}:{options.Port} or its worker port: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.InvalidInput);
        }
        catch (SqliteException e)
        {
            throw new CliException($"cannot open the database in {options.DataDirectory}: {e.Message}");
        }
        catch (StorageUnavailableException e)
        {
            throw new CliException(e.Message);
        }
        catch (SchemaMismatchException e)
        {
            throw new CliException(e.Message);
        }
        catch (StoreInUseException e)
        {
            throw new CliException(e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException($"cannot use the data directory {options.DataDirectory}: {e.Message}");
        }
    }

    private static void Announce(SupervisorHost host, List<WorkerAgent> agents, bool json)
    {
        var keys = host.Keys;
        if (json)
        {
            Output.WriteJson(new
            {
                Url = host.Url.ToString().TrimEnd('/'),
                WorkerUrl = host.WorkerUrl.ToString().TrimEnd('/'),
                AdminKey = keys.AdminKey,
                AdminKeyFile = keys.AdminKeyPath,
                WorkerKeyFile = keys.WorkerKeyPath,
                Workers = agents.Select(a => a.Name),
            });
            return;
        }

        var url = host.Url.ToString().TrimEnd('/');
        Console.Out.WriteLine($"Hearth supervisor: {url}");
        Console.Out.WriteLine(keys.AdminKey is { } admin
            ? $"Admin key: {admin}  (saved in {keys.AdminKeyPath})"
            : $"Admin key: see {keys.AdminKeyPath}");
        Console.Out.WriteLine($"Web page: {url}/admin");
        foreach (var agent in agents)
        {
            Console.Out.WriteLine($"Worker {agent.Name}: {ClusterCommands.Describe(agent.Resources)}; {agent.IsolationNote}");
        }

        // A worker finds the worker port through the API, so it is given the API's URL, never the worker port.
        Console.Out.WriteLine($"Add a worker: HEARTH_WORKER_KEY=$(cat {keys.WorkerKeyPath}) ./hearth worker --supervisor {url}");
        Console.Out.WriteLine($"Try: export HEARTH_URL={url} HEARTH_API_KEY=$(cat {keys.AdminKeyPath}); ./hearth submit -- echo hello");
        Console.Out.WriteLine("Press Ctrl-C to stop.");
    }

    public static ILoggerFactory Logging(bool verbose, bool json = false) => LoggerFactory.Create(b =>
    {
        SupervisorLogging.AddConsole(b, json);
        b.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning);
    });
}
