namespace Hearth.Protocol.Rest;

/// <summary>
/// Total, used and free of one resource, on one host or across the cluster. <c>used</c> is what the farm's work
/// holds; <c>outside</c> is a license's use outside the farm, as last reported. Free is never negative.
/// </summary>
public sealed record ResourceUsageView(string Resource, int Total, int Used, int Free, int Outside = 0);

/// <summary>Body of <c>PUT /v1/resources/{resource}</c>: the new total of a global, license or global_host resource.</summary>
public sealed record SetResourceTotalRequest(int? Total);

/// <summary>Body of <c>POST /v1/resources/{resource}/outside-use</c>: how many of a license are in use outside the farm.</summary>
public sealed record ReportOutsideUseRequest(int? InUse);

/// <summary>Body of <c>PUT /v1/workers/{name}/resources</c>: host resource totals to set, e.g. <c>host.gpu=2</c>.</summary>
public sealed record SetWorkerResourcesRequest(string? Resources);

/// <summary>
/// A worker; <c>locked</c>: an admin locked it, so it takes no new work (its running work finishes).
/// <c>properties</c>: what jobs' requirements read besides resources.
/// </summary>
public sealed record WorkerView(
    string Name,
    string State,
    DateTimeOffset? LastSeenAt,
    int Running,
    IReadOnlyList<ResourceUsageView> Resources,
    string Isolation = "none",
    bool Locked = false,
    WorkerPropertiesView? Properties = null);

/// <summary>
/// A worker's properties as requirements name them: <c>host.name</c>, <c>host.os</c>, <c>host.arch</c>,
/// <c>host.cpu_model</c> (discovered), <c>host.groups</c> and <c>host.cluster</c> (from its config). Empty text: not known.
/// </summary>
public sealed record WorkerPropertiesView(string Name, string Os, string Arch, string CpuModel, IReadOnlyList<string> Groups, string Cluster);

public sealed record WorkerListView(IReadOnlyList<WorkerView> Workers);

public sealed record HostResourcesView(string Host, string State, IReadOnlyList<ResourceUsageView> Resources);

/// <summary>
/// <c>/v1/resources</c>: global resources, every host, and the host resources summed over the workers that are up
/// (<c>available</c>: what work can be placed on) and over those that are down or unreachable (<c>down</c>: their
/// capacity, never free).
/// </summary>
public sealed record ResourcesView(
    IReadOnlyList<ResourceUsageView> Global,
    IReadOnlyList<HostResourcesView> Hosts,
    HostCapacityView Available,
    HostCapacityView Down);

/// <summary>Host resources summed over some workers; <c>workers</c> names them where that is useful (the down ones).</summary>
public sealed record HostCapacityView(int Hosts, IReadOnlyList<ResourceUsageView> Resources, IReadOnlyList<string>? Workers = null);

/// <summary>
/// Cluster-wide rules the admin sets at run time. <c>highest_user_priority</c>: the highest priority (lowest number; 1
/// runs first) an account key may give a job at submit or modify; 1 leaves accounts every priority.
/// </summary>
public sealed record PolicyView(int HighestUserPriority);

/// <summary>Body of <c>PUT /v1/policy</c>.</summary>
public sealed record SetPolicyRequest(int? HighestUserPriority);

/// <summary>What a client or a worker needs to know before talking to the supervisor.</summary>
public sealed record ClusterInfoView(string Version, int WorkerPort, int HeartbeatTimeoutMs, int ApiPort);
