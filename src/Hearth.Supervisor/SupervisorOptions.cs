using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor;

/// <summary>How a supervisor is started.</summary>
public sealed record SupervisorOptions
{
    public const int DefaultPort = 7070;
    public const string DefaultDataDirectory = ".hearth";

    /// <summary>Holds the SQLite database and the operator's key files.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    /// <summary>The REST API and web pages (HTTP/1.1). 0 picks a free port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The worker stream (gRPC over HTTP/2 without TLS needs its own port). Null means <see cref="Port"/> + 1; 0 picks a free port.</summary>
    public int? WorkerPort { get; init; }

    /// <summary>The address both ports bind: loopback unless told otherwise.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    public TimeSpan HeartbeatTimeout { get; init; } = SchedulerSettings.DefaultHeartbeatTimeout;

    /// <summary>Global resources, e.g. <c>global.maya=10</c>.</summary>
    public string? GlobalResources { get; init; }

    /// <summary>How long an unreserved idle algorithm instance is kept warm.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an instance is kept at least before it may be evicted for other work (against thrashing).</summary>
    public TimeSpan InstanceMinResidency { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an instance may take from start to PIPE_INIT_COMPLETE, build fetch included.</summary>
    public TimeSpan InstanceLoadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A database connection string; null means SQLite in <see cref="DataDirectory"/>.</summary>
    public string? Database { get; init; }

    /// <summary>
    /// Where builds and data files live: <c>s3://BUCKET/PREFIX</c> for an S3-compatible store, or a directory; null
    /// means the directory <c>objects</c> in <see cref="DataDirectory"/>.
    /// </summary>
    public string? Objects { get; init; }

    /// <summary>The S3-compatible store's URL (MinIO, Ceph, ...) for an <c>s3://</c> <see cref="Objects"/>; null means AWS.</summary>
    public string? ObjectsEndpoint { get; init; }

    /// <summary>A PEM certificate (chain) to serve both ports over TLS; null serves plain HTTP.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; init; }

    /// <summary>How long start-up waits for another supervisor to let go of the store before giving up.</summary>
    public TimeSpan StoreWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Wait for the store as long as it takes instead of <see cref="StoreWait"/>, serving <c>/healthz</c> (200)
    /// and <c>/readyz</c> (503 "standby") on the ports meanwhile, and take over when its holder lets go.
    /// </summary>
    public bool Standby { get; init; }

    /// <summary>Where start-up notices go, e.g. that the store is held by another supervisor and this one waits.</summary>
    public Action<string>? Notice { get; init; }

    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a subjob is requeued after losing its worker before it fails instead.</summary>
    public int MaxRequeues { get; init; } = Scheduling.SchedulerSettings.DefaultMaxRequeues;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Information-level logs from the supervisor itself; framework noise stays at warnings.</summary>
    public bool Verbose { get; init; }

    /// <summary>Logs as one JSON object per line (timestamp, level, category, message and its named values) for log collectors.</summary>
    public bool JsonLogs { get; init; }
}
