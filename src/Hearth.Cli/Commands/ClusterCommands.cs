using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Core.Resources;
using Hearth.Supervisor;
using Hearth.Supervisor.Scheduling;
using Hearth.Worker;

namespace Hearth.Cli.Commands;

/// <summary><c>up</c>, <c>supervisor</c> and <c>worker</c>: the long-running parts of a cluster.</summary>
internal static class ClusterCommands
{
    public static IEnumerable<Command> Create() => [Up(), SupervisorCommand(), WorkerCommand()];

    private sealed class SupervisorOptionSet
    {
        public Option<string> Data { get; } = new("--data") { Description = "Data directory: the key files, build archives and, unless --db names another store, the SQLite database", DefaultValueFactory = _ => SupervisorOptions.DefaultDataDirectory };
        public Option<int> Port { get; } = new("--port") { Description = "Port of the REST API and web page (0 picks a free one)", DefaultValueFactory = _ => SupervisorOptions.DefaultPort };
        public Option<int?> WorkerPort { get; } = new("--worker-port") { Description = "Port of the worker stream, gRPC over HTTP/2 (default: --port + 1; 0 picks a free one)" };
        public Option<string> Bind { get; } = new("--bind") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        public Option<string> HeartbeatTimeout { get; } = new("--heartbeat-timeout") { Description = "A worker not heard from for this long is down, e.g. 30s", DefaultValueFactory = _ => "30s" };
        public Option<string?> GlobalResources { get; } = new("--global-resources") { Description = "Global resources, e.g. global.maya=10,global.nuke=2" };
        public Option<string> IdleTimeout { get; } = new("--idle-timeout") { Description = "How long an idle algorithm instance stays warm", DefaultValueFactory = _ => "10m" };
        public Option<string> LoadTimeout { get; } = new("--load-timeout") { Description = "How long a starting algorithm instance may load before it is killed and its calls fail", DefaultValueFactory = _ => "5m" };
        public Option<string?> Database { get; } = new("--db") { Description = "Database (default: SQLite in --data): a PostgreSQL connection string such as \"Host=db1;Username=hearth;Database=hearth\", a postgres:// URL, or sqlite:PATH" };
        public Option<string?> Objects { get; } = new("--objects") { Description = "Where build archives and data files live: s3://BUCKET/PREFIX for any S3-compatible store (credentials the standard AWS way: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, an instance role), or a directory (default: objects in --data)" };
        public Option<string?> ObjectsEndpoint { get; } = new("--objects-endpoint") { Description = "The URL of an S3-compatible store other than AWS, e.g. http://minio:9000 (path-style addressing)" };
        public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log what the supervisor does" };
        public Option<string> LogFormat { get; } = LogFormatOption();
        public Option<string> StoreWait { get; } = new("--store-wait") { Description = "How long to wait at start for another supervisor to let go of the store, e.g. 30s", DefaultValueFactory = _ => "30s" };
        public Option<bool> Standby { get; } = new("--standby") { Description = "When another supervisor holds the store (PostgreSQL), wait for as long as it takes instead of --store-wait, answering /readyz with 503 \"standby\" meanwhile, and take over when it lets go" };
        public Option<string?> TlsCert { get; } = new("--tls-cert") { Description = "Serve both ports over TLS with this PEM certificate (chain); workers then use https://" };
        public Option<string?> TlsKey { get; } = new("--tls-key") { Description = "The PEM private key of --tls-cert" };
        public Option<bool> Json { get; } = new("--json") { Description = "Print the start-up details as one JSON line" };
        public Option<int> MaxRequeues { get; } = new("--max-requeues") { Description = "How many times a subjob is requeued after losing its worker before it fails instead", DefaultValueFactory = _ => SchedulerSettings.DefaultMaxRequeues };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Data, Port, WorkerPort, Bind, HeartbeatTimeout, GlobalResources, IdleTimeout, LoadTimeout, Database, Objects, ObjectsEndpoint, Verbose, LogFormat, TlsCert, TlsKey, StoreWait, Standby, Json, MaxRequeues })
            {
                command.Options.Add(option);
            }
        }

        public SupervisorOptions Read(ParseResult result)
        {
            var heartbeat = Duration(result.GetValue(HeartbeatTimeout)!, "--heartbeat-timeout");
            var idle = Duration(result.GetValue(IdleTimeout)!, "--idle-timeout");
            var globals = result.GetValue(GlobalResources);
            var maxRequeues = result.GetValue(MaxRequeues);
            if (maxRequeues is < 0 or > 1000)
            {
                throw new CliException($"--max-requeues {maxRequeues} is out of range: 0 to 1000", ExitCodes.InvalidInput);
            }

            var data = Path.GetFullPath(result.GetValue(Data)!);
            try
            {
                Hearth.Supervisor.Objects.ObjectStoreLocation.Parse(result.GetValue(Objects), result.GetValue(ObjectsEndpoint), data);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, ExitCodes.InvalidInput);
            }

            try
            {
                ResourceTotals.Parse(globals, ResourceScope.Global);
            }
            catch (ResourceRequestSyntaxException e)
            {
                throw new CliException($"--global-resources: {e.Message}", ExitCodes.InvalidInput);
            }

            return new SupervisorOptions
            {
                DataDirectory = data,
                Objects = result.GetValue(Objects),
                ObjectsEndpoint = result.GetValue(ObjectsEndpoint),
                Port = Port16(result.GetValue(Port), "--port"),
                WorkerPort = result.GetValue(WorkerPort) is { } p ? Port16(p, "--worker-port") : null,
                BindAddress = result.GetValue(Bind)!,
                HeartbeatTimeout = heartbeat,
                GlobalResources = globals,
                IdleTimeout = idle,
                InstanceLoadTimeout = Duration(result.GetValue(LoadTimeout)!, "--load-timeout"),
                Database = result.GetValue(Database),
                Verbose = result.GetValue(Verbose),
                JsonLogs = result.GetValue(LogFormat) == "json",
                StoreWait = Duration(result.GetValue(StoreWait)!, "--store-wait"),
                Standby = result.GetValue(Standby),
                Notice = message => Console.Error.WriteLine($"hearth: {message}"),
                TlsCertificate = result.GetValue(TlsCert) is { } cert ? Path.GetFullPath(cert) : null,
                TlsKey = result.GetValue(TlsKey) is { } key ? Path.GetFullPath(key) : null,
                MaxRequeues = maxRequeues,
            };
        }
    }

    private static Command Up()
    {
        var set = new SupervisorOptionSet();
        var workers = new Option<int>("--workers") { Description = "How many local workers to run", DefaultValueFactory = _ => 1 };
        var workerResources = new Option<string?>("--worker-resources") { Description = "Each local worker's resources, e.g. host.processors=4,host.memory=8000 (default: discovered)" };
        var sandbox = WorkerSettings.SandboxOption();
        var up = new Command("up", "Run a supervisor and N local workers in one process: the one-command local cluster") { workers, workerResources, sandbox };
        set.AddTo(up);
        up.SetAction((result, _) => RunGuarded(async () =>
        {
            var options = set.Read(result);
            var count = result.GetValue(workers);
            if (count is < 0 or > 256)
            {
                throw new CliException($"--workers {count} is out of range: 0 to 256", ExitCodes.InvalidInput);
            }

            if (count > 0 && options.TlsCertificate is not null)
            {
                throw new CliException(
                    "--tls-cert is for a supervisor whose workers run on other machines: use `hearth supervisor --tls-cert ...`, or `up --workers 0`",
                    ExitCodes.InvalidInput);
            }

            var resources = result.GetValue(workerResources);
            try
            {
                HostResources.Discover(resources);
            }
            catch (ResourceRequestSyntaxException e)
            {
                throw new CliException($"--worker-resources: {e.Message}", ExitCodes.InvalidInput);
            }

            var mode = WorkerSettings.ParseSandbox(result.GetValue(sandbox), "--sandbox") ?? Worker.Sandboxing.SandboxMode.Auto;
            return await LocalCluster.RunAsync(options, count, resources, result.GetValue(set.Json), mode).ConfigureAwait(false);
        }));
        return up;
    }

    private static Command SupervisorCommand()
    {
        var set = new SupervisorOptionSet();
        var supervisor = new Command("supervisor", "Run the supervisor alone");
        set.AddTo(supervisor);
        supervisor.SetAction((result, _) => RunGuarded(() => LocalCluster.RunAsync(set.Read(result), 0, null, result.GetValue(set.Json))));
        return supervisor;
    }

    private static Command WorkerCommand()
    {
        var settings = new WorkerSettings();
        var worker = new Command("worker", "Run one worker agent, here or on another machine (see --config)");
        settings.AddTo(worker);
        worker.SetAction((result, _) => RunGuarded(async () =>
        {
            var (options, verbose, json) = settings.Read(result);
            using var shutdown = new Shutdown();
            using var logging = LocalCluster.Logging(verbose, json);
            try
            {
                using var agent = NewAgent(options, logging);
                Console.Error.WriteLine($"hearth: worker {agent.Name} ({Describe(agent.Resources)}) connecting to {options.Supervisor}, run directory {agent.RunDirectory}; {agent.IsolationNote}");
                await agent.RunAsync(shutdown.Token).ConfigureAwait(false);
            }
            catch (WorkerRefusedException e)
            {
                throw new CliException(e.Message);
            }
            catch (WorkerMisdirectedException e)
            {
                throw new CliException(e.Message, ExitCodes.InvalidInput);
            }

            return ExitCodes.Ok;
        }));
        return worker;
    }

    /// <summary>A worker that cannot start (a required sandbox the machine cannot provide) is a usage error, not a crash.</summary>
    private static WorkerAgent NewAgent(WorkerOptions options, Microsoft.Extensions.Logging.ILoggerFactory logging)
    {
        try
        {
            return new WorkerAgent(options, logging);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }
    }

    internal static Option<string> LogFormatOption()
    {
        var option = new Option<string>("--log-format")
        {
            Description = "Log lines as readable text or as one JSON object per line for log collectors",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    internal static string Describe(IReadOnlyDictionary<ResourceName, int> resources) => ResourceTotals.Format(resources);

    private static async Task<int> RunGuarded(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (CliException e)
        {
            return Output.Error(e.Message, e.ExitCode);
        }
    }

    private static TimeSpan Duration(string text, string option) =>
        Durations.TryParse(text, out var value, out var error) ? value : throw new CliException($"{option}: {error}", ExitCodes.InvalidInput);

    private static int Port16(int port, string option) =>
        port is >= 0 and <= 65535 ? port : throw new CliException($"{option} {port.ToString(CultureInfo.InvariantCulture)} is not a port (0 to 65535)", ExitCodes.InvalidInput);
}
