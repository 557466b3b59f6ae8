using System.CommandLine;
using Hearth.Cli.Client;
using Hearth.Core.Resources;
using Hearth.Worker;
using Hearth.Worker.Sandboxing;

namespace Hearth.Cli.Commands;

/// <summary>
/// The <c>worker</c> command's settings: its options, a <c>--config</c> file, then the environment, in that
/// order of precedence. A worker must end up with a supervisor URL and a key; every problem names its source.
/// </summary>
internal sealed class WorkerSettings
{
    public Option<string?> Config { get; } = new("--config") { Description = "A JSON config file (supervisor, name, resources, groups, cluster, key or key_file, tls.ca_file, run_directory, build_cache_mb, output_buffer_mb, environment, on_disconnect, sandbox, log_format, verbose); options given here override it" };

    public Option<string?> Supervisor { get; } = new("--supervisor") { Description = $"The supervisor's URL, http:// or https://, or several (URL1,URL2) for an active supervisor and its standbys: the worker works for whichever holds the store (default: ${SupervisorClient.UrlVariable} or {SupervisorClient.DefaultUrl})" };

    public Option<string?> Name { get; } = new("--name") { Description = "This worker's name (default: the host name)" };

    public Option<string?> Resources { get; } = new("--resources") { Description = "Override or add host resources, e.g. host.processors=4,host.gpu=1" };

    public Option<string?> Groups { get; } = new("--groups") { Description = "Groups this worker belongs to, for jobs' requirements, e.g. gpu,render (default: \"groups\" in the config)" };

    public Option<string?> Cluster { get; } = new("--cluster") { Description = "The one cluster this worker belongs to, for jobs' requirements (default: \"cluster\" in the config)" };

    public Option<string?> Key { get; } = new("--key") { Description = "A worker key or the admin key (default: $HEARTH_WORKER_KEY, then $HEARTH_API_KEY)" };

    public Option<string?> TlsCa { get; } = new("--tls-ca") { Description = "A PEM CA certificate to trust for an https:// supervisor (default: the system's trust store)" };

    public Option<int?> BuildCacheMb { get; } = new("--build-cache-mb")
    {
        CustomParser = Megabytes,
        Description = $"Cap the build cache at this many MB; least recently used builds are evicted, builds in use are kept (default: {WorkerOptions.BuildCacheDefaultMegabytes})",
    };

    public Option<int?> OutputBufferMb { get; } = new("--output-buffer-mb")
    {
        CustomParser = Megabytes,
        Description = $"Keep at most this many MB of subjob output while the supervisor is unreachable; beyond it the oldest is dropped, with a marker in the job's log (default: {WorkerOptions.OutputBufferDefaultBytes / (1024 * 1024)})",
    };

    public Option<string?> OnDisconnect { get; } = OnDisconnectOption();

    public Option<string?> Sandbox { get; } = SandboxOption();

    public Option<bool> SandboxNoNetwork { get; } = new("--sandbox-no-network") { Description = "Give sandboxed processes no network (default: they keep the host's)" };

    public Option<bool> SandboxJobs { get; } = new("--sandbox-jobs") { Description = "Run the admin's subjobs in the sandbox too (accounts' subjobs always run in it)" };

    public Option<string[]> JobMount { get; } = new("--job-mount")
    {
        Description = "A host directory accounts' jobs see, PATH:rw or PATH:ro; repeat for more (default: \"sandbox.job_mounts\" in the config)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> JobsUnisolated { get; } = JobsUnisolatedOption();

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log what the worker does" };

    public Option<string> LogFormat { get; } = ClusterCommands.LogFormatOption();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, Supervisor, Name, Resources, Groups, Cluster, Key, TlsCa, BuildCacheMb, OutputBufferMb, OnDisconnect, Sandbox, SandboxNoNetwork, SandboxJobs, JobMount, JobsUnisolated, Verbose, LogFormat })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The worker's options, and whether to log verbosely and as JSON.</summary>
    public (WorkerOptions Options, bool Verbose, bool JsonLogs) Read(ParseResult result)
    {
        var file = result.GetValue(Config) is { } path ? Load(path) : new WorkerConfigFile();
        var source = result.GetValue(Config) is { } p ? $"worker config {p}" : "--supervisor";
        var urls = result.GetValue(Supervisor) ?? file.Supervisor ?? Environment.GetEnvironmentVariable(SupervisorClient.UrlVariable) ?? SupervisorClient.DefaultUrl;
        var supervisors = new List<Uri>();
        foreach (var url in urls.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"{(result.GetValue(Supervisor) is null ? source : "--supervisor")}: \"{url}\" is not an http:// or https:// URL", ExitCodes.InvalidInput);
            }

            supervisors.Add(parsed);
        }

        var uri = supervisors[0];

        var key = result.GetValue(Key) ?? Guard(file.ReadKey) ?? Environment.GetEnvironmentVariable("HEARTH_WORKER_KEY") ?? Environment.GetEnvironmentVariable(SupervisorClient.KeyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CliException(
                "no key: pass --key, give \"key_file\" in the --config file, or set HEARTH_WORKER_KEY (the supervisor wrote worker.key in its data directory)",
                ExitCodes.InvalidInput);
        }

        var caFile = result.GetValue(TlsCa) ?? file.Tls?.CaFile;
        if (caFile is not null)
        {
            if (supervisors.FirstOrDefault(s => s.Scheme != Uri.UriSchemeHttps) is { } plain)
            {
                throw new CliException($"a TLS CA file ({caFile}) is set but the supervisor URL {plain} is not https://", ExitCodes.InvalidInput);
            }

            Guard(() => SupervisorTrust.LoadAuthority(caFile).Dispose());
        }

        var cacheMb = result.GetValue(BuildCacheMb) ?? file.BuildCacheMb ?? WorkerOptions.BuildCacheDefaultMegabytes;
        if (cacheMb < 0)
        {
            throw new CliException($"--build-cache-mb {cacheMb}: expected a whole number of megabytes, 0 or more", ExitCodes.InvalidInput);
        }

        var outputMb = result.GetValue(OutputBufferMb) ?? file.OutputBufferMb ?? WorkerOptions.OutputBufferDefaultBytes / (1024 * 1024);
        if (outputMb < 1)
        {
            throw new CliException($"--output-buffer-mb {outputMb}: expected a whole number of megabytes, 1 or more", ExitCodes.InvalidInput);
        }

        var groups = result.GetValue(Groups) is { } groupList
            ? groupList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : file.Groups?.ToArray() ?? [];
        var cluster = result.GetValue(Cluster) ?? file.Cluster ?? "";
        if (HostPropertiesCheck.Problem(groups, cluster) is { } badProperty)
        {
            throw new CliException($"{(result.GetValue(Groups) is null && result.GetValue(Cluster) is null ? source : "--groups/--cluster")}: {badProperty}", ExitCodes.InvalidInput);
        }

        var sandbox = file.Sandbox ?? new WorkerSandboxConfig();
        var mountTexts = result.GetValue(JobMount) is { Length: > 0 } given ? given : sandbox.JobMounts?.ToArray() ?? [];
        var mounts = Guard(() => mountTexts.Select(Hearth.Worker.Sandboxing.JobMount.Parse).ToList());
        var options = new WorkerOptions
        {
            Sandbox = ParseSandbox(result.GetValue(Sandbox), "--sandbox") ?? ParseSandbox(sandbox.Mode, "\"sandbox.mode\" in the worker config") ?? SandboxMode.Auto,
            SandboxNetwork = !result.GetValue(SandboxNoNetwork) && sandbox.Network != false,
            SandboxJobs = result.GetValue(SandboxJobs) || sandbox.Jobs == true,
            JobMounts = mounts,
            JobsUnisolated = (result.GetValue(JobsUnisolated) ?? sandbox.JobsUnisolated) == "allow",

            Supervisor = uri,
            OtherSupervisors = supervisors[1..],
            ApiKey = key.Trim(),
            Name = result.GetValue(Name) ?? file.Name ?? Environment.MachineName,
            Resources = result.GetValue(Resources) ?? file.Resources,
            Groups = groups,
            Cluster = cluster,
            RunDirectory = file.RunDirectory,
            TlsCaFile = caFile,
            BuildCacheMegabytes = cacheMb,
            OutputBufferBytes = outputMb * 1024L * 1024,
            AddedEnvironment = file.Environment ?? [],
            OnDisconnect = (result.GetValue(OnDisconnect) ?? file.OnDisconnect) == "keep" ? WorkerDisconnectAction.Keep : WorkerDisconnectAction.Stop,
        };
        options = options with
        {
            SandboxUidBase = sandbox.UidBase ?? options.SandboxUidBase,
            SandboxUidCount = sandbox.UidCount ?? options.SandboxUidCount,
            SandboxTmpMegabytes = sandbox.TmpMb ?? options.SandboxTmpMegabytes,
            SandboxPids = sandbox.Pids ?? options.SandboxPids,
        };
        try
        {
            HostResources.Discover(options.Resources);
        }
        catch (ResourceRequestSyntaxException e)
        {
            throw new CliException($"{(result.GetValue(Resources) is null ? "resources in the worker config" : "--resources")}: {e.Message}", ExitCodes.InvalidInput);
        }

        var verbose = result.GetValue(Verbose) || file.Verbose == true;
        var json = (result.GetResult(LogFormat) is { Implicit: false } ? result.GetValue(LogFormat) : file.LogFormat) == "json";
        return (options, verbose, json);
    }

    private static Option<string?> OnDisconnectOption()
    {
        var option = new Option<string?>("--on-disconnect")
        {
            Description = "When the supervisor has not heard from this worker for its heartbeat timeout: stop this worker's subjobs and instances before the supervisor runs them elsewhere, or keep them running (default: stop)",
        };
        option.AcceptOnlyFromAmong("stop", "keep");
        return option;
    }

    private static Option<string?> JobsUnisolatedOption()
    {
        var option = new Option<string?>("--jobs-unisolated")
        {
            Description = "On a worker that cannot sandbox: refuse accounts' jobs (the default; they wait for a worker that can) or allow them to run as this worker's user",
        };
        option.AcceptOnlyFromAmong("refuse", "allow");
        return option;
    }

    internal static Option<string?> SandboxOption()
    {
        var option = new Option<string?>("--sandbox")
        {
            Description = "Run algorithm instances in a sandbox: auto (when this machine allows it, the default), required (refuse to start without it) or off",
        };
        option.AcceptOnlyFromAmong("auto", "required", "off");
        return option;
    }

    internal static SandboxMode? ParseSandbox(string? text, string source) => text switch
    {
        null => null,
        "auto" => SandboxMode.Auto,
        "required" => SandboxMode.Required,
        "off" => SandboxMode.Off,
        _ => throw new CliException($"{source}: \"{text}\" is not a sandbox mode; expected auto, required or off", ExitCodes.InvalidInput),
    };

    private static int? Megabytes(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{(result.Parent as System.CommandLine.Parsing.OptionResult)?.Option.Name}: \"{text}\" is not a whole number of megabytes");
        return null;
    }

    private static WorkerConfigFile Load(string path) => Guard(() => WorkerConfigFile.Load(path));

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.InvalidInput);
        }
    }

    private static void Guard(Action check) => Guard(() =>
    {
        check();
        return 0;
    });
}
