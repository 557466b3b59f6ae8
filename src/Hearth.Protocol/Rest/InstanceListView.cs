namespace Hearth.Protocol.Rest;

public sealed record InstanceListView(IReadOnlyList<InstanceItemView> Instances);
