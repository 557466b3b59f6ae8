using Hearth.Worker.Sandboxing;

namespace Hearth.Worker;

/// <summary>How a worker agent is started.</summary>
public sealed record WorkerOptions
{
    public const long BuildCacheDefaultMegabytes = 10240;

    public const long OutputBufferDefaultBytes = 64L * 1024 * 1024;

    /// <summary>The supervisor's REST URL, e.g. <c>http://127.0.0.1:7070</c>; the worker stream's port is asked from it.</summary>
    public required Uri Supervisor { get; init; }

    /// <summary>
    /// More supervisors of the same cluster, standbys on one PostgreSQL store: the worker tries them in turn, after
    /// <see cref="Supervisor"/>, and works for whichever holds the store (the others answer 503 "standby").
    /// </summary>
    public IReadOnlyList<Uri> OtherSupervisors { get; init; } = [];

    /// <summary>A worker key or the admin key.</summary>
    public required string ApiKey { get; init; }

    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Groups the admin puts this worker in, for jobs' requirements (<c>"gpu" in host.groups</c>).</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The one cluster the admin puts this worker in, for jobs' requirements (<c>host.cluster == "west"</c>).</summary>
    public string Cluster { get; init; } = "";

    /// <summary>Overrides or additions to the discovered resources, e.g. <c>host.processors=4,host.gpu=1</c>.</summary>
    public string? Resources { get; init; }

    /// <summary>
    /// The worker's files: algorithm builds and instances, the records of the processes it started, and the
    /// subjobs' allocation files. By default <c>~/.local/state/hearth/workers/NAME@SUPERVISOR</c>, the same for every
    /// start of a worker of that name against that supervisor (so a restarted worker finds what a crashed one
    /// left running), and then the allocation files go to a memory file system if there is one
    /// (<c>$XDG_RUNTIME_DIR</c> or <c>/dev/shm</c>), removed when the agent is disposed. Either way the worker
    /// holds a lock on it while it runs: a second worker given the same directory refuses to start.
    /// </summary>
    public string? RunDirectory { get; init; }

    /// <summary>
    /// A throwaway worker (a benchmark's, say) whose name will not come back: its default run directory and process
    /// records are removed when the agent is disposed, instead of being kept for the next start.
    /// </summary>
    public bool Ephemeral { get; init; }

    /// <summary>Where fetched algorithm builds are cached, by hash; under the run directory by default.</summary>
    public string? BuildCacheDirectory { get; init; }

    /// <summary>
    /// The build cache's cap in MB (2^20 bytes), 10240 by default. After each fetch the least recently used builds
    /// are evicted until the cache fits; builds that instances here are using are kept even above it.
    /// </summary>
    public long BuildCacheMegabytes { get; init; } = BuildCacheDefaultMegabytes;

    /// <summary>
    /// The most subjob output, in bytes, kept waiting for the supervisor (64 MiB by default). Beyond it the oldest
    /// pending output of the subjob with the most pending is dropped, and a marker line in its log says how much.
    /// Other messages (exits, instance reports, call results) are never dropped.
    /// </summary>
    public long OutputBufferBytes { get; init; } = OutputBufferDefaultBytes;

    /// <summary>How long a stopping worker waits after SIGTERM before SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest pause between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A PEM CA certificate to trust for an https:// supervisor, instead of the system's trust store.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>
    /// Variables the admin adds to every subjob's and instance's environment, over the minimal one they start from
    /// (<c>PATH</c>, <c>HOME</c>, <c>LANG</c>); <c>HEARTH_*</c> and <c>QB_*</c> names are the worker's and are refused.
    /// </summary>
    public IReadOnlyDictionary<string, string> AddedEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// What the worker does with its subjobs and instances when its supervisor has not confirmed hearing from it
    /// for the supervisor's heartbeat timeout: stop them (the default), so they never run beside the copies the
    /// supervisor starts elsewhere, or keep them, to be adopted if the supervisor comes back in time.
    /// </summary>
    public WorkerDisconnectAction OnDisconnect { get; init; } = WorkerDisconnectAction.Stop;

    /// <summary>
    /// Whether algorithm instances (and, with <see cref="SandboxJobs"/>, subjobs) run in a sandbox: <c>auto</c> (the
    /// default) when the machine allows it, <c>required</c> refusing to start without it, or <c>off</c>.
    /// </summary>
    public SandboxMode Sandbox { get; init; } = SandboxMode.Auto;

    /// <summary>Whether sandboxed processes keep the network (the default: algorithms call other algorithms).</summary>
    public bool SandboxNetwork { get; init; } = true;

    /// <summary>
    /// Whether the admin's jobs run in the sandbox too (off by default: render jobs expect the machine's file systems).
    /// Accounts' jobs always do, on a worker that has one.
    /// </summary>
    public bool SandboxJobs { get; init; }

    /// <summary>Host directories accounts' jobs see (and may work in), read-write or read-only; nothing else of the host's but the system's.</summary>
    public IReadOnlyList<JobMount> JobMounts { get; init; } = [];

    /// <summary>
    /// On a worker that cannot sandbox: run accounts' jobs anyway, as the worker's own user with the machine's files
    /// (<c>--jobs-unisolated allow</c>). Off by default: such a worker refuses them, and they wait for one that can.
    /// </summary>
    public bool JobsUnisolated { get; init; }

    /// <summary>When the worker runs as root, the first of the uids given to accounts' sandboxes, one per account.</summary>
    public int SandboxUidBase { get; init; } = 1_500_000_000;

    /// <summary>How many uids the range holds.</summary>
    public int SandboxUidCount { get; init; } = 1_000_000;

    /// <summary>The size cap of a sandbox's private <c>/tmp</c> and of its <c>/dev/shm</c>, in MB; both count against its memory limit.</summary>
    public long SandboxTmpMegabytes { get; init; } = 256;

    /// <summary>The most processes (threads included) one sandbox may hold.</summary>
    public int SandboxPids { get; init; } = 512;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
