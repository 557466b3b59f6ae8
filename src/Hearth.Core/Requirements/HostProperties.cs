namespace Hearth.Core.Requirements;

/// <summary>
/// What requirements can ask of a host besides its resources: discovered (<c>host.name</c>, <c>host.os</c>,
/// <c>host.arch</c>, <c>host.cpu_model</c>) and set by the admin in the worker's config (<c>host.groups</c>,
/// <c>host.cluster</c>). Empty text means the worker did not say.
/// </summary>
public sealed record HostProperties(string Name, string Os, string Arch, string CpuModel, IReadOnlyList<string> Groups, string Cluster)
{
    public static HostProperties Unknown(string name) => new(name, "", "", "", [], "");

    public bool InGroup(string group)
    {
        foreach (var g in Groups)
        {
            if (string.Equals(g, group, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
