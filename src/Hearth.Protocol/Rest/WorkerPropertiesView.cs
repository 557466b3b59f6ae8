namespace Hearth.Protocol.Rest;

/// <summary>
/// A worker's properties as requirements name them: <c>host.name</c>, <c>host.os</c>, <c>host.arch</c>,
/// <c>host.cpu_model</c> (discovered), <c>host.groups</c> and <c>host.cluster</c> (from its config). Empty text: not known.
/// </summary>
public sealed record WorkerPropertiesView(string Name, string Os, string Arch, string CpuModel, IReadOnlyList<string> Groups, string Cluster);
