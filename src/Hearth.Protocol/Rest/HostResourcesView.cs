namespace Hearth.Protocol.Rest;

public sealed record HostResourcesView(string Host, string State, IReadOnlyList<ResourceUsageView> Resources);
