namespace Hearth.Protocol.Rest;

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
