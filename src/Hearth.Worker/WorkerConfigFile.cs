using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hearth.Worker;

/// <summary>
/// A worker's configuration file, for workers on their own machines:
/// <code>
/// {
///   "supervisor": "https://hearth.example:7070",
///   "name": "render-07",
///   "resources": "host.processors=16,host.gpu=2",
///   "groups": ["gpu", "render"],
///   "cluster": "west",
///   "key_file": "/etc/hearth/worker.key",
///   "tls": { "ca_file": "/etc/hearth/farm-ca.pem" },
///   "run_directory": "/var/lib/hearth/run",
///   "build_cache_mb": 20480,
///   "output_buffer_mb": 64,
///   "environment": { "TMPDIR": "/scratch/tmp" },
///   "on_disconnect": "stop",
///   "log_format": "json",
///   "verbose": false
/// }
/// </code>
/// Everything is optional here (the command line can supply it), but a worker must end up with a supervisor
/// URL and a key. <c>key</c> holds the key itself, <c>key_file</c> a file holding it; relative paths are taken
/// from the file's own directory. <c>environment</c> adds variables to every subjob's and instance's environment
/// (see <see cref="Spawning.ChildEnvironment"/>). Unknown fields are errors, so a misspelt one is not silently ignored.
/// </summary>
public sealed record WorkerConfigFile
{
    public string? Supervisor { get; init; }

    public string? Name { get; init; }

    public string? Resources { get; init; }

    /// <summary>Groups for jobs' requirements, e.g. <c>["gpu", "render"]</c>.</summary>
    public List<string>? Groups { get; init; }

    /// <summary>The one cluster this worker belongs to, for jobs' requirements.</summary>
    public string? Cluster { get; init; }

    public string? Key { get; init; }

    public string? KeyFile { get; init; }

    public WorkerTlsConfig? Tls { get; init; }

    public string? RunDirectory { get; init; }

    /// <summary>The build cache's cap in MB; 0 keeps only the builds in use.</summary>
    public int? BuildCacheMb { get; init; }

    /// <summary>The most subjob output, in MB, kept while waiting for the supervisor (unreachable, or reading slowly).</summary>
    public int? OutputBufferMb { get; init; }

    /// <summary>Variables added to every subjob's and instance's environment.</summary>
    public Dictionary<string, string>? Environment { get; init; }

    /// <summary><c>stop</c> (the default) or <c>keep</c>: see <see cref="WorkerOptions.OnDisconnect"/>.</summary>
    public string? OnDisconnect { get; init; }

    public string? LogFormat { get; init; }

    public bool? Verbose { get; init; }

    /// <summary>The sandbox for algorithm instances (and optionally subjobs); see <see cref="WorkerSandboxConfig"/>.</summary>
    public WorkerSandboxConfig? Sandbox { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and checks a file; throws <see cref="ArgumentException"/> saying which file and what is wrong.</summary>
    public static WorkerConfigFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read worker config {path}: {e.Message}", e);
        }

        WorkerConfigFile config;
        try
        {
            config = JsonSerializer.Deserialize<WorkerConfigFile>(text, Json)
                ?? throw new ArgumentException($"worker config {path} is empty: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"worker config {path}: {Describe(e)}", e);
        }

        if (config.Key is not null && config.KeyFile is not null)
        {
            throw new ArgumentException($"worker config {path}: give \"key\" or \"key_file\", not both");
        }

        if (config.Sandbox is { } sandbox && sandbox.Problem() is { } problem)
        {
            throw new ArgumentException($"worker config {path}: {problem}");
        }

        if (HostPropertiesCheck.Problem(config.Groups, config.Cluster) is { } badProperty)
        {
            throw new ArgumentException($"worker config {path}: {badProperty}");
        }

        if (config.LogFormat is not (null or "text" or "json"))
        {
            throw new ArgumentException($"worker config {path}: \"log_format\" is \"{config.LogFormat}\"; expected \"text\" or \"json\"");
        }

        if (config.OnDisconnect is not (null or "stop" or "keep"))
        {
            throw new ArgumentException($"worker config {path}: \"on_disconnect\" is \"{config.OnDisconnect}\"; expected \"stop\" or \"keep\"");
        }

        if (config.BuildCacheMb is < 0)
        {
            throw new ArgumentException($"worker config {path}: \"build_cache_mb\" is {config.BuildCacheMb}; expected a whole number of megabytes, 0 or more");
        }

        if (config.OutputBufferMb is < 1)
        {
            throw new ArgumentException($"worker config {path}: \"output_buffer_mb\" is {config.OutputBufferMb}; expected a whole number of megabytes, 1 or more");
        }

        foreach (var (name, value) in config.Environment ?? [])
        {
            if (Spawning.ChildEnvironment.Check(name, value) is { } unfit)
            {
                throw new ArgumentException($"worker config {path}: \"environment\": {unfit}");
            }
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return config with
        {
            KeyFile = Resolve(directory, config.KeyFile),
            RunDirectory = Resolve(directory, config.RunDirectory),
            Tls = config.Tls is { } tls ? tls with { CaFile = Resolve(directory, tls.CaFile) } : null,
        };
    }

    /// <summary>The key itself: <c>key</c>, or the trimmed contents of <c>key_file</c>.</summary>
    public string? ReadKey()
    {
        if (KeyFile is null)
        {
            return Key;
        }

        try
        {
            return File.ReadAllText(KeyFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the worker key file {KeyFile}: {e.Message}", e);
        }
    }

    private static string? Resolve(string directory, string? path) => path is null ? null : Path.GetFullPath(path, directory);

    private static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 1 } p ? $" at {p}" : "";
        var line = e.LineNumber is { } n ? $" (line {n + 1})" : "";
        var first = e.Message.Split(". Path:", 2)[0];
        return $"{first}{where}{line}";
    }
}
