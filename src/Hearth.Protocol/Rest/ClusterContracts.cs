namespace Hearth.Protocol.Rest;

/// <summary>Total, used and free of one resource, on one host or across the cluster.</summary>
public sealed record ResourceUsageView(string Resource, int Total, int Used, int Free);

public sealed record WorkerView(
    string Name,
    string State,
    DateTimeOffset? LastSeenAt,
    int Running,
    IReadOnlyList<ResourceUsageView> Resources);

public sealed record WorkerListView(IReadOnlyList<WorkerView> Workers);

public sealed record HostResourcesView(string Host, string State, IReadOnlyList<ResourceUsageView> Resources);

public sealed record ResourcesView(IReadOnlyList<ResourceUsageView> Global, IReadOnlyList<HostResourcesView> Hosts);

/// <summary>What a client or a worker needs to know before talking to the supervisor.</summary>
public sealed record ClusterInfoView(string Version, int WorkerPort, int HeartbeatTimeoutMs, int ApiPort);
