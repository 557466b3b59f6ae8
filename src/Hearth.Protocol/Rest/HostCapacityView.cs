namespace Hearth.Protocol.Rest;

/// <summary>Host resources summed over some workers; <c>workers</c> names them where that is useful (the down ones).</summary>
public sealed record HostCapacityView(int Hosts, IReadOnlyList<ResourceUsageView> Resources, IReadOnlyList<string>? Workers = null);
