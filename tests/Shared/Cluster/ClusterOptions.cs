using Hearth.Supervisor;
using Hearth.Worker;

namespace Hearth.Testing;

/// <summary>How a <see cref="TestCluster"/>'s supervisor runs.</summary>
internal sealed record ClusterOptions
{
    public ClusterMode Mode { get; init; } = ClusterMode.Processes;

    public string HeartbeatTimeout { get; init; } = "30s";

    public string? GlobalResources { get; init; }

    /// <summary>The <c>--db</c> value; null for SQLite in the data directory.</summary>
    public string? Database { get; init; }

    /// <summary>The address the supervisor binds and workers use to reach it.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>How long an idle instance stays warm (<c>--idle-timeout</c>); null for the default.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>More supervisor options, e.g. <c>--max-requeues 1</c> (process mode).</summary>
    public IReadOnlyList<string> SupervisorArguments { get; init; } = [];

    /// <summary>A command the supervisor process runs under, e.g. <c>ip netns exec NS</c>.</summary>
    public IReadOnlyList<string> SupervisorWrapper { get; init; } = [];

    /// <summary>PEM certificate, key and the CA that signed them: the supervisor serves TLS and the cluster trusts that CA.</summary>
    public (string Certificate, string Key, string Authority)? Tls { get; init; }

    /// <summary>Process mode: run <c>hearth up</c> with this many workers inside the supervisor's process instead of <c>hearth supervisor</c>.</summary>
    public int LocalWorkers { get; init; }

    /// <summary>The resources of each of <see cref="LocalWorkers"/>.</summary>
    public string? LocalWorkerResources { get; init; }

    public bool Verbose { get; init; }

    /// <summary>How long the cluster's API clients wait for an answer.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>In-process mode: adjusts the supervisor's options.</summary>
    public Func<SupervisorOptions, SupervisorOptions> Supervisor { get; init; } = o => o;

    /// <summary>In-process mode: adjusts each worker agent's options.</summary>
    public Func<WorkerOptions, WorkerOptions> Worker { get; init; } = o => o;
}
