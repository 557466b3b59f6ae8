using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A worker as the scheduler tracks it. Only the scheduling loop touches it.</summary>
internal sealed class WorkerEntry(string name)
{
    public string Name { get; } = name;

    public IReadOnlyDictionary<ResourceName, int> Totals { get; set; } = new Dictionary<ResourceName, int>();

    public WorkerStatus Status { get; set; } = WorkerStatus.Unreachable;

    /// <summary>What requirements read besides resources, as it last registered; unknown until it does.</summary>
    public HostProperties Properties { get; set; } = HostProperties.Unknown(name);

    /// <summary>How it isolates algorithm instances, as it registered: "sandbox" or "none".</summary>
    public string Isolation { get; set; } = NoIsolation;

    public const string NoIsolation = "none";

    /// <summary>
    /// Whether it runs accounts' jobs, as it registered: "sandbox", "unisolated" or "refused: WHY"; empty from a
    /// worker that does not say, which takes them as before.
    /// </summary>
    public string AccountJobs { get; set; } = "";

    public static bool RefusesAccountJobs(string accountJobs) => accountJobs.StartsWith("refused", StringComparison.Ordinal);

    /// <summary>When the supervisor last heard from it, on the supervisor's own clock.</summary>
    public DateTimeOffset LastSeen { get; set; }

    public WorkerSession? Session { get; set; }

    /// <summary>When the current session registered, on the supervisor's clock.</summary>
    public DateTimeOffset ConnectedAt { get; set; }

    /// <summary>Processes of attempts this supervisor no longer owns, killed before the worker takes new work.</summary>
    public HashSet<string> Stale { get; } = new(StringComparer.Ordinal);

    public long Version { get; set; }

    public static string StatusText(WorkerStatus status) => status switch
    {
        WorkerStatus.Up => "up",
        WorkerStatus.Unreachable => "unreachable",
        _ => "down",
    };

    public static WorkerStatus ParseStatus(string text) => text switch
    {
        "up" => WorkerStatus.Up,
        "down" => WorkerStatus.Down,
        _ => WorkerStatus.Unreachable,
    };

    public WorkerRecord ToRecord() => new(
        Name, Totals.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), StatusText(Status), LastSeen, Version);
}
